package io.carbonllm.payback.bench;

import io.carbonllm.payback.events.InferenceEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/** What the benchmarks send: one typical gateway event, and an OTLP JSON export of GenAI spans. */
public final class BenchmarkEvents {

    /** The use cases the OTLP batch spreads its spans over (the tracker keys by use case). */
    private static final String[] USE_CASES = {"support-summarize", "code-review", "search-answer", "triage"};

    private BenchmarkEvents() {
    }

    /** A chat request as a gateway reports it: the same instance is recorded and sent on every call. */
    public static InferenceEvent event() {
        return InferenceEvent.newBuilder()
                .setEventId("0b6c1f4e-2d0a-4c55-9a43-1d8f6f2a7b10")
                .setEventTime(Instant.parse("2026-11-27T12:00:00Z"))
                .setGateway("gw-eu-1")
                .setUseCase("support-summarize")
                .setTaskId("conv-42")
                .setModelId("llama-3.1-8b-support-ft")
                .setProvider("vllm")
                .setInputTokens(812)
                .setCachedInputTokens(0)
                .setOutputTokens(164)
                .setSuccess(true)
                .setLatencyMs(420L)
                .setRegion("eu-north-1")
                .setAttributes(Map.of())
                .build();
    }

    /**
     * An OTLP/HTTP JSON export ({@code ExportTraceServiceRequest}, ids in hex) of {@code spans} GenAI chat spans under
     * one resource, as the OpenTelemetry SDK batches them: provider, request and response model, token usage (some
     * with cached input), conversation id, use case; every tenth span failed with an {@code error.type}.
     */
    public static byte[] otlpJsonBatch(int spans) {
        StringBuilder json = new StringBuilder(spans * 900);
        json.append("{\"resourceSpans\":[{\"resource\":{\"attributes\":[")
                .append(attr("service.name", "litellm-proxy")).append(',')
                .append(attr("cloud.region", "eu-north-1"))
                .append("]},\"scopeSpans\":[{\"scope\":{\"name\":\"openllmetry\"},\"spans\":[");
        long start = 1_764_244_800_000_000_000L;
        for (int i = 0; i < spans; i++) {
            if (i > 0) {
                json.append(',');
            }
            long begin = start + i * 1_000_000_000L;
            json.append("{\"traceId\":\"").append(String.format("%032x", 0x5b8e_0000L + i / 4))
                    .append("\",\"spanId\":\"").append(String.format("%016x", 0xee00_0000L + i))
                    .append("\",\"name\":\"chat llama-3.1-8b-support-ft\",\"kind\":3")
                    .append(",\"startTimeUnixNano\":\"").append(begin)
                    .append("\",\"endTimeUnixNano\":\"").append(begin + 420_000_000L + i * 1_000_000L)
                    .append("\",\"attributes\":[")
                    .append(attr("gen_ai.operation.name", "chat")).append(',')
                    .append(attr("gen_ai.provider.name", "vllm")).append(',')
                    .append(attr("gen_ai.request.model", "llama-3.1-8b-support-ft")).append(',')
                    .append(attr("gen_ai.response.model", "llama-3.1-8b-support-ft")).append(',')
                    .append(intAttr("gen_ai.usage.input_tokens", 800 + i)).append(',')
                    .append(intAttr("gen_ai.usage.output_tokens", 150 + i % 50)).append(',')
                    .append(intAttr("gen_ai.usage.cache_read.input_tokens", i % 3 == 0 ? 512 : 0)).append(',')
                    .append(attr("gen_ai.conversation.id", "conv-" + i / 4)).append(',')
                    .append(attr("payback.use_case", USE_CASES[i % USE_CASES.length]));
            if (i % 10 == 9) {
                json.append(',').append(attr("error.type", "timeout"));
            }
            json.append("]}");
        }
        json.append("]}]}]}");
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String attr(String key, String value) {
        return "{\"key\":\"" + key + "\",\"value\":{\"stringValue\":\"" + value + "\"}}";
    }

    private static String intAttr(String key, long value) {
        return "{\"key\":\"" + key + "\",\"value\":{\"intValue\":\"" + value + "\"}}";
    }
}
