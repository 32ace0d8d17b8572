package io.carbonllm.payback.core.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carbonllm.payback.events.InferenceEvent;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EventValidatorTest {

    private final EventValidator validator = new EventValidator(1_000_000);

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
        assertThatThrownBy(() -> validator.requireValid(valid().setInputTokens(-1).setGateway("").build()))
                .isInstanceOf(InvalidEventException.class)
                .hasMessage("invalid InferenceEvent e: gateway is empty; inputTokens -1 is negative");
    }
}
