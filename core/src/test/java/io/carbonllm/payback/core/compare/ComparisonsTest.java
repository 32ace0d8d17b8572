package io.carbonllm.payback.core.compare;

import static io.carbonllm.payback.core.Traffic.BASELINE_MODEL;
import static io.carbonllm.payback.core.Traffic.CANDIDATE;
import static io.carbonllm.payback.core.Traffic.CANDIDATE_MODEL;
import static io.carbonllm.payback.core.Traffic.FACTORS;
import static io.carbonllm.payback.core.Traffic.HOUR;
import static io.carbonllm.payback.core.Traffic.T0;
import static io.carbonllm.payback.core.Traffic.USE_CASE;
import static io.carbonllm.payback.core.Traffic.definition;
import static io.carbonllm.payback.core.Traffic.window;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import io.carbonllm.payback.core.EngineDriver;
import io.carbonllm.payback.core.Traffic.Site;
import io.carbonllm.payback.core.energy.EnergyAccounting;
import io.carbonllm.payback.core.window.TaskOutcomes;
import io.carbonllm.payback.core.window.VariantCounters;
import io.carbonllm.payback.events.BaselineReference;
import io.carbonllm.payback.events.CandidateWindow;
import io.carbonllm.payback.events.ComparisonDefinition;
import io.carbonllm.payback.events.ComparisonWindow;
import io.carbonllm.payback.events.FactorRow;
import io.carbonllm.payback.events.InferenceEvent;
import io.carbonllm.payback.events.VariantKey;
import io.carbonllm.payback.events.VariantStats;
import io.carbonllm.payback.events.VariantWindow;
import io.carbonllm.payback.methodology.EvidenceTier;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * One window of a baseline and a candidate, compared. Unless a test says otherwise, every request is a task of one
 * fully covered request, metered, on Google (PUE row 1.09) in eu-north-1 (21 g/kWh from 2025-01-01, 41 g/kWh in
 * 2023-2024), and windows are one hour long.
 *
 * <p>The usual baseline window: 20 tasks at 2.5 facility Wh each, 16 of them successful:
 * 20 x 2.5 = 50 Wh / 16 = <b>3.125 Wh per successful task</b>; in 2026, 50 x 21 / 1000 = 1.05 g / 16 =
 * 0.065625 gCO2e per successful task; success rate 16 / 20 = 0.8.
 */
class ComparisonsTest {

    private static VariantWindow usualBaseline(Instant start) {
        return window(BASELINE_MODEL, start).tasks(16, true, 2.5).tasks(4, false, 2.5).build();
    }

    private static ComparisonWindow compare(ComparisonDefinition def, Instant start, VariantWindow baseline,
                                            VariantWindow candidate, BaselineReference reference) {
        return Comparisons.compare(def, start, start.plus(HOUR), baseline,
                candidate == null ? Map.of() : Map.of(CANDIDATE, candidate), reference, FACTORS);
    }

    private static BaselineReference referenceAfter(ComparisonDefinition def, VariantWindow... baselines) {
        BaselineReference reference = Comparisons.updateReference(null, def, null);
        for (VariantWindow baseline : baselines) {
            reference = Comparisons.updateReference(reference, def, baseline);
        }
        return reference;
    }

    @Test
    void aWindowInWhichTheCandidateHadNoSuccessfulTaskCostsItsEnergy() {
        // Given the usual baseline (3.125 Wh per successful task) in two windows, and the candidate's same 10
        // requests at 0.625 Wh each (6.25 Wh): in window A all 10 succeed, in window B none does
        ComparisonDefinition def = definition().build();
        Instant a = T0;
        Instant b = T0.plus(HOUR);
        VariantWindow candidateA = window(CANDIDATE_MODEL, a).tasks(10, true, 0.625).build();
        VariantWindow candidateB = window(CANDIDATE_MODEL, b).tasks(10, false, 0.625).build();

        // When
        CandidateWindow savedA = compare(def, a, usualBaseline(a), candidateA, referenceAfter(def, usualBaseline(a)))
                .getCandidates().get(0);
        CandidateWindow savedB = compare(def, b, usualBaseline(b), candidateB, referenceAfter(def, usualBaseline(b)))
                .getCandidates().get(0);

        // Then A saves 3.125 x 10 - 6.25 = +25 Wh (2.5 Wh per successful task);
        // in CO2e 0.065625 x 10 - 6.25 x 21 / 1000 = 0.65625 - 0.13125 = +0.525 g (0.0525 g per successful task)
        assertThat(savedA.getPriced()).isTrue();
        assertThat(savedA.getSavingWh()).isCloseTo(25.0, within(1e-9));
        assertThat(savedA.getSavingWhPerSuccessfulTask()).isCloseTo(2.5, within(1e-9));
        assertThat(savedA.getSavingGCo2eLocation()).isCloseTo(0.525, within(1e-9));
        assertThat(savedA.getSavingGCo2eMarket()).isCloseTo(0.525, within(1e-9));
        assertThat(savedA.getSavingGCo2eLocationPerSuccessfulTask()).isCloseTo(0.0525, within(1e-9));
        // and B, with no success, is not free: 3.125 x 0 - 6.25 = -6.25 Wh; 0 - 0.13125 = -0.13125 g; no per-task figure
        assertThat(savedB.getPriced()).isTrue();
        assertThat(savedB.getSavingWh()).isCloseTo(-6.25, within(1e-9));
        assertThat(savedB.getSavingGCo2eLocation()).isCloseTo(-0.13125, within(1e-9));
        assertThat(savedB.getSavingGCo2eMarket()).isCloseTo(-0.13125, within(1e-9));
        assertThat(savedB.getSavingWhPerSuccessfulTask()).isNull();
        assertThat(savedB.getSavingGCo2eLocationPerSuccessfulTask()).isNull();
    }

    @Test
    void aTrailingReferenceKeptInEnergyIsPricedAtTheGridOfTheWindowCompared() {
        // Given two baseline windows in December 2024 in eu-north-1 (41 g/kWh then), each the usual 20 tasks at
        // 2.5 Wh with 16 successes, kept as the trailing reference
        ComparisonDefinition def = definition().build();
        Instant dec30 = Instant.parse("2024-12-30T00:00:00Z");
        Instant dec31 = Instant.parse("2024-12-31T00:00:00Z");
        Instant jan15 = Instant.parse("2025-01-15T00:00:00Z");
        VariantWindow thin = window(BASELINE_MODEL, jan15).tasks(2, true, 2.5).build();
        BaselineReference reference = referenceAfter(def, usualBaseline(dec30), usualBaseline(dec31), thin);
        // and in January 2025 (21 g/kWh) a thin baseline window (2 tasks < minBaselineTasks 20) and the candidate's
        // 10 successful tasks at 0.625 Wh
        VariantWindow candidate = window(CANDIDATE_MODEL, jan15).tasks(10, true, 0.625).build();

        // When
        ComparisonWindow compared = compare(def, jan15, thin, candidate, reference);

        // Then the reference is the two windows as one: (50 + 50) Wh / (16 + 16) = 3.125 Wh per successful task,
        // success rate 32 / 40 = 0.8, priced at the window's 21 g/kWh: 3.125 x 21 / 1000 = 0.065625 g
        // (at December's 41 g/kWh it would have been 0.128125 g)
        assertThat(compared.getBaselineSource()).isEqualTo(BaselineSource.TRAILING_REFERENCE.name());
        assertThat(compared.getBaselineWhPerSuccessfulTask()).isCloseTo(3.125, within(1e-9));
        assertThat(compared.getBaselineGCo2eLocationPerSuccessfulTask()).isCloseTo(0.065625, within(1e-9));
        assertThat(compared.getBaselineGCo2eMarketPerSuccessfulTask()).isCloseTo(0.065625, within(1e-9));
        assertThat(compared.getBaselineSuccessRate()).isCloseTo(0.8, within(1e-12));
        assertThat(compared.getBaselineFactorRows()).extracting(FactorRow::getId)
                .containsExactly("GRID|region|eu-north-1|2025-01-01");
        assertThat(compared.getBaselineFactorRows().get(0).getValue()).isEqualTo(21.0);
        // and the candidate saves 3.125 x 10 - 6.25 = 25 Wh, 25 x 21 / 1000 = 0.525 g
        CandidateWindow saved = compared.getCandidates().get(0);
        assertThat(saved.getSavingWh()).isCloseTo(25.0, within(1e-9));
        assertThat(saved.getSavingGCo2eLocation()).isCloseTo(0.525, within(1e-9));
    }

    @Test
    void theTrailingReferenceUsesOnlyWindowsBeforeTheOneCompared() {
        // Given a reference holding a past window (the usual: 3.125 Wh) and the window compared itself (20 successful
        // tasks at 5.0 Wh, kept while minBaselineTasks was 16), now compared with minBaselineTasks 30, so thin
        ComparisonDefinition def = definition().setMinBaselineTasks(16).build();
        Instant past = T0;
        Instant now = T0.plus(HOUR);
        VariantWindow current = window(BASELINE_MODEL, now).tasks(20, true, 5.0).build();
        BaselineReference reference = referenceAfter(def, usualBaseline(past), current);
        ComparisonDefinition stricter = definition().setMinBaselineTasks(30).build();
        VariantWindow candidate = window(CANDIDATE_MODEL, now).tasks(10, true, 0.625).build();

        // When
        ComparisonWindow compared = compare(stricter, now, current, candidate, reference);

        // Then only the past window counts: 3.125 Wh, not (50 + 100) / (16 + 20) = 4.1667
        assertThat(compared.getBaselineSource()).isEqualTo(BaselineSource.TRAILING_REFERENCE.name());
        assertThat(compared.getBaselineWhPerSuccessfulTask()).isCloseTo(3.125, within(1e-9));
    }

    @Test
    void aPinnedReferenceTakesItsWhAndSuccessRateAndIsPricedAtTheGridOfTheWindowCompared() {
        // Given a pinned baseline of 3.125 Wh per successful task at a success rate of 0.8, no baseline traffic and
        // no past baseline window, and the candidate's 10 tasks at 0.625 Wh (6.25 Wh), 9 of them successful
        ComparisonDefinition def = definition().setPinnedBaselineWhPerSuccessfulTask(3.125)
                .setPinnedBaselineSuccessRate(0.8).setMaxSuccessRateDrop(0.05).build();
        VariantWindow candidate = window(CANDIDATE_MODEL, T0).tasks(9, true, 0.625).tasks(1, false, 0.625).build();

        // When
        ComparisonWindow compared = compare(def, T0, null, candidate, referenceAfter(def));

        // Then the baseline is the pin, an estimate, priced at the window's grid: 3.125 x 21 / 1000 = 0.065625 g
        assertThat(compared.getBaselineSource()).isEqualTo(BaselineSource.PINNED_REFERENCE.name());
        assertThat(compared.getBaselineWhPerSuccessfulTask()).isEqualTo(3.125);
        assertThat(compared.getBaselineGCo2eLocationPerSuccessfulTask()).isCloseTo(0.065625, within(1e-12));
        assertThat(compared.getBaselineSuccessRate()).isEqualTo(0.8);
        assertThat(compared.getBaselineTier()).isEqualTo(EvidenceTier.ESTIMATED.name());
        assertThat(compared.getBaselineFactorRows()).extracting(FactorRow::getId)
                .containsExactly("GRID|region|eu-north-1|2025-01-01");
        // and the candidate saves 3.125 x 9 - 6.25 = 28.125 - 6.25 = 21.875 Wh (21.875 / 9 = 2.430556 per task),
        // 21.875 x 21 / 1000 = 0.459375 g; its success rate 9 / 10 = 0.9 is 0.1 above the pin's 0.8, so the
        // quality rule has what it needs (no note); the saving is no stronger than the pin: ESTIMATED
        CandidateWindow saved = compared.getCandidates().get(0);
        assertThat(saved.getSavingWh()).isCloseTo(21.875, within(1e-9));
        assertThat(saved.getSavingWhPerSuccessfulTask()).isCloseTo(2.4305556, within(1e-6));
        assertThat(saved.getSavingGCo2eLocation()).isCloseTo(0.459375, within(1e-9));
        assertThat(saved.getSuccessRateDelta()).isCloseTo(0.1, within(1e-12));
        assertThat(saved.getQualityNote()).isNull();
        assertThat(saved.getSavingTier()).isEqualTo(EvidenceTier.ESTIMATED.name());
    }

    @Test
    void withNoBaselineSuccessRateInAWindowTheCandidateWindowCarriesAQualityNote() {
        // Given a maximum success-rate drop, no pin, no past baseline window, and a thin baseline window
        // (2 tasks < 20): there is no baseline figure, so no baseline success rate either
        ComparisonDefinition def = definition().setMaxSuccessRateDrop(0.05).build();
        EngineDriver engine = new EngineDriver(def, HOUR, HOUR);
        VariantWindow thin = window(BASELINE_MODEL, T0).tasks(2, true, 2.5).build();
        VariantWindow candidate = window(CANDIDATE_MODEL, T0).tasks(10, true, 0.625).build();

        // When
        ComparisonWindow compared = engine.window(T0, thin, candidate, T0.plusSeconds(600));

        // Then the window is unpriced, the drop cannot be evaluated and says why, and so does the status
        CandidateWindow saved = compared.getCandidates().get(0);
        assertThat(compared.getBaselineSource()).isEqualTo(BaselineSource.NONE.name());
        assertThat(compared.getBaselineSuccessRate()).isNull();
        assertThat(saved.getPriced()).isFalse();
        assertThat(saved.getSavingWh()).isNull();
        assertThat(saved.getSuccessRateDelta()).isNull();
        assertThat(saved.getQualityNote()).contains("maxSuccessRateDrop").contains("NONE");
        assertThat(engine.status().getQualityNote()).isEqualTo(saved.getQualityNote());
    }

    @Test
    void aComparisonWindowCarriesItsEvidence() {
        // Given the usual baseline, benchmarked; and the candidate's 10 successful requests, metered, of which 8
        // carry 0.625 Wh each and 2 have no energy figure
        ComparisonDefinition def = definition().build();
        VariantWindow baseline = window(BASELINE_MODEL, T0).tier(EvidenceTier.BENCHMARKED)
                .tasks(16, true, 2.5).tasks(4, false, 2.5).build();
        VariantWindow candidate = window(CANDIDATE_MODEL, T0).tasks(8, true, 0.625).uncovered(2, true).build();

        // When
        ComparisonWindow compared = compare(def, T0, baseline, candidate, referenceAfter(def, baseline));

        // Then the candidate's energy is scaled to all its requests: 8 x 0.625 = 5 Wh x 10 / 8 = 6.25 Wh, and it
        // saves 3.125 x 10 - 6.25 = 25 Wh with an energy coverage of 8 / 10 = 0.8
        CandidateWindow saved = compared.getCandidates().get(0);
        assertThat(saved.getSavingWh()).isCloseTo(25.0, within(1e-9));
        assertThat(saved.getEnergyCoverage()).isEqualTo(0.8);
        assertThat(compared.getBaselineEnergyCoverage()).isEqualTo(1.0);
        // the saving is as strong as its weakest side: BENCHMARKED baseline, METERED candidate
        assertThat(compared.getBaselineTier()).isEqualTo(EvidenceTier.BENCHMARKED.name());
        assertThat(saved.getSavingTier()).isEqualTo(EvidenceTier.BENCHMARKED.name());
        // the rows that priced each side, with the requests each priced (20 baseline, 8 covered candidate requests)
        assertThat(compared.getBaselineFactorRows()).extracting(FactorRow::getId, FactorRow::getRequests)
                .containsExactly(tuple("GRID|region|eu-north-1|2025-01-01", 20L),
                        tuple("PUE|provider|google|2023-01-01", 20L));
        assertThat(saved.getFactorRows()).extracting(FactorRow::getId, FactorRow::getValue, FactorRow::getRequests)
                .containsExactly(tuple("GRID|region|eu-north-1|2025-01-01", 21.0, 8L),
                        tuple("PUE|provider|google|2023-01-01", 1.09, 8L));
        // and the shipped grid rows have no market-based figure: the location-based one stands in
        assertThat(saved.getFactorRows().get(0).getMarketValue()).isNull();
        assertThat(saved.getMarketFallback()).isTrue();
    }

    @Test
    void requestsPricedByTheMethodologyCarryTheirFactorRowsIntoTheComparison() {
        // Given metered requests on Google in eu-north-1 on 2026-01-01, priced by EnergyAccounting with the shipped
        // tables: baseline 20 requests at 2.0 Wh IT (x PUE 1.09 = 2.18 Wh facility), 16 successful; candidate 10
        // requests at 0.5 Wh IT (0.545 Wh facility), all successful
        EnergyAccounting accounting = EnergyAccounting.from(null, null, null);
        VariantWindow baseline = priced(accounting, BASELINE_MODEL, 20, 16, 2.0);
        VariantWindow candidate = priced(accounting, CANDIDATE_MODEL, 10, 10, 0.5);
        ComparisonDefinition def = definition().build();

        // When
        ComparisonWindow compared = compare(def, T0, baseline, candidate, referenceAfter(def, baseline));

        // Then baseline 20 x 2.18 = 43.6 Wh / 16 = 2.725 Wh per successful task; candidate 10 x 0.545 = 5.45 Wh;
        // saving 2.725 x 10 - 5.45 = 21.8 Wh, 21.8 x 21 / 1000 = 0.4578 g
        assertThat(compared.getBaselineWhPerSuccessfulTask()).isCloseTo(2.725, within(1e-9));
        CandidateWindow saved = compared.getCandidates().get(0);
        assertThat(saved.getSavingWh()).isCloseTo(21.8, within(1e-9));
        assertThat(saved.getSavingGCo2eLocation()).isCloseTo(0.4578, within(1e-9));
        assertThat(saved.getSavingTier()).isEqualTo(EvidenceTier.METERED.name());
        assertThat(saved.getFactorRows()).extracting(FactorRow::getId)
                .containsExactly("GRID|region|eu-north-1|2025-01-01", "PUE|provider|google|2023-01-01");
        assertThat(saved.getMarketFallback()).isTrue();
    }

    private static VariantWindow priced(EnergyAccounting accounting, String model, int requests, int successes,
                                        double itWh) {
        VariantStats stats = VariantCounters.empty();
        for (int i = 0; i < requests; i++) {
            InferenceEvent event = InferenceEvent.newBuilder()
                    .setEventId(model + "-" + i)
                    .setEventTime(T0.plusSeconds(60 + i))
                    .setGateway("test")
                    .setUseCase(USE_CASE)
                    .setModelId(model)
                    .setProvider("google")
                    .setRegion("eu-north-1")
                    .setInputTokens(400)
                    .setOutputTokens(100)
                    .setSuccess(i < successes)
                    .setMeteredEnergyWh(itWh)
                    .build();
            stats = VariantCounters.add(stats, TaskOutcomes.of(event, accounting.of(event)));
        }
        return VariantCounters.result(new VariantKey(USE_CASE, model), T0, T0.plus(HOUR), stats);
    }

    @Test
    void aThinWindowWithNoReferenceAndNoPinIsUnpriced() {
        // Given a thin baseline window in eu-central-1 and nothing else to compare with
        ComparisonDefinition def = definition().build();
        VariantWindow thin = window(BASELINE_MODEL, T0).in(Site.CENTRAL).tasks(3, true, 2.5).build();
        VariantWindow candidate = window(CANDIDATE_MODEL, T0).tasks(10, true, 0.625).build();

        // When
        ComparisonWindow compared = compare(def, T0, thin, candidate, referenceAfter(def, thin));

        // Then there is no baseline figure and no saving: the candidate's window is published all the same
        assertThat(compared.getBaselineSource()).isEqualTo(BaselineSource.NONE.name());
        assertThat(compared.getBaselineWhPerSuccessfulTask()).isNull();
        assertThat(compared.getCandidates().get(0).getPriced()).isFalse();
        assertThat(compared.getCandidates().get(0).getWindow()).isEqualTo(candidate);
    }
}
