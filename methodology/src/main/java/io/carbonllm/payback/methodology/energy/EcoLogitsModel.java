package io.carbonllm.payback.methodology.energy;

/**
 * The parametric fallback: energy per output token from a model's size, after EcoLogits v0.9 and later
 * ({@code ecologits/impacts/llm.py}, 2026-03). All figures are IT energy (before PUE), in Wh per output token.
 *
 * <p>P is parameters in billions; B is the batch size EcoLogits assumes (64). The per-GPU term depends on the
 * active parameters (the compute per token); the GPU count on the total parameters (the weights must fit in memory).
 */
public final class EcoLogitsModel {

    public static final double ALPHA = 1.1665273e-6;
    public static final double BETA = -0.0112059;
    public static final double GAMMA = 4.0529281e-5;
    public static final int BATCH_SIZE = 64;
    /** 16-bit weights (2 bytes per parameter) plus 20 % memory overhead. */
    public static final double MEMORY_GB_PER_BILLION_PARAMS = 1.2 * 2;
    public static final double GPU_MEMORY_GB = 80;
    public static final double LATENCY_PER_PARAM_S = 6.785088e-4;
    public static final double LATENCY_PER_BATCH_S = 3.119310e-4;
    public static final double LATENCY_CONSTANT_S = 1.9473718e-2;
    /** An 8-GPU server without its GPUs (Boavizta, p5.48xlarge). */
    public static final double SERVER_POWER_KW_EXCLUDING_GPUS = 1.2;
    public static final int GPUS_PER_SERVER = 8;

    private EcoLogitsModel() {
    }

    /** GPU energy per output token, per GPU, in Wh: {@code alpha * exp(beta * B) * P + gamma}. */
    public static double gpuWhPerOutputTokenPerGpu(double activeParamsB) {
        return ALPHA * Math.exp(BETA * BATCH_SIZE) * activeParamsB + GAMMA;
    }

    /** The next power of two at or above {@code ceil(1.2 * 2 * P / 80)}. */
    public static int gpusRequired(double totalParamsB) {
        int needed = (int) Math.max(1, Math.ceil(MEMORY_GB_PER_BILLION_PARAMS * totalParamsB / GPU_MEMORY_GB));
        return Integer.highestOneBit(needed) == needed ? needed : Integer.highestOneBit(needed) << 1;
    }

    /** Latency per output token in seconds, when unmeasured. */
    public static double latencySPerOutputToken(double activeParamsB) {
        return LATENCY_PER_PARAM_S * activeParamsB + LATENCY_PER_BATCH_S * BATCH_SIZE + LATENCY_CONSTANT_S;
    }

    /** The server's energy excluding GPUs, per output token, in Wh: its share of a server, split over the batch. */
    public static double serverWhPerOutputToken(double activeParamsB, int gpus) {
        double hours = latencySPerOutputToken(activeParamsB) / 3600.0;
        return hours * SERVER_POWER_KW_EXCLUDING_GPUS * 1000.0 * ((double) gpus / GPUS_PER_SERVER) / BATCH_SIZE;
    }

    /** IT energy per output token in Wh: all GPUs plus the server share. Multiply by PUE for facility energy. */
    public static double itWhPerOutputToken(double activeParamsB, double totalParamsB) {
        int gpus = gpusRequired(totalParamsB);
        return gpus * gpuWhPerOutputTokenPerGpu(activeParamsB) + serverWhPerOutputToken(activeParamsB, gpus);
    }
}
