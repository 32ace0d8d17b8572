package io.carbonllm.payback.methodology.energy;

/**
 * What the catalog knows of a model: its size and, if benchmarked, its energy per output token.
 *
 * @param pattern           a model id or a glob ({@code *}, {@code ?}), matched case-insensitively
 * @param activeParamsB     active parameters in billions, or null if unknown
 * @param totalParamsB      total parameters in billions, or null (then taken as equal to the active ones)
 * @param joulesPerOutputToken a benchmarked figure, or null
 * @param gpuOnly           true when the benchmark measured the GPUs only (the non-GPU server share is added)
 * @param source            where the figures come from
 */
public record ModelProfile(String pattern, Double activeParamsB, Double totalParamsB, Double joulesPerOutputToken,
                           boolean gpuOnly, String source) {

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
