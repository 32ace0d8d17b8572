package io.carbonllm.payback.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.carbonllm.payback.events.InferenceEvent;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The GenAI semantic conventions to InferenceEvent; times in nanoseconds since the epoch. */
class GenAiSpansTest {

    private static final long START = 1_764_000_000_000_000_000L;   // 2025-11-24T16:00:00Z
    private final GenAiSpans spans = new GenAiSpans("payback.use_case", "gen_ai.conversation.id");

    private static KeyValue s(String key, String value) {
        return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
    }

    private static KeyValue i(String key, long value) {
        return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setIntValue(value)).build();
    }

    private static Span.Builder span(int id, KeyValue... attributes) {
        return Span.newBuilder().setTraceId(ByteString.copyFrom(new byte[16]))
                .setSpanId(ByteString.copyFrom(new byte[] {0, 0, 0, 0, 0, 0, 0, (byte) id}))
                .setName("chat").setStartTimeUnixNano(START).setEndTimeUnixNano(START + 1_250_000_000L)
                .addAllAttributes(List.of(attributes));
    }

    private static ResourceSpans resource(List<KeyValue> resource, Span... spans) {
        return ResourceSpans.newBuilder().setResource(Resource.newBuilder().addAllAttributes(resource))
                .addScopeSpans(ScopeSpans.newBuilder().addAllSpans(List.of(spans))).build();
    }

    @Test
    void aChatSpanBecomesAnEventWithEveryMappedField() {
        GenAiSpans.Mapped mapped = spans.map(List.of(resource(
                List.of(s("service.name", "gw-eu"), s("cloud.region", "eu-north-1")),
                span(1, s("gen_ai.operation.name", "chat"), s("gen_ai.provider.name", "aws.bedrock"),
                        s("gen_ai.request.model", "llama-3.1-70b"), s("gen_ai.response.model", "llama-3.1-70b-instruct"),
                        i("gen_ai.usage.input_tokens", 812), i("gen_ai.usage.output_tokens", 164),
                        i("gen_ai.usage.cache_read.input_tokens", 500), s("payback.use_case", "support"),
                        s("gen_ai.conversation.id", "conv-7")).build())));

        assertThat(mapped.events()).hasSize(1);
        InferenceEvent e = mapped.events().get(0);
        assertThat(e.getModelId()).isEqualTo("llama-3.1-70b-instruct");   // the response model wins
        assertThat(e.getProvider()).isEqualTo("aws.bedrock");
        assertThat(e.getInputTokens()).isEqualTo(812);
        assertThat(e.getCachedInputTokens()).isEqualTo(500);
        assertThat(e.getOutputTokens()).isEqualTo(164);
        assertThat(e.getSuccess()).isTrue();
        assertThat(e.getUseCase()).isEqualTo("support");
        assertThat(e.getTaskId()).isEqualTo("conv-7");
        assertThat(e.getGateway()).isEqualTo("gw-eu");
        assertThat(e.getRegion()).isEqualTo("eu-north-1");
        // event time is the span's end (start + 1.25 s), latency 1,250 ms
        assertThat(e.getEventTime()).isEqualTo(Instant.parse("2025-11-24T16:00:01.250Z"));
        assertThat(e.getLatencyMs()).isEqualTo(1250L);
        assertThat(e.getEventId()).isEqualTo("00000000000000000000000000000000-0000000000000001");
    }

    @Test
    void legacyNamesAndFallbacksAreUnderstood() {
        GenAiSpans.Mapped mapped = spans.map(List.of(resource(List.of(s("service.name", "litellm")),
                span(2, s("gen_ai.system", "openai"), s("gen_ai.request.model", "gpt-4o-mini"),
                        i("gen_ai.usage.prompt_tokens", 90), i("gen_ai.usage.completion_tokens", 10),
                        s("gen_ai.agent.name", "triage-agent")).build())));

        InferenceEvent e = mapped.events().get(0);
        assertThat(e.getProvider()).isEqualTo("openai");
        assertThat(e.getModelId()).isEqualTo("gpt-4o-mini");
        assertThat(e.getInputTokens()).isEqualTo(90);
        assertThat(e.getOutputTokens()).isEqualTo(10);
        // no payback.use_case: the agent name; no conversation id: the trace id
        assertThat(e.getUseCase()).isEqualTo("triage-agent");
        assertThat(e.getTaskId()).isEqualTo("00000000000000000000000000000000");
    }

    @Test
    void anErrorTypeOrAnErrorStatusIsAFailure() {
        GenAiSpans.Mapped mapped = spans.map(List.of(resource(List.of(s("service.name", "gw")),
                span(3, s("gen_ai.request.model", "m"), i("gen_ai.usage.input_tokens", 1), i("gen_ai.usage.output_tokens", 0),
                        s("error.type", "timeout")).build(),
                span(4, s("gen_ai.request.model", "m"), i("gen_ai.usage.input_tokens", 1), i("gen_ai.usage.output_tokens", 0))
                        .setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR)).build())));

        assertThat(mapped.events()).extracting(InferenceEvent::getSuccess).containsExactly(false, false);
        assertThat(mapped.events()).extracting(InferenceEvent::getErrorType).containsExactly("timeout", "span status ERROR");
        // and with no use-case attribute nor agent name, the service name is the use case
        assertThat(mapped.events().get(0).getUseCase()).isEqualTo("gw");
    }

    @Test
    void nonGenAiSpansAreIgnoredAndUnusableGenAiSpansRejectedWithTheReason() {
        GenAiSpans.Mapped mapped = spans.map(List.of(resource(List.of(),
                span(5, s("http.method", "GET")).build(),
                span(6, s("gen_ai.operation.name", "chat"), i("gen_ai.usage.input_tokens", 1),
                        i("gen_ai.usage.output_tokens", 1)).build(),
                span(7, s("gen_ai.request.model", "m")).build(),
                span(8, s("gen_ai.request.model", "m"), i("gen_ai.usage.input_tokens", -3),
                        i("gen_ai.usage.output_tokens", 1)).build())));

        assertThat(mapped.events()).isEmpty();
        assertThat(mapped.ignored()).isEqualTo(1);
        assertThat(mapped.rejections()).containsExactly(
                "span 0000000000000006: no gen_ai.response.model or gen_ai.request.model",
                "span 0000000000000007: no gen_ai.usage.input_tokens/output_tokens (or prompt_tokens/completion_tokens)",
                "span 0000000000000008: negative token counts (input -3, output 1)");
    }
}
