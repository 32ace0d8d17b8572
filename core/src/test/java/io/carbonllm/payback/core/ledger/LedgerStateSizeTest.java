package io.carbonllm.payback.core.ledger;

import static io.carbonllm.payback.core.Traffic.BASELINE_MODEL;
import static io.carbonllm.payback.core.Traffic.CANDIDATE_MODEL;
import static io.carbonllm.payback.core.Traffic.T0;
import static io.carbonllm.payback.core.Traffic.definition;
import static io.carbonllm.payback.core.Traffic.window;
import static org.assertj.core.api.Assertions.assertThat;

import io.carbonllm.payback.core.EngineDriver;
import io.carbonllm.payback.core.definition.ComparisonValidator;
import io.carbonllm.payback.core.definition.LedgerLimits;
import io.carbonllm.payback.events.ComparisonDefinition;
import io.carbonllm.payback.events.LedgerState;
import io.carbonllm.payback.events.TrainingRun;
import io.carbonllm.payback.events.VariantWindow;
import io.carbonllm.payback.methodology.EvidenceTier;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

/**
 * The ledger forgets windows by time, so its stored value stays small at the maxima of {@link LedgerLimits}: a
 * look-back of 1,440 windows, streaks of 100, and a grace of 100 windows (1-minute windows, 100 minutes of grace).
 *
 * <p>Upper bound of one window's contribution in Avro binary: windowStart and windowEnd, longs of at most 10 bytes
 * each (20); priced (1); three doubles (24); successfulTasks, a long (10); savingTier, a union index and the longest
 * tier "BENCHMARKED" with its length (1 + 1 + 11 = 13); energyCoverage (1 + 8 = 9); baselineSource, the longest being
 * "TRAILING_REFERENCE" (1 + 1 + 18 = 20); marketFallback (1); four nullable booleans (4 x 2 = 8); qualityNote, the
 * longest note being 110 characters ("maxSuccessRateDrop not evaluated: no baseline success rate in this window
 * (baseline source TRAILING_REFERENCE)") with a 2-byte length (1 + 2 + 110 = 113). In all 219 bytes. Its factor row
 * ids: a closed window's are moved into the ledger's set, leaving an empty array (1): 220 bytes. An open window keeps
 * its latest, here at most four (the baseline's and the candidate's grid and PUE rows) of at most 40 characters:
 * 1 + 4 x (1 + 40) + 1 = 166 bytes, and its map key adds 1 + 13 digits = 14: 219 + 166 + 14 = 399 bytes.
 *
 * <p>At stream time 59 s into window k, windows k - 100 .. k are open (their end + 100 min is later): 101 of them.
 * The ledger keeps at most 1,440 + 4 x 100 = 1,840 closed ones (the look-back's priced windows, and each of the four
 * rules' last 100 evaluable ones): 1,840 x 220 + 101 x 399 = 404,800 + 40,299 = 445,099 bytes. The rest (ids, closed
 * totals, the set of factor row ids, one charged run with its rows and sources, the last status with its rows) is a
 * few kilobytes: the bound is 445,099 + 16,384 = 461,483 bytes, under half of Kafka's 1 MB (1,048,576 bytes) record
 * limit. (This story prices every window, so the rules' windows are among the look-back's and it keeps 1,440.)
 */
class LedgerStateSizeTest {

    private static final Duration MINUTE = Duration.ofMinutes(1);
    private static final Duration GRACE = MINUTE.multipliedBy(LedgerLimits.MAX_GRACE_IN_WINDOWS);
    private static final int WINDOWS = LedgerLimits.MAX_LOOKBACK_WINDOWS + 200;
    private static final int BOUND_BYTES = 461_483;

    @Test
    void atTheMaximaTheStoredLedgerStaysWellUnderOneMegabyte() throws IOException {
        // Given the maxima, every optional figure a window can carry set (quality bars, horizon, a charged run),
        // a first baseline window with enough tasks and thin ones after it (so the trailing reference, the longest
        // source name), BENCHMARKED baseline energy (the longest tier name)
        ComparisonDefinition def = definition("ft-run-1")
                .setSavingRateLookbackWindows(LedgerLimits.MAX_LOOKBACK_WINDOWS)
                .setFireAfterWindows(LedgerLimits.MAX_STREAK_WINDOWS)
                .setResolveAfterWindows(LedgerLimits.MAX_STREAK_WINDOWS)
                .setHorizonEnd(T0.plus(Duration.ofDays(30))).setMinSuccessRate(0.5).setMaxSuccessRateDrop(0.05)
                .setBasis("CO2E_LOCATION").build();
        assertThat(ComparisonValidator.problems(def)).isEmpty();
        EngineDriver engine = new EngineDriver(def, MINUTE, GRACE).run(TrainingRun.newBuilder().setRunId("ft-run-1")
                .setMeteredKwh(10.0).setMeteredScope("IT").setProvider("google").setRegion("eu-central-1")
                .setStartedAt(Instant.parse("2025-12-01T00:00:00Z")).build());

        // When 1,640 windows arrive, each at 59 s past its start
        for (int k = 0; k < WINDOWS; k++) {
            Instant start = T0.plus(MINUTE.multipliedBy(k));
            int baselineTasks = k == 0 ? 20 : 3;
            VariantWindow baseline = window(BASELINE_MODEL, start).size(MINUTE).tier(EvidenceTier.BENCHMARKED)
                    .tasks(baselineTasks, true, 2.5).build();
            VariantWindow candidate = window(CANDIDATE_MODEL, start).size(MINUTE).tasks(9, true, 0.625)
                    .tasks(1, false, 0.625).build();
            engine.window(start, baseline, candidate, start.plusSeconds(59));
        }
        LedgerState ledger = engine.ledger();
        byte[] bytes = serialize(ledger);

        // Then the maxima were reached: 1,440 closed windows kept, 101 open, 1,640 - 101 = 1,539 closed in all
        assertThat(ledger.getRecentClosed()).hasSize(LedgerLimits.MAX_LOOKBACK_WINDOWS);
        assertThat(ledger.getOpenWindows()).hasSize(LedgerLimits.MAX_GRACE_IN_WINDOWS + 1);
        assertThat(ledger.getClosedWindows()).isEqualTo(WINDOWS - 101);
        assertThat(engine.status().getWindowsCounted()).isEqualTo(WINDOWS);
        assertThat(engine.status().getBaselineSources()).containsEntry("TRAILING_REFERENCE", 1440L);
        // and a closed window's factor rows went into the ledger's set, not kept with the window
        assertThat(ledger.getRecentClosed()).allSatisfy(w -> assertThat(w.getFactorRowIds()).isEmpty());
        assertThat(ledger.getFactorRowIds()).containsOnlyKeys("GRID|region|eu-north-1|2025-01-01",
                "PUE|provider|google|2023-01-01");
        // and the stored value is within the bound, and reads back as it was written
        assertThat(bytes.length).isLessThan(BOUND_BYTES);
        assertThat(deserialize(bytes)).isEqualTo(ledger);
    }

    private static byte[] serialize(LedgerState ledger) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<>(LedgerState.class).write(ledger, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private static LedgerState deserialize(byte[] bytes) throws IOException {
        return new SpecificDatumReader<>(LedgerState.class).read(null,
                DecoderFactory.get().binaryDecoder(bytes, null));
    }
}
