package io.carbonllm.payback.methodology.energy;

/**
 * What the catalog knows of a model: its size and, if benchmarked, its energy per output token.
 *
 * @param pattern           a model id or a glob ({@code *}, {@code ?}), matched case-insensitively
 * @param activeParamsB     active parameters in billions, or null if unknown
 * @param totalParamsB      total parameters in billions, or null (then taken as equal to the active ones)
 * @param joulesPerOutputToken a benchmarked figure, or null
 * @param gpuOnly           true when the benchmark measured the GPUs only (the non-GPU server share is added);
 *                          with a benchmarked figure it needs {@code activeParamsB}, to size that share
 * @param gpus              the GPU count the benchmark measured, or null (then the server share is sized for
 *                          {@link EcoLogitsModel#gpusRequired(double)} GPUs)
 * @param source            where the figures come from
 */
public record ModelProfile(String pattern, Double activeParamsB, Double totalParamsB, Double joulesPerOutputToken,
                           boolean gpuOnly, Integer gpus, String source) {

    public ModelProfile {
        if (gpus != null && gpus <= 0) {
            throw new IllegalArgumentException("gpus must be a positive integer, got " + gpus + " (" + pattern + ")");
        }
        // The non-GPU server share of a GPU-only figure is sized from the active parameters: without them there is
        // no share to add, so the profile is rejected here, as the catalog's CSV parser rejects the row.
        if (gpuOnly && joulesPerOutputToken != null && activeParamsB == null) {
            throw new IllegalArgumentException("activeParamsB is required with a GPU-only energy profile (for the"
                    + " non-GPU server share), got none (" + pattern + ")");
        }
    }

    /** Without the benchmark's GPU count. */
    public ModelProfile(String pattern, Double activeParamsB, Double totalParamsB, Double joulesPerOutputToken,
                        boolean gpuOnly, String source) {
        this(pattern, activeParamsB, totalParamsB, joulesPerOutputToken, gpuOnly, null, source);
    }

    /**
     * The GPUs the non-GPU server share is sized for: the benchmark's measured count, else EcoLogits' count for the
     * total parameters; null when the size is unknown.
     */
    public Integer serverShareGpus() {
        if (gpus != null) {
            return gpus;
        }
        Double total = totalParamsB != null ? totalParamsB : activeParamsB;
        return total == null ? null : EcoLogitsModel.gpusRequired(total);
    }

    public boolean matches(String modelId) {
        return modelId != null && globMatches(pattern.toLowerCase(java.util.Locale.ROOT), modelId.toLowerCase(java.util.Locale.ROOT), 0, 0);
    }

    private static boolean globMatches(String glob, String text, int g, int t) {
        while (g < glob.length()) {
            char c = glob.charAt(g);
            if (c == '*') {
                for (int k = t; k <= text.length(); k++) {
                    if (globMatches(glob, text, g + 1, k)) {
                        return true;
                    }
                }
                return false;
            }
            if (t >= text.length() || (c != '?' && c != text.charAt(t))) {
                return false;
            }
            g++;
            t++;
        }
        return t == text.length();
    }
}
