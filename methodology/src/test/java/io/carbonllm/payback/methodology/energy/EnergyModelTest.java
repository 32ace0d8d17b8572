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
        // 0.797 J / 3600 = 2.213889e-4 Wh/token (GPUs only) + 70B server share 2.263878e-4 = 4.477767e-4 Wh/token
        // x 1000 output tokens = 0.4477767 Wh
        RequestEnergy energy = model.estimate(RequestUsage.tokens("llama-3.1-70b-instruct", 0, 0, 1000));
        assertThat(energy.tier()).isEqualTo(EvidenceTier.BENCHMARKED);
        assertThat(energy.itWh()).isCloseTo(0.4477767, within(1e-6));
        assertThat(energy.source()).contains("ML.ENERGY").contains("0.797 J/output token");
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
        // 0.4477767 Wh (benchmarked, as above) + 0.2 Wh retrieval = 0.6477767 Wh, tier ESTIMATED (the weaker part)
        RequestEnergy energy = model.estimate(RequestUsage.tokens("llama-3.1-70b-instruct", 0, 0, 1000).withRetrievalWh(0.2));
        assertThat(energy.itWh()).isCloseTo(0.6477767, within(1e-6));
        assertThat(energy.tier()).isEqualTo(EvidenceTier.ESTIMATED);
    }
}
