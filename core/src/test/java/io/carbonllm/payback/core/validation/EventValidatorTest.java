package io.carbonllm.payback.core.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carbonllm.payback.events.InferenceEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class EventValidatorTest {

    /** The wall clock stands at 2026-11-27T12:00:00Z. */
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-27T12:00:00Z"), ZoneOffset.UTC);

    private final EventValidator validator = new EventValidator(1_000_000, Duration.ofMinutes(15));

    private static InferenceEvent.Builder valid() {
        return InferenceEvent.newBuilder().setEventId("e").setEventTime(Instant.EPOCH).setGateway("g")
                .setUseCase("u").setModelId("m").setInputTokens(10).setOutputTokens(5).setSuccess(true);
    }

    @Test
    void aValidEventHasNoProblems() {
        assertThat(validator.problems(valid().build())).isEmpty();
    }

    @Test
    void everyProblemIsNamedWithItsFieldAndValue() {
        InferenceEvent event = valid().setEventId(" ").setModelId("").setOutputTokens(2_000_000)
                .setLatencyMs(-1L).setMeteredEnergyWh(Double.NaN).setActiveParamsB(80.0).setTotalParamsB(70.0)
                .setEventTime(Instant.ofEpochMilli(-5)).build();
        assertThat(validator.problems(event)).containsExactlyInAnyOrder(
                "eventId is empty",
                "modelId is empty",
                "eventTime 1969-12-31T23:59:59.995Z is before 1970-01-01",
                "outputTokens 2000000 exceeds the limit of 1000000 per request",
                "latencyMs -1 is negative",
                "meteredEnergyWh NaN is outside [0, 100000.0]",
                "activeParamsB 80.0 exceeds totalParamsB 70.0");
    }

    @Test
    void requireValidThrowsWithAllProblemsInOneReason() {
        assertThatThrownBy(() -> validator.requireValid(valid().setInputTokens(-1).setGateway("").build(), 0L))
                .isInstanceOf(InvalidEventException.class)
                .hasMessage("invalid InferenceEvent e: gateway is empty; inputTokens -1 is negative");
    }

    @Test
    void theExtractorsVerdictDecides() {
        // 12:00 + 15 min = 12:15: exactly at the limit is in time, a millisecond later is too far ahead
        assertThat(EventValidator.isTooFarAhead(Instant.parse("2026-11-27T12:15:00Z").toEpochMilli(),
                Duration.ofMinutes(15), CLOCK)).isFalse();
        assertThat(EventValidator.isTooFarAhead(Instant.parse("2026-11-27T12:15:00.001Z").toEpochMilli(),
                Duration.ofMinutes(15), CLOCK)).isTrue();
        // an event time that would overflow window arithmetic is too far ahead; a tolerance that would overflow is not
        // an error
        assertThat(EventValidator.isTooFarAhead(Long.MAX_VALUE - 1, Duration.ofMinutes(15), CLOCK)).isTrue();
        assertThat(EventValidator.isTooFarAhead(Long.MAX_VALUE - 1, Duration.ofMillis(Long.MAX_VALUE), CLOCK)).isFalse();
    }

    @Test
    void anEventReadWithAnotherTimestampThanItsOwnWasTooFarAhead() {
        // Given an event dated 2100 that the extractor stamped with its partition's time (say 12:00)
        InferenceEvent event = valid().setEventTime(Instant.parse("2100-01-01T00:00:00Z")).build();
        long partitionTime = CLOCK.millis();

        // Then the validator reports it, naming the limit; the same event read with its own time has no problem
        assertThat(validator.problems(event, partitionTime)).containsExactly("eventTime 2100-01-01T00:00:00Z was more "
                + "than PT15M ahead of the wall clock when it was read; the limit is payback.validation.max.event.time.ahead.ms");
        assertThat(validator.problems(event, event.getEventTime().toEpochMilli())).isEmpty();
    }
}
