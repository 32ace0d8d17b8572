package io.carbonllm.payback.otlp;

/**
 * The receiver's settings.
 *
 * @param host             the address to bind (default 127.0.0.1: exporters' default endpoint is localhost:4318)
 * @param port             4318, the OTLP/HTTP convention; 0 picks a free port
 * @param maxBodyBytes     larger bodies (after gzip) get 413
 * @param bearerToken      when set, requests must carry {@code Authorization: Bearer <token>}
 * @param useCaseAttribute the span or resource attribute naming the use case
 * @param taskIdAttribute  the span attribute naming the task (else the trace id)
 * @param threads          request-handling threads
 */
public record OtlpConfig(String host, int port, int maxBodyBytes, String bearerToken, String useCaseAttribute,
                         String taskIdAttribute, int threads) {

    public static final int DEFAULT_PORT = 4318;

    public OtlpConfig {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("OTLP port must be in [0, 65535], got " + port);
        }
        if (maxBodyBytes < 1024) {
            throw new IllegalArgumentException("OTLP max body must be at least 1024 bytes, got " + maxBodyBytes);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("OTLP threads must be at least 1, got " + threads);
        }
    }

    /** 127.0.0.1:4318, 4 MiB, no token, {@code payback.use_case}, {@code gen_ai.conversation.id}, 2 threads. */
    public static OtlpConfig defaults() {
        return new OtlpConfig("127.0.0.1", DEFAULT_PORT, 4 * 1024 * 1024, null, "payback.use_case",
                "gen_ai.conversation.id", 2);
    }

    public OtlpConfig withPort(int newPort) {
        return new OtlpConfig(host, newPort, maxBodyBytes, bearerToken, useCaseAttribute, taskIdAttribute, threads);
    }

    public OtlpConfig withBearerToken(String token) {
        return new OtlpConfig(host, port, maxBodyBytes, token, useCaseAttribute, taskIdAttribute, threads);
    }

    public OtlpConfig withMaxBodyBytes(int bytes) {
        return new OtlpConfig(host, port, bytes, bearerToken, useCaseAttribute, taskIdAttribute, threads);
    }
}
