package io.carbonllm.payback.methodology;

import java.util.Locale;

/** How figures are written in sources and messages: six significant digits, no trailing zeros. */
public final class Numbers {

    private Numbers() {
    }

    /** 0.797 for 0.797, 70 for 70.0, 1e-05 for 0.00001. */
    public static String format(double value) {
        return String.format(Locale.ROOT, "%.6g", value).replaceAll("\\.?0+$", "").replaceAll("\\.?0+e", "e");
    }
}
