package io.carbonllm.payback.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.carbonllm.payback.events.CandidateDefinition;
import io.carbonllm.payback.events.ComparisonDefinition;
import io.carbonllm.payback.events.DayTotal;
import io.carbonllm.payback.events.FactorUpdate;
import io.carbonllm.payback.events.InferenceEvent;
import io.carbonllm.payback.events.PeriodRestatement;
import io.carbonllm.payback.events.TrainingRun;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Day totals and restatements written by the engine (issue: disclosure for auditors): a closed UTC day's totals are
 * written once; a factor published later for that day, and a run corrected after it, restate them and write nothing
 * in place.
 */
class PeriodTotalsTopologyTest {

    private static final Instant DAY = Instant.parse("2026-01-01T00:00:00Z");
    private static final String UC = TopologyFixture.USE_CASE;
    private static final String BASE = TopologyFixture.BASELINE;
    private static final String FT = TopologyFixture.FINE_TUNE;
    private static final String BASE_KEY = "5:cmp-1/INFERENCE/22:" + BASE + "/2026-01-01";
    private static final String FT_KEY = "5:cmp-1/INFERENCE/23:" + FT + "/2026-01-01";
    private static final String RUN_KEY = "5:cmp-1/ONE_OFF_RUN/4:ft-1/2026-01-01";

    @TempDir
    Path stateDir;
    private TopologyFixture fx;
    private TestOutputTopic<String, DayTotal> totals;
    private TestOutputTopic<String, PeriodRestatement> restatements;
    private int seq;

    @BeforeEach
    void setUp() {
        fx = new TopologyFixture(stateDir);
        totals = fx.driver.createOutputTopic(fx.config.periodTotalsTopic(), new StringDeserializer(),
                fx.topics.periodTotals().valueSerde().deserializer());
        restatements = fx.driver.createOutputTopic(fx.config.periodRestatementsTopic(), new StringDeserializer(),
                fx.topics.periodRestatements().valueSerde().deserializer());
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    private static TrainingRun run(double facilityKwh) {
        return run(facilityKwh, DAY.plusSeconds(6 * 3600));
    }

    private static TrainingRun run(double facilityKwh, Instant startedAt) {
        // Metered at the facility (no PUE), on the organisation's own hardware (no provider: owned, Scope 2)
        return TrainingRun.newBuilder().setRunId("ft-1").setKind("fine_tune").setMeteredKwh(facilityKwh)
                .setMeteredScope("facility").setRegion("eu-north-1").setStartedAt(startedAt).build();
    }

    private void request(String model, Instant at, double meteredItWh) {
        fx.pipe(InferenceEvent.newBuilder().setEventId("e" + (++seq)).setEventTime(at).setGateway("gw")
                .setUseCase(UC).setModelId(model).setProvider("google").setRegion("eu-north-1")
                .setInputTokens(100).setOutputTokens(10).setSuccess(true).setMeteredEnergyWh(meteredItWh).build());
    }

    private void refresh() {
        fx.driver.advanceWallClockTime(Duration.ofSeconds(6));
    }

    private static Map<String, DayTotal> byKey(List<KeyValue<String, DayTotal>> records) {
        return records.stream().collect(Collectors.toMap(kv -> kv.key, kv -> kv.value));
    }

    /** The day's traffic and run, then stream time past the day's close (its end + a 60 s window + 30 s grace). */
    private void closeTheDay() {
        fx.comparisons.pipeInput("cmp-1", ComparisonDefinition.newBuilder().setComparisonId("cmp-1").setUseCase(UC)
                .setBaselineModel(BASE).setCandidates(List.of(CandidateDefinition.newBuilder()
                        .setCandidateId("fine-tune").setModelId(FT).setRunIds(List.of("ft-1")).build()))
                .setMinBaselineTasks(2).build());
        fx.trainingRuns.pipeInput("ft-1", run(2.0));
        refresh();
        request(BASE, DAY.plusSeconds(10), 1.0);
        request(BASE, DAY.plusSeconds(20), 1.0);
        request(FT, DAY.plusSeconds(30), 0.5);
        refresh();
        assertThat(totals.isEmpty()).as("no total before the day closes").isTrue();
        // Stream time at 2026-01-02 00:01:31: past 00:00 + 60 s + 30 s
        request(BASE, DAY.plusSeconds(86_400 + 91), 1.0);
        refresh();
    }

    @Test
    void aClosedDayIsTotalledOncePerVariantAndRun() {
        closeTheDay();

        // Then, from the factor tables: Google's PUE 1.09, eu-north-1 21 gCO2e/kWh from 2025-01-01, no market figure
        Map<String, DayTotal> written = byKey(totals.readKeyValuesToList());
        assertThat(written).containsOnlyKeys(BASE_KEY, FT_KEY, RUN_KEY);

        // baseline: 2 x 1.0 Wh IT x 1.09 = 2.18 Wh; 2.18 x 21 / 1000 = 0.04578 g. On Google: cloud, Scope 3 Category 1,
        // where the market-based figure is the location-based one (2.18 Wh fallback)
        DayTotal base = written.get(BASE_KEY);
        assertThat(base.getVariant()).isEqualTo("baseline");
        assertThat(base.getVersion()).isEqualTo(1);
        assertThat(base.getRequests()).isEqualTo(2);
        assertThat(base.getCoveredRequests()).isEqualTo(2);
        assertThat(base.getFacilityWh()).isCloseTo(2.18, within(1e-9));
        assertThat(base.getGCo2eLocation()).isCloseTo(0.04578, within(1e-9));
        assertThat(base.getGCo2eMarket()).isCloseTo(0.04578, within(1e-9));
        assertThat(base.getMarketFallbackWh()).isCloseTo(2.18, within(1e-9));
        assertThat(base.getGCo2eLocationByScope()).containsOnlyKeys("SCOPE_3_CATEGORY_1");
        assertThat(base.getMeteredWh()).isCloseTo(2.18, within(1e-9));
        assertThat(base.getFactorRows()).extracting(r -> r.getId())
                .containsExactly("PUE|provider|google|2023-01-01", "GRID|region|eu-north-1|2025-01-01");

        // fine-tune: 0.5 x 1.09 = 0.545 Wh; 0.545 x 21 / 1000 = 0.011445 g
        DayTotal ft = written.get(FT_KEY);
        assertThat(ft.getVariant()).isEqualTo("fine-tune");
        assertThat(ft.getFacilityWh()).isCloseTo(0.545, within(1e-9));
        assertThat(ft.getGCo2eLocation()).isCloseTo(0.011445, within(1e-9));
        // and its avoided emissions, apart: the baseline's 2.18 Wh / 2 tasks = 1.09 Wh per successful task in the same
        // window, the fine-tune's 0.545; 1 task x (1.09 - 0.545) = 0.545 Wh, x 21 / 1000 = 0.011445 g
        assertThat(ft.getAvoidedWh()).isCloseTo(0.545, within(1e-9));
        assertThat(ft.getAvoidedGCo2eLocation()).isCloseTo(0.011445, within(1e-9));
        assertThat(ft.getAvoidedTier()).isEqualTo("METERED");
        assertThat(base.getAvoidedWh()).as("the baseline avoids nothing").isNull();

        // the run: 2 kWh at the facility = 2000 Wh; 2000 x 21 / 1000 = 42 g; owned, so Scope 2, but no market figure:
        // 42 g market-based too, all 2000 Wh fallback
        DayTotal run = written.get(RUN_KEY);
        assertThat(run.getVariant()).isEqualTo("fine-tune");
        assertThat(run.getOwnership()).isEqualTo("owned");
        assertThat(run.getFacilityWh()).isCloseTo(2000, within(1e-9));
        assertThat(run.getGCo2eLocation()).isCloseTo(42, within(1e-9));
        assertThat(run.getGCo2eLocationByScope()).containsOnlyKeys("SCOPE_2");
        assertThat(run.getMarketFallbackWh()).isCloseTo(2000, within(1e-9));
        assertThat(run.getSourceVersion()).isNotBlank();

        // And later refreshes write nothing again
        refresh();
        request(BASE, DAY.plusSeconds(86_400 + 200), 1.0);
        refresh();
        assertThat(totals.isEmpty()).isTrue();
        assertThat(restatements.isEmpty()).isTrue();
    }

    @Test
    void aFactorPublishedLaterForAClosedDayRestatesItAndChangesNoTotalInPlace() {
        closeTheDay();
        totals.readKeyValuesToList();

        // When a grid row for eu-north-1 from 2026-01-01 arrives after the day closed: 30 g/kWh location-based, 10
        // market-based (supplier-specific)
        fx.factors.pipeInput("GRID|region|eu-north-1|2026-01-01T00:00:00Z", FactorUpdate.newBuilder()
                .setKind("GRID").setScope("region").setKey("eu-north-1").setEffectiveFrom(DAY)
                .setValue(30).setMarketValue(10.0).setMarketInstrument("supplier-specific")
                .setSource("test: supplier's 2026 figure").build());
        refresh();

        // Then nothing is written to the totals, and each of the three is restated to version 2
        assertThat(totals.isEmpty()).isTrue();
        Map<String, PeriodRestatement> restated = restatements.readKeyValuesToList().stream()
                .collect(Collectors.toMap(kv -> kv.key, kv -> kv.value));
        assertThat(restated).containsOnlyKeys(BASE_KEY + "/v2", FT_KEY + "/v2", RUN_KEY + "/v2");

        // baseline: 2.18 Wh x 30 / 1000 = 0.0654 g; still Scope 3, so its market-based figure is the same 0.0654 g
        PeriodRestatement base = restated.get(BASE_KEY + "/v2");
        assertThat(base.getBefore().getGCo2eLocation()).isCloseTo(0.04578, within(1e-9));
        assertThat(base.getAfter().getGCo2eLocation()).isCloseTo(0.0654, within(1e-9));
        assertThat(base.getAfter().getGCo2eMarket()).isCloseTo(0.0654, within(1e-9));
        assertThat(base.getAfter().getVersion()).isEqualTo(2);
        assertThat(base.getReason()).contains("published later for a past date");
        assertThat(base.getCause()).isEqualTo("GRID|region|eu-north-1|2025-01-01 -> GRID|region|eu-north-1|2026-01-01");

        // the owned run, Scope 2: 2000 Wh x 30 / 1000 = 60 g location-based, x 10 / 1000 = 20 g market-based, no
        // fallback now
        PeriodRestatement run = restated.get(RUN_KEY + "/v2");
        assertThat(run.getAfter().getGCo2eLocation()).isCloseTo(60, within(1e-9));
        assertThat(run.getAfter().getGCo2eMarket()).isCloseTo(20, within(1e-9));
        assertThat(run.getAfter().getMarketFallbackWh()).isZero();
        assertThat(run.getAfter().getFactorRows()).extracting(r -> r.getMarketInstrument())
                .containsExactly("supplier-specific");

        // And the fine-tune's inference: 0.545 Wh x 30 / 1000 = 0.01635 g (on Google: Scope 3, market = location), its
        // avoided figures carried as they were (the ledger's, as the windows priced them)
        PeriodRestatement ft = restated.get(FT_KEY + "/v2");
        assertThat(ft.getAfter().getGCo2eLocation()).isCloseTo(0.01635, within(1e-9));
        assertThat(ft.getAfter().getGCo2eMarket()).isCloseTo(0.01635, within(1e-9));
        assertThat(ft.getAfter().getAvoidedWh()).isCloseTo(0.545, within(1e-9));
        assertThat(ft.getAfter().getAvoidedGCo2eLocation()).isCloseTo(0.011445, within(1e-9));

        // And a run corrected after that (3 kWh) restates its day from version 2: 3000 x 30 / 1000 = 90 g, x 10 = 30 g
        fx.trainingRuns.pipeInput("ft-1", run(3.0));
        refresh();
        assertThat(totals.isEmpty()).isTrue();
        List<KeyValue<String, PeriodRestatement>> again = restatements.readKeyValuesToList();
        assertThat(again).extracting(kv -> kv.key).containsExactly(RUN_KEY + "/v3");
        PeriodRestatement corrected = again.get(0).value;
        assertThat(corrected.getReason()).isEqualTo("run corrected");
        assertThat(corrected.getBefore().getGCo2eLocation()).isCloseTo(60, within(1e-9));
        assertThat(corrected.getAfter().getFacilityWh()).isCloseTo(3000, within(1e-9));
        assertThat(corrected.getAfter().getGCo2eLocation()).isCloseTo(90, within(1e-9));
        assertThat(corrected.getAfter().getGCo2eMarket()).isCloseTo(30, within(1e-9));
        assertThat(corrected.getAfter().getSourceVersion()).isNotEqualTo(corrected.getBefore().getSourceVersion());

        // And nothing more on the next refresh
        refresh();
        assertThat(restatements.isEmpty()).isTrue();
    }

    @Test
    void aFactorCorrectedUnderItsOwnIdRestatesWithBothValuesInTheCause() {
        closeTheDay();
        totals.readKeyValuesToList();

        // When the 2025-01-01 row for eu-north-1 that priced the day is published again with 25 g/kWh
        fx.factors.pipeInput("GRID|region|eu-north-1|2025-01-01T00:00:00Z", FactorUpdate.newBuilder()
                .setKind("GRID").setScope("region").setKey("eu-north-1")
                .setEffectiveFrom(Instant.parse("2025-01-01T00:00:00Z")).setValue(25)
                .setSource("test: the 2025 figure, corrected").build());
        refresh();

        // Then the baseline's day is restated: 2.18 Wh x 25 / 1000 = 0.0545 g, and the cause names both values
        PeriodRestatement base = restatements.readKeyValuesToList().stream()
                .filter(kv -> kv.key.equals(BASE_KEY + "/v2")).map(kv -> kv.value).findFirst().orElseThrow();
        assertThat(base.getAfter().getGCo2eLocation()).isCloseTo(0.0545, within(1e-9));
        assertThat(base.getReason()).isEqualTo("factor corrected: GRID|region|eu-north-1|2025-01-01");
        assertThat(base.getCause()).isEqualTo("GRID|region|eu-north-1|2025-01-01 -> GRID|region|eu-north-1|2025-01-01 "
                + "(value 21.0 -> 25.0)");
        assertThat(totals.isEmpty()).isTrue();
    }

    @Test
    void aRunMovedToAnotherDayAndBackIsRestatedEachTimeAndNeverLost() {
        closeTheDay();
        totals.readKeyValuesToList();
        String dec31 = "5:cmp-1/ONE_OFF_RUN/4:ft-1/2025-12-31";

        // When the run is corrected to have started on 2025-12-31 (a closed day)
        fx.trainingRuns.pipeInput("ft-1", run(2.0, Instant.parse("2025-12-31T06:00:00Z")));
        refresh();

        // Then 2026-01-01 is restated to nothing (42 g -> 0) and 2025-12-31 is written: 2,000 Wh, 42 g
        Map<String, PeriodRestatement> moved = restatements.readKeyValuesToList().stream()
                .collect(Collectors.toMap(kv -> kv.key, kv -> kv.value));
        assertThat(moved).containsOnlyKeys(RUN_KEY + "/v2");
        assertThat(moved.get(RUN_KEY + "/v2").getAfter().getFacilityWh()).isZero();
        assertThat(moved.get(RUN_KEY + "/v2").getReason()).isEqualTo("run corrected: it now starts on 2025-12-31");
        Map<String, DayTotal> written = byKey(totals.readKeyValuesToList());
        assertThat(written).containsOnlyKeys(dec31);
        assertThat(written.get(dec31).getGCo2eLocation()).isCloseTo(42, within(1e-9));

        // When it is corrected back to 2026-01-01
        fx.trainingRuns.pipeInput("ft-1", run(2.0));
        refresh();

        // Then 2025-12-31 is restated to nothing and 2026-01-01 from nothing (v2) back to 2,000 Wh, 42 g (v3)
        Map<String, PeriodRestatement> back = restatements.readKeyValuesToList().stream()
                .collect(Collectors.toMap(kv -> kv.key, kv -> kv.value));
        assertThat(back).containsOnlyKeys(dec31 + "/v2", RUN_KEY + "/v3");
        assertThat(back.get(dec31 + "/v2").getAfter().getFacilityWh()).isZero();
        assertThat(back.get(RUN_KEY + "/v3").getBefore().getFacilityWh()).isZero();
        assertThat(back.get(RUN_KEY + "/v3").getAfter().getFacilityWh()).isCloseTo(2000, within(1e-9));
        assertThat(back.get(RUN_KEY + "/v3").getAfter().getGCo2eLocation()).isCloseTo(42, within(1e-9));
        assertThat(totals.isEmpty()).as("nothing written twice").isTrue();

        // And nothing more on the next refresh
        refresh();
        assertThat(restatements.isEmpty()).isTrue();
    }

    @Test
    void aDayThatStreamTimeOvertookPastTheStoresRetentionIsNotWrittenIncomplete() {
        // Given the day's traffic, and a refresh at stream time 2026-01-01 00:00:30, when not even 2025-12-31 has closed
        // (that takes 00:01:30): the comparison's next day to total is 2025-12-31
        fx.comparisons.pipeInput("cmp-1", ComparisonDefinition.newBuilder().setComparisonId("cmp-1").setUseCase(UC)
                .setBaselineModel(BASE).setCandidates(List.of(CandidateDefinition.newBuilder()
                        .setCandidateId("fine-tune").setModelId(FT).setRunIds(List.of("ft-1")).build()))
                .setMinBaselineTasks(2).build());
        fx.trainingRuns.pipeInput("ft-1", run(2.0));
        request(BASE, DAY.plusSeconds(10), 1.0);
        request(FT, DAY.plusSeconds(30), 0.5);
        refresh();

        // When stream time jumps 10 days before the next refresh: the store keeps 7 days, so the oldest day it still
        // holds whole is 2026-01-05, and 2026-01-01's windows may be gone
        Logger totaller = (Logger) LoggerFactory.getLogger("io.carbonllm.payback.streams.engine.PeriodTotaller");
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        totaller.addAppender(logs);
        try {
            request(BASE, DAY.plusSeconds(10 * 86_400 + 91), 1.0);
            refresh();
        } finally {
            totaller.detachAppender(logs);
        }

        // Then no inference total is written for 2026-01-01 (an incomplete one would be final), and one warning names
        // the days skipped; the run, which needs no window, is written
        assertThat(byKey(totals.readKeyValuesToList())).containsOnlyKeys(RUN_KEY);
        assertThat(logs.list).extracting(ILoggingEvent::getFormattedMessage).singleElement().asString()
                .startsWith("Comparison cmp-1: days 2025-12-31 to 2026-01-04 were not totalled");
    }
}
