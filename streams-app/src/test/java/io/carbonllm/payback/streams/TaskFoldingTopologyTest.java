package io.carbonllm.payback.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.carbonllm.payback.events.InferenceEvent;
import io.carbonllm.payback.events.VariantStats;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tasks, not requests. Defaults: a task's requests come less than 60 s apart (task gap), 10 s task grace, windows of
 * 60 s with 30 s grace. A folded task closes when stream time reaches its last request + 60 s + 10 s, and counts in
 * the window of that close time. Requests are metered at 0.5 Wh on Google (PUE 1.09): 0.545 Wh of facility energy
 * each.
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

        // And t1 and t2 closed at 75 s and 82 s, so they count in window [60, 120):
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

    @Test
    void aFoldedTaskCountsInTheWindowOfItsCloseTimeHoweverLateTheNextRecordComes() {
        // Given task t1: requests at 1 s and 5 s (closes at 5 + 60 + 10 = 75 s, window [60, 120))
        request("t1", 1, true);
        request("t1", 5, true);
        // When the next record is a request without a task id at 400 s (a catch-up: stream time jumps 395 s; window
        // [60, 120) closed for new records at 120 + 30 = 150 s)
        request(null, 400, true);

        // Then t1 still counts in window [60, 120): it closed at 75 s, before the window did, whatever came next
        VariantStats closedAt75 = fx.storedWindow(MODEL, T0.plusSeconds(60).toEpochMilli());
        assertThat(closedAt75.getTasks()).isEqualTo(1);
        assertThat(closedAt75.getRequests()).isEqualTo(2);
        // and the request at 400 s counts in window [360, 420)
        assertThat(fx.storedWindow(MODEL, T0.plusSeconds(360).toEpochMilli()).getRequests()).isEqualTo(1);
        // and nothing went to the DLQ
        assertThat(fx.deadLetters.readRecordsToList()).isEmpty();
    }

    @Test
    void aRequestLaterThanItsTasksCloseGoesToTheDlqAsLate() {
        // Given stream time at 200 s
        request(null, 200, true);
        // When a request of task t9 at 100 s arrives: its task would have closed at 100 + 60 + 10 = 170 s <= 200 s
        request("t9", 100, true);

        // Then it goes to the DLQ at stage late, naming its task, instead of vanishing silently
        List<TestRecord<byte[], byte[]>> dead = fx.deadLetters.readRecordsToList();
        assertThat(dead).hasSize(1);
        assertThat(new String(dead.get(0).headers().lastHeader("payback.dlq.stage").value(),
                StandardCharsets.UTF_8)).isEqualTo("late");
        assertThat(new String(dead.get(0).headers().lastHeader("payback.dlq.reason").value(),
                StandardCharsets.UTF_8)).contains("task t9").contains("2026-01-01T00:02:50Z");
        // and no window holds it: window [60, 120) is empty, window [180, 240) holds only the request at 200 s
        assertThat(fx.storedWindow(MODEL, T0.plusSeconds(60).toEpochMilli())).isNull();
        assertThat(fx.storedWindow(MODEL, T0.plusSeconds(180).toEpochMilli()).getRequests()).isEqualTo(1);
    }

    @Test
    void aTaskIdReusedAfterMoreThanTheGapStartsANewTaskAndClosesTheOpenOneThen() {
        // Given task t1 at 1 s (it would close at 71 s)
        request("t1", 1, false);
        // When t1 comes again at 62 s, more than 60 s after 1 s: the open t1 closes now, at stream time 62 s (window
        // [60, 120)), and the request starts a new t1 (closes at 62 + 70 = 132 s)
        request("t1", 62, true);
        // and stream time reaches 132 s
        request(null, 132, true);

        // Then window [60, 120) holds the first t1 (closed at 62 s, failed)
        VariantStats second = fx.storedWindow(MODEL, T0.plusSeconds(60).toEpochMilli());
        assertThat(second.getTasks()).isEqualTo(1);
        assertThat(second.getFailures()).isEqualTo(1);
        VariantStats third = fx.storedWindow(MODEL, T0.plusSeconds(120).toEpochMilli());
        // [120, 180): the second t1 (success) and the request at 132 s: 2 tasks, 2 successes
        assertThat(third.getTasks()).isEqualTo(2);
        assertThat(third.getSuccesses()).isEqualTo(2);
    }

    @Test
    void aRequestOfATaskThatClosedAlreadyIsLateInsteadOfCountingAsASecondTask() {
        // Given task t5 with one request at 0 s: it closes at 0 + 60 + 10 = 70 s
        request("t5", 0, true);
        // and stream time at 75 s (a request without a task id): t5 closed, in window [60, 120)
        request(null, 75, true);
        // When a straggler of t5 at 50 s arrives (within 60 s of its last request, so part of t5)
        request("t5", 50, false);

        // Then it is late (t5 was counted without it), not a second task
        List<TestRecord<byte[], byte[]>> dead = fx.deadLetters.readRecordsToList();
        assertThat(dead).hasSize(1);
        assertThat(new String(dead.get(0).headers().lastHeader("payback.dlq.reason").value(), StandardCharsets.UTF_8))
                .contains("belongs to a task that closed already");
        // and window [60, 120) holds t5 and the request at 75 s: 2 tasks, 2 requests
        VariantStats window = fx.storedWindow(MODEL, T0.plusSeconds(60).toEpochMilli());
        assertThat(window.getTasks()).isEqualTo(2);
        assertThat(window.getRequests()).isEqualTo(2);
    }
}
