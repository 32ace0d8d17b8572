package io.carbonllm.payback.methodology.energy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.carbonllm.payback.methodology.EvidenceTier;
import org.junit.jupiter.api.Test;

/**
 * Hand computations follow EcoLogits v0.9 with B = 64: exp(beta * B) = exp(-0.0112059 * 64) = exp(-0.7171776)
 * = 0.488128, so alpha * exp(beta * B) = 1.1665273e-6 * 0.488128 = 5.694145e-7 Wh per billion parameters.
 */
class EnergyModelTest {

    private final EnergyModel model = EnergyModel.defaults();

    private double itWhPer1000OutputTokens(double params) {
        // A model id the catalog does not know, so only the event's size counts.
        RequestEnergy energy = model.estimate(RequestUsage.tokens("acme-custom", 0, 0, 1000).withParams(params, params));
        assertThat(energy.tier()).isEqualTo(EvidenceTier.ESTIMATED);
        return energy.itWh();
    }

    @Test
    void sevenBillionParametersCostAbout0_088WhPer1000TokensAtPue1_2() {
        // GPU:    5.694145e-7 * 7 + 4.0529281e-5 = 4.451518e-5 Wh/token; memory 1.2 * 2 * 7 = 16.8 GB -> 1 GPU
        // server: latency 6.785088e-4 * 7 + 3.119310e-4 * 64 + 1.9473718e-2 = 0.04418686 s
        //         0.04418686 / 3600 h * 1200 W * (1 / 8) / 64 = 2.876749e-5 Wh/token
        // IT:     4.451518e-5 + 2.876749e-5 = 7.328267e-5 Wh/token; x 1000 tokens x PUE 1.2 = 0.0879392 Wh
        assertThat(itWhPer1000OutputTokens(7) * 1.2).isCloseTo(0.0879392, within(1e-6));
        assertThat(itWhPer1000OutputTokens(7) * 1.2).isCloseTo(0.088, within(0.0005)); // EcoLogits' published 0.088
    }

    @Test
    void thirteenBillionParametersCostAbout0_095WhPer1000TokensAtPue1_2() {
        // GPU:    5.694145e-7 * 13 + 4.0529281e-5 = 4.793167e-5; 31.2 GB -> 1 GPU
        // server: latency 0.0088206144 + 0.019963584 + 0.019473718 = 0.04825792 s -> 3.141791e-5 Wh/token
        // IT:     7.934959e-5 Wh/token; x 1000 x 1.2 = 0.0952195 Wh
        assertThat(itWhPer1000OutputTokens(13) * 1.2).isCloseTo(0.0952195, within(1e-6));
        assertThat(itWhPer1000OutputTokens(13) * 1.2).isCloseTo(0.095, within(0.0005));
    }

    @Test
    void seventyBillionParametersCostAbout0_66WhPer1000TokensAtPue1_2() {
        // GPU:    5.694145e-7 * 70 + 4.0529281e-5 = 8.038831e-5 per GPU; 168 GB / 80 = 2.1 -> 3 -> 4 GPUs
        // server: latency 0.04749562 + 0.03943730 = 0.08693292 s -> /3600 * 1200 * (4/8) / 64 = 2.263878e-4 Wh/token
        // IT:     4 * 8.038831e-5 + 2.263878e-4 = 5.479410e-4 Wh/token; x 1000 x 1.2 = 0.657529 Wh
        assertThat(itWhPer1000OutputTokens(70) * 1.2).isCloseTo(0.657529, within(1e-5));
        assertThat(itWhPer1000OutputTokens(70) * 1.2).isCloseTo(0.66, within(0.005));
        assertThat(EcoLogitsModel.gpusRequired(70)).isEqualTo(4);
    }

    @Test
    void meteredEnergyBeatsEveryEstimate() {
        // Given a benchmarked model whose estimate for these tokens would be far from 0.5 Wh
        RequestUsage usage = RequestUsage.tokens("llama-3.1-70b-instruct", 2000, 0, 300).withMeteredWh(0.5);
        // When
        RequestEnergy energy = model.estimate(usage);
        // Then the meter wins
        assertThat(energy.itWh()).isEqualTo(0.5);
        assertThat(energy.tier()).isEqualTo(EvidenceTier.METERED);
    }

    @Test
    void aBenchmarkedProfileAddsTheNonGpuServerShareToGpuOnlyJoules() {
        // 0.797 J / 3600 = 2.213889e-4 Wh/token (GPUs only) + 70B server share on the 4 measured GPUs 2.263878e-4
        // = 4.477767e-4 Wh/token; x 1000 output tokens = 0.4477767 Wh
        RequestEnergy energy = model.estimate(RequestUsage.tokens("llama-3.1-70b-instruct", 0, 0, 1000));
        assertThat(energy.itWh()).isCloseTo(0.4477767, within(1e-6));
        assertThat(energy.source()).contains("ML.ENERGY").contains("0.797 J/output token")
                .contains("server share for 4 GPUs as measured");
    }

    @Test
    void llama8bIsBenchmarkedBecauseTheMeasurementIsMostOfTheFigure() {
        // measured: 0.119 J / 3600 = 3.305556e-5 Wh/token, on the 1 H100 the benchmark measured
        // server:   latency 6.785088e-4 * 8 + 3.119310e-4 * 64 + 1.9473718e-2 = 0.0054281 + 0.0199636 + 0.0194737
        //           = 0.04486537 s; / 3600 x 1200 W x (1/8) / 64 = 2.920923e-5 Wh/token
        // total:    6.226478e-5 Wh/token; measured share 3.305556 / 6.226478 = 53.1 % > 50 %: BENCHMARKED
        RequestEnergy energy = model.estimate(RequestUsage.tokens("llama-3.1-8b-instruct", 0, 0, 1000));
        assertThat(energy.itWh()).isCloseTo(0.06226478, within(1e-8));
        assertThat(energy.tier()).isEqualTo(EvidenceTier.BENCHMARKED);
        assertThat(energy.source()).doesNotContain("labelled ESTIMATED");
    }

    @Test
    void llama70bIsJustUnderHalfMeasuredSoItIsLabelledEstimated() {
        // measured: 0.797 J / 3600 = 2.213889e-4 Wh/token, on 4 H100s (as measured; EcoLogits also says 4)
        // server:   latency 6.785088e-4 * 70 + 0.0199636 + 0.0194737 = 0.0474956 + 0.0394373 = 0.08693292 s
        //           / 3600 x 1200 W x (4/8) / 64 = 2.263878e-4 Wh/token
        // total:    4.477767e-4 Wh/token; measured share 2.213889 / 4.477767 = 49.4 % <= 50 %: ESTIMATED
        RequestEnergy energy = model.estimate(RequestUsage.tokens("llama-3.1-70b-instruct", 0, 0, 1000));
        assertThat(energy.tier()).isEqualTo(EvidenceTier.ESTIMATED);
        assertThat(energy.source()).contains("measured part 49.4% of the figure: labelled ESTIMATED");
    }

    @Test
    void llama405bUsesTheEightMeasuredGpusAndIsStillMostlyServerShare() {
        // measured: 3.08 J / 3600 = 8.555556e-4 Wh/token, on the 8 H100s the benchmark measured
        //           (EcoLogits would size 1.2 * 2 * 405 = 972 GB / 80 = 12.15 -> 13 -> 16 GPUs for 16-bit weights)
        // server:   latency 6.785088e-4 * 405 + 0.0199636 + 0.0194737 = 0.2747961 + 0.0394373 = 0.3142334 s
        //           / 3600 x 1200 W x (8/8) / 64 = 1.636632e-3 Wh/token (with 16 GPUs it would be 3.273264e-3)
        // total:    2.492188e-3 Wh/token; x 1000 tokens = 2.492188 Wh (with 16 GPUs: 4.128820 Wh)
        //           measured share 0.8555556 / 2.492188 = 34.3 % <= 50 %: ESTIMATED
        RequestEnergy energy = model.estimate(RequestUsage.tokens("llama-3.1-405b-instruct-fp8", 0, 0, 1000));
        assertThat(energy.itWh()).isCloseTo(2.492188, within(1e-6));
        assertThat(energy.tier()).isEqualTo(EvidenceTier.ESTIMATED);
        assertThat(energy.source()).contains("server share for 8 GPUs as measured")
                .contains("measured part 34.3% of the figure: labelled ESTIMATED");
    }

    @Test
    void withoutAMeasuredGpuCountTheServerShareUsesEcoLogitsCount() {
        // The same 405B figure without the gpus column: 16 GPUs, server 3.273264e-3 Wh/token
        // total 0.8555556e-3 + 3.273264e-3 = 4.128820e-3 Wh/token; share 0.8555556 / 4.128820 = 20.7 %: ESTIMATED
        ModelProfile unmeasured = new ModelProfile("big*", 405.0, 405.0, 3.08, true, "test benchmark");
        EnergyModel withoutCount = new EnergyModel(new ModelCatalog(java.util.List.of(unmeasured)), TokenWeights.DEFAULT);
        RequestEnergy energy = withoutCount.estimate(RequestUsage.tokens("big-model", 0, 0, 1000));
        assertThat(energy.itWh()).isCloseTo(4.128820, within(1e-6));
        assertThat(energy.tier()).isEqualTo(EvidenceTier.ESTIMATED);
        assertThat(energy.source()).contains("16 GPUs, EcoLogits' count for the size").contains("20.7%");
    }

    @Test
    void anItScopeBenchmarkIsAllMeasuredAndStaysBenchmarked() {
        // energy_scope IT: nothing is added, the measured part is 100 % of the figure; 3.6 J / 3600 x 1000 = 1.0 Wh
        ModelProfile it = new ModelProfile("metered-lab*", 70.0, 70.0, 3.6, false, "a lab's wall-plug benchmark");
        EnergyModel lab = new EnergyModel(new ModelCatalog(java.util.List.of(it)), TokenWeights.DEFAULT);
        RequestEnergy energy = lab.estimate(RequestUsage.tokens("metered-lab-70b", 0, 0, 1000));
        assertThat(energy.itWh()).isCloseTo(1.0, within(1e-12));
        assertThat(energy.tier()).isEqualTo(EvidenceTier.BENCHMARKED);
    }

    @Test
    void theShippedCatalogCarriesTheMeasuredGpuCounts() {
        ModelCatalog catalog = ModelCatalog.defaults();
        assertThat(catalog.lookup("llama-3.1-8b-instruct").orElseThrow().gpus()).isEqualTo(1);
        assertThat(catalog.lookup("llama-3.1-70b-instruct").orElseThrow().gpus()).isEqualTo(4);
        assertThat(catalog.lookup("llama-3.1-405b-instruct").orElseThrow().gpus()).isEqualTo(8);
        assertThat(catalog.lookup("qwen3-32b").orElseThrow().gpus()).isEqualTo(2);
        assertThat(catalog.lookup("mistral-7b-instruct").orElseThrow().gpus()).isNull();
        // every GPU-only benchmark says how many GPUs it measured, and its source text agrees
        for (ModelProfile p : catalog.profiles()) {
            if (p.gpuOnly()) {
                assertThat(p.gpus()).as(p.pattern()).isNotNull();
                assertThat(p.source()).as(p.pattern()).contains(p.gpus() + "x H100");
            }
        }
    }

    @Test
    void theEventsOwnSizeWinsOverTheCatalog() {
        // The catalog says mistral-7b* has 7.3B; the event says 7B: the 7B figure (7.328267e-5 Wh/token) applies
        RequestEnergy energy = model.estimate(RequestUsage.tokens("mistral-7b-instruct", 0, 0, 1000).withParams(7.0, 7.0));
        assertThat(energy.itWh()).isCloseTo(0.07328267, within(1e-7));
    }

    @Test
    void aModelOfUnknownSizeIsUnavailableNotGuessed() {
        RequestEnergy energy = model.estimate(RequestUsage.tokens("mystery-model", 500, 0, 100));
        assertThat(energy.available()).isFalse();
        assertThat(energy.tier()).isEqualTo(EvidenceTier.UNAVAILABLE);
        assertThat(energy.itWh()).isZero();
        assertThat(energy.source()).contains("mystery-model");
    }

    @Test
    void inputTokensCountAndCachedOnesAreDiscounted() {
        // 1000 uncached input tokens, no output: 0.334 * 1000 + 3.28e-6 * 1000 * 1000 = 334 + 3.28 = 337.28 equivalents
        // x 5.479410e-4 Wh (70B) = 0.1848095 Wh
        RequestEnergy uncached = model.estimate(RequestUsage.tokens("acme", 1000, 0, 0).withParams(70.0, 70.0));
        assertThat(uncached.itWh()).isCloseTo(0.1848095, within(1e-6));
        // all 1000 cached: 0.334 * 0.1 * 1000 = 33.4 equivalents (no new tokens to attend) x 5.479410e-4 = 0.01830123 Wh
        RequestEnergy cached = model.estimate(RequestUsage.tokens("acme", 1000, 1000, 0).withParams(70.0, 70.0));
        assertThat(cached.itWh()).isCloseTo(0.01830123, within(1e-7));
    }

    @Test
    void aRetrievalAddOnIsAddedAndWeakensTheTier() {
        // 0.06226478 Wh (8B, BENCHMARKED, as above) + 0.2 Wh retrieval = 0.26226478 Wh, tier ESTIMATED (the weaker part)
        RequestEnergy energy = model.estimate(RequestUsage.tokens("llama-3.1-8b-instruct", 0, 0, 1000).withRetrievalWh(0.2));
        assertThat(energy.itWh()).isCloseTo(0.26226478, within(1e-8));
        assertThat(energy.tier()).isEqualTo(EvidenceTier.ESTIMATED);
    }
}
