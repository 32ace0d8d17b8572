package io.carbonllm.payback.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The value of a {@code --since} flag: an instant, a UTC date, or a duration back from now. A wrong value is a usage
 * error (exit code 2) that picocli prefixes with the flag.
 */
final class Since implements ITypeConverter<Instant> {

    static final String FORMS = "an ISO-8601 instant (2026-11-27T10:00:00Z), a UTC date (2026-11-27), or a duration "
            + "back from now (90s, 30m, 2h, 7d, PT1H30M)";

    private static final Pattern SHORT = Pattern.compile("(\\d{1,9})([smhd])");

    @Override
    public Instant convert(String value) {
        return parse(value, Instant.now());
    }

    static Instant parse(String value, Instant now) {
        String text = value.trim();
        Matcher shortForm = SHORT.matcher(text.toLowerCase(Locale.ROOT));
        if (shortForm.matches()) {
            long amount = Long.parseLong(shortForm.group(1));
            Duration unit = switch (shortForm.group(2)) {
                case "s" -> Duration.ofSeconds(1);
                case "m" -> Duration.ofMinutes(1);
                case "h" -> Duration.ofHours(1);
                default -> Duration.ofDays(1);
            };
            return back(now, unit.multipliedBy(amount), value);
        }
        try {
            if (text.toUpperCase(Locale.ROOT).startsWith("P")) {
                return back(now, Duration.parse(text), value);
            }
            if (text.length() == 10) {
                return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new TypeConversionException("must be " + FORMS + ", got '" + value + "'");
        }
    }

    private static Instant back(Instant now, Duration duration, String value) {
        if (duration.isZero() || duration.isNegative()) {
            throw new TypeConversionException("a duration must be positive, got '" + value + "'");
        }
        return now.minus(duration);
    }
}
