package io.carbonllm.payback.otlp;

import io.carbonllm.payback.events.InferenceEvent;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Maps OpenTelemetry GenAI spans (semantic conventions for generative AI, docs/producer-sdk.md has the table) to
 * {@link InferenceEvent}s. A span is a GenAI span if it carries any {@code gen_ai.*} attribute; others are counted
 * and ignored. A GenAI span without a model or token counts is rejected, with the reason.
 */
public final class GenAiSpans {

    /** What one export request came to. */
    public record Mapped(List<InferenceEvent> events, int ignored, List<String> rejections) {
    }

    private final String useCaseAttribute;
    private final String taskIdAttribute;

    /**
     * @param useCaseAttribute the attribute naming the use case (then {@code gen_ai.agent.name}, then the service name)
     * @param taskIdAttribute  the attribute naming the task (else the trace id)
     */
    public GenAiSpans(String useCaseAttribute, String taskIdAttribute) {
        this.useCaseAttribute = useCaseAttribute;
        this.taskIdAttribute = taskIdAttribute;
    }

    public Mapped map(List<ResourceSpans> resourceSpans) {
        List<InferenceEvent> events = new ArrayList<>();
        List<String> rejections = new ArrayList<>();
        int ignored = 0;
        for (ResourceSpans rs : resourceSpans) {
            Map<String, AnyValue> resource = attributes(rs.getResource().getAttributesList());
            for (ScopeSpans scope : rs.getScopeSpansList()) {
                for (Span span : scope.getSpansList()) {
                    Map<String, AnyValue> attrs = attributes(span.getAttributesList());
                    if (attrs.keySet().stream().noneMatch(k -> k.startsWith("gen_ai."))) {
                        ignored++;
                        continue;
                    }
                    String problem = problem(attrs);
                    if (problem != null) {
                        rejections.add("span " + hex(span.getSpanId().toByteArray()) + ": " + problem);
                        continue;
                    }
                    events.add(event(span, attrs, resource));
                }
            }
        }
        return new Mapped(events, ignored, rejections);
    }

    private static String problem(Map<String, AnyValue> attrs) {
        if (text(attrs, "gen_ai.response.model") == null && text(attrs, "gen_ai.request.model") == null) {
            return "no gen_ai.response.model or gen_ai.request.model";
        }
        Long in = inputTokens(attrs);
        Long out = outputTokens(attrs);
        if (in == null || out == null) {
            return "no gen_ai.usage.input_tokens/output_tokens (or prompt_tokens/completion_tokens)";
        }
        if (in < 0 || out < 0) {
            return "negative token counts (input " + in + ", output " + out + ")";
        }
        Long cached = number(attrs, "gen_ai.usage.cache_read.input_tokens");
        if (cached != null && (cached < 0 || cached > in)) {
            return "gen_ai.usage.cache_read.input_tokens " + cached + " is not within [0, input tokens " + in + "]";
        }
        return null;
    }

    private InferenceEvent event(Span span, Map<String, AnyValue> attrs, Map<String, AnyValue> resource) {
        String service = text(resource, "service.name");
        String useCase = first(text(attrs, useCaseAttribute), text(resource, useCaseAttribute),
                text(attrs, "gen_ai.agent.name"), service, "unknown");
        String taskId = first(text(attrs, taskIdAttribute), hex(span.getTraceId().toByteArray()));
        Long cached = number(attrs, "gen_ai.usage.cache_read.input_tokens");
        String error = text(attrs, "error.type");
        boolean failed = error != null || span.getStatus().getCode() == Status.StatusCode.STATUS_CODE_ERROR;
        long startNanos = span.getStartTimeUnixNano();
        long endNanos = span.getEndTimeUnixNano();
        return InferenceEvent.newBuilder()
                .setEventId(hex(span.getTraceId().toByteArray()) + "-" + hex(span.getSpanId().toByteArray()))
                .setEventTime(Instant.ofEpochSecond(0, endNanos))
                .setGateway(first(service, "otlp"))
                .setUseCase(useCase)
                .setTaskId(taskId)
                .setModelId(first(text(attrs, "gen_ai.response.model"), text(attrs, "gen_ai.request.model")))
                .setProvider(first(text(attrs, "gen_ai.provider.name"), text(attrs, "gen_ai.system")))
                .setInputTokens(inputTokens(attrs))
                .setCachedInputTokens(cached == null ? 0 : cached)
                .setOutputTokens(outputTokens(attrs))
                .setSuccess(!failed)
                .setErrorType(failed ? first(error, "span status ERROR") : null)
                .setLatencyMs(endNanos > startNanos ? (endNanos - startNanos) / 1_000_000 : null)
                .setRegion(first(text(attrs, "cloud.region"), text(resource, "cloud.region")))
                .build();
    }

    private static Long inputTokens(Map<String, AnyValue> attrs) {
        Long in = number(attrs, "gen_ai.usage.input_tokens");
        return in != null ? in : number(attrs, "gen_ai.usage.prompt_tokens");
    }

    private static Long outputTokens(Map<String, AnyValue> attrs) {
        Long out = number(attrs, "gen_ai.usage.output_tokens");
        return out != null ? out : number(attrs, "gen_ai.usage.completion_tokens");
    }

    private static Map<String, AnyValue> attributes(List<KeyValue> list) {
        Map<String, AnyValue> map = new HashMap<>(list.size() * 2);
        for (KeyValue kv : list) {
            map.put(kv.getKey(), kv.getValue());
        }
        return map;
    }

    private static String text(Map<String, AnyValue> attrs, String key) {
        AnyValue v = attrs.get(key);
        if (v == null) {
            return null;
        }
        String s = switch (v.getValueCase()) {
            case STRING_VALUE -> v.getStringValue();
            case INT_VALUE -> Long.toString(v.getIntValue());
            default -> null;
        };
        return s == null || s.isBlank() ? null : s;
    }

    /** An integer attribute; also accepted as a double with no fraction or a numeric string, as some emitters send. */
    private static Long number(Map<String, AnyValue> attrs, String key) {
        AnyValue v = attrs.get(key);
        if (v == null) {
            return null;
        }
        return switch (v.getValueCase()) {
            case INT_VALUE -> v.getIntValue();
            case DOUBLE_VALUE -> v.getDoubleValue() == Math.rint(v.getDoubleValue()) ? (long) v.getDoubleValue() : null;
            case STRING_VALUE -> {
                try {
                    yield Long.parseLong(v.getStringValue().trim());
                } catch (NumberFormatException e) {
                    yield null;
                }
            }
            default -> null;
        };
    }

    private static String first(String... values) {
        for (String v : values) {
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
