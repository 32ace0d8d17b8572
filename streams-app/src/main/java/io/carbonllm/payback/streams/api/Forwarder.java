package io.carbonllm.payback.streams.api;

import io.carbonllm.payback.streams.query.Unavailable;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Asks another instance, over HTTP(S) with the JDK client. Each call has the configured timeout; a request it sends
 * carries {@link #FORWARDED} (naming this instance), so the receiver answers from its own stores and never forwards
 * it again. The caller's {@code Authorization} header goes along: every instance shares the auth config.
 */
final class Forwarder {

    /** Marks a request one instance sent another: answer locally, never forward. Its value names the sender. */
    static final String FORWARDED = "X-Payback-Forwarded";
    /** On every answer from stores: the instance ({@code application.server}) whose stores answered. */
    static final String SERVED_BY = "X-Payback-Served-By";

    /** What the other instance answered. */
    record Answer(HostInfo from, int status, byte[] body, String contentType, String retryAfter, String servedBy) {
    }

    private final HttpClient client;
    private final String scheme;
    private final String self;
    private final Duration timeout;

    Forwarder(boolean tls, SSLContext sslContext, String self, Duration timeout) {
        HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER);
        if (sslContext != null) {
            builder.sslContext(sslContext);
        }
        this.client = builder.build();
        this.scheme = tls ? "https" : "http";
        this.self = self;
        this.timeout = timeout;
    }

    /** GET {@code pathAndQuery} on {@code target}; {@link Unavailable} when it does not answer within the timeout. */
    Answer get(HostInfo target, String pathAndQuery, String authorization) {
        return await(target, send(target, pathAndQuery, authorization), System.nanoTime() + timeout.toNanos());
    }

    /** The same GET to every target at once, one call each, all within one timeout. */
    Map<HostInfo, Answer> getAll(List<HostInfo> targets, String pathAndQuery, String authorization) {
        Map<HostInfo, CompletableFuture<HttpResponse<byte[]>>> calls = new LinkedHashMap<>();
        for (HostInfo target : targets) {
            calls.put(target, send(target, pathAndQuery, authorization));
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<HostInfo, Answer> answers = new LinkedHashMap<>();
        try {
            for (Map.Entry<HostInfo, CompletableFuture<HttpResponse<byte[]>>> call : calls.entrySet()) {
                answers.put(call.getKey(), await(call.getKey(), call.getValue(), deadline));
            }
        } finally {
            calls.values().forEach(f -> f.cancel(true));
        }
        return answers;
    }

    private CompletableFuture<HttpResponse<byte[]>> send(HostInfo target, String pathAndQuery, String authorization) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(target, pathAndQuery)).timeout(timeout).GET()
                .header(FORWARDED, self).header("Accept", "application/json");
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private Answer await(HostInfo target, CompletableFuture<HttpResponse<byte[]>> call, long deadline) {
        try {
            HttpResponse<byte[]> response = call.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            return new Answer(target, response.statusCode(), response.body(),
                    response.headers().firstValue("Content-Type").orElse("application/json"),
                    response.headers().firstValue("Retry-After").orElse(null),
                    response.headers().firstValue(SERVED_BY).orElse(null));
        } catch (TimeoutException e) {
            call.cancel(true);
            throw new Unavailable(Unavailable.OWNER_UNAVAILABLE, "instance " + describe(target) + " did not answer within "
                    + timeout.toMillis() + " ms", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            String why = cause instanceof HttpTimeoutException ? "did not answer within " + timeout.toMillis() + " ms"
                    : cause instanceof IOException ? "cannot be reached (" + cause.getClass().getSimpleName() + ")"
                    : "failed (" + cause + ")";
            throw new Unavailable(Unavailable.OWNER_UNAVAILABLE, "instance " + describe(target) + " " + why, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable(Unavailable.OWNER_UNAVAILABLE, "interrupted while asking " + describe(target), e);
        }
    }

    private URI uri(HostInfo target, String pathAndQuery) {
        return URI.create(scheme + "://" + describe(target) + pathAndQuery);
    }

    static String describe(HostInfo host) {
        String h = host.host();
        return (h.contains(":") && !h.startsWith("[") ? "[" + h + "]" : h) + ":" + host.port();
    }
}
