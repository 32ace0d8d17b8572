package io.carbonllm.payback.streams.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The strict parser the scrape tests rely on: it must refuse what Prometheus would, or those tests prove nothing. */
class PrometheusTextTest {

    @Test
    void aWellFormedExpositionParsesWithEscapesSpecialValuesAndSuffixes() {
        PrometheusText text = PrometheusText.parse("""
                # HELP up Whether it answers
                # TYPE up gauge
                up{job="a\\"b\\\\c\\nd",x="1"} 1.0
                up 0 1700000000000
                # TYPE requests counter
                requests_total{code="200"} 3
                # TYPE latency histogram
                latency_bucket{le="+Inf"} 2
                latency_sum NaN
                latency_count 2
                # TYPE g gauge
                g{a="1",} -Inf
                """);
        assertThat(text.value("up", "job", "a\"b\\c\nd")).isEqualTo(1.0);
        assertThat(text.find("up")).hasSize(2);
        assertThat(text.value("requests_total", "code", "200")).isEqualTo(3.0);
        assertThat(text.value("latency_sum")).isNaN();
        assertThat(text.value("latency_bucket", "le", "+Inf")).isEqualTo(2.0);
        assertThat(text.samples().get(0).labels()).isEqualTo(Map.of("job", "a\"b\\c\nd", "x", "1"));
        assertThat(text.type("requests")).isEqualTo("counter");
        assertThat(text.help("up")).isEqualTo("Whether it answers");
        assertThat(text.value("g", "a", "1")).isEqualTo(Double.NEGATIVE_INFINITY);
    }

    @Test
    void whatPrometheusWouldRefuseIsRefusedNamingTheLine() {
        assertRefused("# TYPE a gauge\na{b=\"c\"} x\n", "line 2: bad value x");
        assertRefused("# TYPE a gauge\na{b=\"\\t\"} 1\n", "unknown escape");
        assertRefused("# TYPE a gauge\na{1b=\"c\"} 1\n", "bad label name");
        assertRefused("# TYPE a gauge\na{b=c} 1\n", "not quoted");
        assertRefused("# TYPE 1a gauge\n", "bad metric name");
        assertRefused("# TYPE a gauges\n", "unknown type");
        assertRefused("a 1\n", "without TYPE");
        assertRefused("# TYPE a gauge\na 1\n# TYPE a gauge\n", "second TYPE");
        assertRefused("# TYPE a gauge\na{b=\"c\"} 1\na{b=\"c\"} 2\n", "duplicate series");
        assertRefused("# TYPE a gauge\na{b=\"c\",b=\"d\"} 1\n", "label given twice");
        assertRefused("# TYPE a gauge\na{b=\"c\"\n", "unterminated");
    }

    private static void assertRefused(String text, String reason) {
        assertThatThrownBy(() -> PrometheusText.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(reason);
    }
}
