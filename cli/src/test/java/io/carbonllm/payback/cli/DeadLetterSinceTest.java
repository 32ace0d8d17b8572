package io.carbonllm.payback.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

/** {@code --since}: an instant, a UTC date, or a duration back from a fixed "now" of 2026-11-27T12:00:00Z. */
class DeadLetterSinceTest {

    private static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");

    @Test
    void shortDurationsCountBackFromNow() {
        assertThat(Since.parse("90s", NOW)).isEqualTo(Instant.parse("2026-11-27T11:58:30Z"));   // 12:00:00 - 90 s
        assertThat(Since.parse("30m", NOW)).isEqualTo(Instant.parse("2026-11-27T11:30:00Z"));
        assertThat(Since.parse("2H", NOW)).isEqualTo(Instant.parse("2026-11-27T10:00:00Z"));    // any case
        assertThat(Since.parse("7d", NOW)).isEqualTo(Instant.parse("2026-11-20T12:00:00Z"));    // 27 - 7 = 20
    }

    @Test
    void isoDurationsInstantsAndDatesAreAccepted() {
        assertThat(Since.parse("PT1H30M", NOW)).isEqualTo(Instant.parse("2026-11-27T10:30:00Z"));
        assertThat(Since.parse("2026-11-27T09:15:00Z", NOW)).isEqualTo(Instant.parse("2026-11-27T09:15:00Z"));
        assertThat(Since.parse("2026-11-25", NOW)).isEqualTo(Instant.parse("2026-11-25T00:00:00Z"));
    }

    @Test
    void anythingElseIsRefusedNamingTheForms() {
        assertThatThrownBy(() -> Since.parse("yesterday", NOW)).isInstanceOf(TypeConversionException.class)
                .hasMessageContaining("got 'yesterday'").hasMessageContaining("90s, 30m, 2h, 7d");
        assertThatThrownBy(() -> Since.parse("2026-13-01", NOW)).isInstanceOf(TypeConversionException.class);
        assertThatThrownBy(() -> Since.parse("0h", NOW)).isInstanceOf(TypeConversionException.class)
                .hasMessageContaining("must be positive");
        assertThatThrownBy(() -> Since.parse("-PT1H", NOW)).isInstanceOf(TypeConversionException.class);
    }
}
