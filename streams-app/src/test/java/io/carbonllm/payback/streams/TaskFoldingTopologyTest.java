package io.carbonllm.payback.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.carbonllm.payback.events.InferenceEvent;
import io.carbonllm.payback.events.VariantStats;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tasks, not requests. Defaults: a task's requests come less than 60 s apart (task gap), 10 s task grace, windows of
 * 60 s. A folded task is emitted when stream time passes its last request + 60 s + 10 s, and counts in the window in
 * which it completed. Requests are metered at 0.5 Wh on Google (PUE 1.09): 0.545 Wh of facility energy each.
 */
class TaskFoldingTopologyTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final String MODEL = "small-model";

    @TempDir
    Path stateDir;
    private TopologyFixture fx;
    private int seq;

    @BeforeEach
    void setUp() {
        fx = new TopologyFixture(stateDir);
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    private void request(String taskId, int second, boolean success) {
        fx.pipe(InferenceEvent.newBuilder().setEventId("r" + (++seq)).setEventTime(T0.plusSeconds(second))
                .setGateway("gw").setUseCase(TopologyFixture.USE_CASE).setModelId(MODEL).setTaskId(taskId).setProvider("google")
                .setRegion("eu-north-1").setInputTokens(100).setOutputTokens(10).setSuccess(success)
                .setMeteredEnergyWh(0.5).build());
    }

    @Test
    void retriesFoldIntoOneTaskThatSucceedsIfItsLastRequestDid() {
        // Given task t1: a failure at 1 s, then a successful retry at 5 s
        request("t1", 1, false);
        request("t1", 5, true);
        // and task t2: two failed attempts, at 10 s and 12 s
        request("t2", 10, false);
        request("t2", 12, false);
        // and a request without a task id at 20 s: a task of its own, in window [0, 60)
        request(null, 20, true);

        // When a later task request moves stream time to 100 s: t1 closes at 5 + 60 + 10 = 75 s, t2 at 82 s
        request("t3", 100, true);

        // Then window [0, 60) holds only the request without a task id: 1 task, 1 request, 1 success
        VariantStats first = fx.storedWindow(MODEL, T0.toEpochMilli());
        assertThat(first.getTasks()).isEqualTo(1);
        assertThat(first.getRequests()).isEqualTo(1);
        assertThat(first.getSuccesses()).isEqualTo(1);

        // And t1 and t2 completed at stream time 100 s, so they count in window [60, 120):
        //   2 tasks from 4 requests; t1 succeeded (its last request did), t2 failed
        //   tokens: 4 x (100 + 10) = 440 for 1 successful task; energy: 4 x 0.545 = 2.18 Wh for 1 successful task
        VariantStats second = fx.storedWindow(MODEL, T0.plusSeconds(60).toEpochMilli());
        assertThat(second.getTasks()).isEqualTo(2);
        assertThat(second.getRequests()).isEqualTo(4);
        assertThat(second.getSuccesses()).isEqualTo(1);
        assertThat(second.getFailures()).isEqualTo(1);
        assertThat(second.getInputTokens() + second.getOutputTokens()).isEqualTo(440);
        assertThat(second.getFacilityWh()).isCloseTo(2.18, within(1e-9));
        // and t3 (still open) is not counted anywhere yet
        assertThat(fx.storedWindow(MODEL, T0.plusSeconds(120).toEpochMilli())).isNull();
    }
}
