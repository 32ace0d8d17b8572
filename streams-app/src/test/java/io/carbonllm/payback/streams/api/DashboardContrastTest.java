package io.carbonllm.payback.streams.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's colours meet WCAG 2 contrast: text at least 4.5:1 on its background, borders and the bars' fills at
 * least 3:1 (non-text). The ratio is (L1 + 0.05) / (L2 + 0.05) of the relative luminances, as WCAG defines them.
 */
class DashboardContrastTest {

    private static Map<String, String> colours() throws Exception {
        String css;
        try (InputStream in = DashboardContrastTest.class.getResourceAsStream(
                "/io/carbonllm/payback/streams/dashboard/dashboard.css")) {
            css = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Map<String, String> vars = new HashMap<>();
        Matcher m = Pattern.compile("--([a-z-]+):\\s*(#[0-9a-fA-F]{6});").matcher(css);
        while (m.find()) {
            vars.put(m.group(1), m.group(2));
        }
        return vars;
    }

    static double luminance(String hex) {
        double[] c = new double[3];
        for (int i = 0; i < 3; i++) {
            double v = Integer.parseInt(hex.substring(1 + 2 * i, 3 + 2 * i), 16) / 255.0;
            c[i] = v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
        }
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
    }

    static double contrast(String a, String b) {
        double la = luminance(a);
        double lb = luminance(b);
        return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
    }

    @Test
    void theRatioIsWcagsForKnownPairs() {
        assertThat(contrast("#000000", "#ffffff")).isEqualTo(21.0);
        assertThat(contrast("#777777", "#ffffff")).isBetween(4.47, 4.49);
    }

    @Test
    void everyTextColourIsAtLeast4point5To1OnItsBackgroundAndBordersAtLeast3To1() throws Exception {
        Map<String, String> c = colours();
        for (String status : new String[] {"good", "warn", "bad", "info", "none"}) {
            assertThat(contrast(c.get(status), c.get(status + "-bg"))).as("badge " + status).isGreaterThanOrEqualTo(4.5);
        }
        for (String text : new String[] {"ink", "muted", "focus"}) {
            assertThat(contrast(c.get(text), c.get("paper"))).as(text + " on paper").isGreaterThanOrEqualTo(4.5);
            assertThat(contrast(c.get(text), c.get("panel"))).as(text + " on panel").isGreaterThanOrEqualTo(4.5);
        }
        assertThat(contrast(c.get("line"), c.get("paper"))).as("borders").isGreaterThanOrEqualTo(3.0);
        assertThat(contrast(c.get("bar"), c.get("paper"))).as("bar fill").isGreaterThanOrEqualTo(3.0);
        assertThat(contrast(c.get("bar-paid"), c.get("paper"))).as("paid bar fill").isGreaterThanOrEqualTo(3.0);
    }
}
