package io.carbonllm.payback.streams;

import static io.carbonllm.payback.streams.TopologyFixture.BASELINE;
import static io.carbonllm.payback.streams.TopologyFixture.FINE_TUNE;
import static io.carbonllm.payback.streams.TopologyFixture.USE_CASE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.carbonllm.payback.events.VariantStats;
import io.carbonllm.payback.events.VariantWindow;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Windows of 60 s with 30 s grace (the defaults); the driver starts at the epoch. */
class VariantWindowTopologyTest {

    private static final long S = 1_000L;

    @TempDir
    Path stateDir;
    private TopologyFixture fx;

    @BeforeEach
    void setUp() {
        fx = new TopologyFixture(stateDir);
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    @Test
    void tokensPerSuccessfulTaskDividesAllTokensIncludingFailedRequestsBySuccesses() {
        // Given three baseline requests in window [0 s, 60 s)
        fx.pipe(fx.event(BASELINE, 1 * S, 1000, 200, true));   // stream time 1 s, window [0, 60)
        fx.pipe(fx.event(BASELINE, 2 * S, 1200, 300, false));  // stream time 2 s, window [0, 60)
        // When the third arrives
        fx.pipe(fx.event(BASELINE, 3 * S, 800, 100, true));    // stream time 3 s, window [0, 60)

        // Then the latest result counts all three:
        //   tokens = (1000+200) + (1200+300) + (800+100) = 3600, successes = 2  -> 3600 / 2 = 1800 per successful task
        //   input  = 1000+1200+800 = 3000 -> 1500;  output = 200+300+100 = 600 -> 300;  success rate = 2/3
        VariantWindow latest = lastResultFor(BASELINE);
        assertThat(latest.getUseCase()).isEqualTo(USE_CASE);
        assertThat(latest.getWindowStart()).isEqualTo(Instant.EPOCH);
        assertThat(latest.getWindowEnd()).isEqualTo(Instant.ofEpochSecond(60));
        assertThat(latest.getRequests()).isEqualTo(3);
        assertThat(latest.getSuccesses()).isEqualTo(2);
        assertThat(latest.getFailures()).isEqualTo(1);
        assertThat(latest.getInputTokens()).isEqualTo(3000);
        assertThat(latest.getOutputTokens()).isEqualTo(600);
        assertThat(latest.getTokensPerSuccessfulTask()).isEqualTo(1800.0);
        assertThat(latest.getInputTokensPerSuccessfulTask()).isEqualTo(1500.0);
        assertThat(latest.getOutputTokensPerSuccessfulTask()).isEqualTo(300.0);
        assertThat(latest.getSuccessRate()).isCloseTo(2.0 / 3.0, within(1e-12));

        // And the window store holds the same counters
        VariantStats stored = fx.storedWindow(BASELINE, 0);
        assertThat(stored.getRequests()).isEqualTo(3);
        assertThat(stored.getSuccesses()).isEqualTo(2);
        assertThat(stored.getInputTokens() + stored.getOutputTokens()).isEqualTo(3600);
    }

    @Test
    void zeroSuccessesGiveNoPerTaskFigureRatherThanNaN() {
        // Given a window in which every fine-tune request failed
        fx.pipe(fx.event(FINE_TUNE, 5 * S, 300, 50, false));   // window [0, 60)
        // When another failure arrives
        fx.pipe(fx.event(FINE_TUNE, 6 * S, 400, 60, false));   // window [0, 60)

        // Then there is no per-task figure: 810 tokens / 0 successes is undefined, published as null
        VariantWindow latest = lastResultFor(FINE_TUNE);
        assertThat(latest.getRequests()).isEqualTo(2);
        assertThat(latest.getSuccesses()).isZero();
        assertThat(latest.getTokensPerSuccessfulTask()).isNull();
        assertThat(latest.getInputTokensPerSuccessfulTask()).isNull();
        assertThat(latest.getOutputTokensPerSuccessfulTask()).isNull();
        assertThat(latest.getSuccessRate()).isEqualTo(0.0);
    }

    @Test
    void eventsAreAssignedToWindowsByEventTimeWithExclusiveEnds() {
        // Given an event just before the first boundary and one exactly on it
        fx.pipe(fx.event(BASELINE, 59_999, 100, 10, true));    // stream time 59.999 s, window [0, 60)
        // When
        fx.pipe(fx.event(BASELINE, 60_000, 200, 20, true));    // stream time 60 s, window [60, 120)

        // Then each window holds exactly one request
        assertThat(fx.storedWindow(BASELINE, 0).getInputTokens()).isEqualTo(100);
        assertThat(fx.storedWindow(BASELINE, 60 * S).getInputTokens()).isEqualTo(200);
        Map<Instant, VariantWindow> byStart = latestByWindowStart(BASELINE);
        assertThat(byStart).containsOnlyKeys(Instant.EPOCH, Instant.ofEpochSecond(60));
        assertThat(byStart.get(Instant.EPOCH).getRequests()).isEqualTo(1);
        assertThat(byStart.get(Instant.ofEpochSecond(60)).getRequests()).isEqualTo(1);
    }

    @Test
    void lateRecordWithinGraceRevisesItsWindowAndLaterOneIsDropped() {
        // Given window [0, 60) with one request, and stream time moved on to 70 s
        fx.pipe(fx.event(BASELINE, 10 * S, 100, 10, true));    // stream time 10 s, window [0, 60)
        fx.pipe(fx.event(BASELINE, 70 * S, 100, 10, true));    // stream time 70 s, window [60, 120)

        // When a record for [0, 60) arrives at stream time 70 s: the window closes at 60 + 30 grace = 90 s, so it counts
        fx.pipe(fx.event(BASELINE, 20 * S, 500, 50, true));    // late, window [0, 60), accepted

        // Then [0, 60) is revised: 2 requests, input 100 + 500 = 600
        assertThat(latestByWindowStart(BASELINE).get(Instant.EPOCH).getRequests()).isEqualTo(2);
        assertThat(fx.storedWindow(BASELINE, 0).getInputTokens()).isEqualTo(600);

        // When stream time passes 90 s and another record for [0, 60) arrives
        fx.pipe(fx.event(BASELINE, 95 * S, 100, 10, true));    // stream time 95 s, window [60, 120)
        fx.pipe(fx.event(BASELINE, 30 * S, 9000, 900, true));  // too late: [0, 60) closed at 90 s

        // Then [0, 60) is unchanged
        assertThat(fx.storedWindow(BASELINE, 0).getRequests()).isEqualTo(2);
        assertThat(fx.storedWindow(BASELINE, 0).getInputTokens()).isEqualTo(600);
        // and no revision of it was published after the first read of the output
        assertThat(latestByWindowStart(BASELINE)).doesNotContainKey(Instant.EPOCH);
    }

    @Test
    void modelsOfOneUseCaseAreWindowedSeparatelyAndKeyedByUseCase() {
        // Given a baseline and a fine-tune request in the same window [0, 60)
        fx.pipe(fx.event(BASELINE, 1 * S, 2000, 300, true));
        // When
        fx.pipe(fx.event(FINE_TUNE, 2 * S, 400, 250, true));

        // Then each model has its own window, and both results are keyed by the use case
        List<KeyValue<String, VariantWindow>> results = fx.variantWindows.readKeyValuesToList();
        assertThat(results).extracting(kv -> kv.key).containsOnly(USE_CASE);
        assertThat(fx.storedWindow(BASELINE, 0).getInputTokens()).isEqualTo(2000);
        assertThat(fx.storedWindow(FINE_TUNE, 0).getInputTokens()).isEqualTo(400);
        // 2000 + 300 = 2300 tokens for 1 success; 400 + 250 = 650 for 1 success
        Map<String, VariantWindow> byModel = results.stream().map(kv -> kv.value)
                .collect(Collectors.toMap(VariantWindow::getModelId, Function.identity(), (a, b) -> b));
        assertThat(byModel.get(BASELINE).getTokensPerSuccessfulTask()).isEqualTo(2300.0);
        assertThat(byModel.get(FINE_TUNE).getTokensPerSuccessfulTask()).isEqualTo(650.0);
    }

    private VariantWindow lastResultFor(String model) {
        List<VariantWindow> forModel = fx.variantWindows.readValuesToList().stream()
                .filter(w -> w.getModelId().equals(model)).toList();
        assertThat(forModel).as("window results for %s", model).isNotEmpty();
        return forModel.get(forModel.size() - 1);
    }

    private Map<Instant, VariantWindow> latestByWindowStart(String model) {
        return fx.variantWindows.readValuesToList().stream()
                .filter(w -> w.getModelId().equals(model))
                .collect(Collectors.toMap(VariantWindow::getWindowStart, Function.identity(), (a, b) -> b));
    }
}
