package io.carbonllm.payback.otlp;

import com.google.protobuf.InvalidProtocolBufferException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.carbonllm.payback.events.InferenceEvent;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;
import java.util.zip.GZIPInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An OTLP/HTTP trace receiver ({@code POST /v1/traces}, binary protobuf or JSON, optionally gzip) that turns GenAI
 * spans into {@link InferenceEvent}s and hands them to a {@link Sink}: in production the producer SDK's tracker, so
 * nothing here waits on Kafka. It answers as an OTLP collector does: 200 with {@code partialSuccess} when spans were
 * rejected, 400 for a malformed body, 401 without the bearer token (when one is set), 405 for another method, 413 over
 * the size limit, 415 for another content type, and 503 with {@code Retry-After} when the tracker's queue is full.
 */
public final class OtlpHttpEndpoint implements AutoCloseable {

    /** Where events go: all of a request's events or none, so that a request is refused whole rather than half queued. */
    public interface Sink {
        /** Queues every one of {@code events}, or none of them and returns false (no room for all). */
        boolean offerAll(List<InferenceEvent> events);

        /** Why the sink would refuse {@code event} for good (a negative token count), or null. */
        String problem(InferenceEvent event);
    }

    public static final String PATH = "/v1/traces";
    private static final Logger log = LoggerFactory.getLogger(OtlpHttpEndpoint.class);
    private static final String PROTOBUF = "application/x-protobuf";
    private static final String JSON = "application/json";

    static {
        // The JDK server leaves Nagle's algorithm on: each response then waits ~40 ms for the client's delayed ACK,
        // which caps an exporter that sends one batch at a time at ~20 requests/s. Read once, when the JDK's server
        // classes load; a user's own -Dsun.net.httpserver.nodelay wins (./payback sets it too).
        System.getProperties().putIfAbsent("sun.net.httpserver.nodelay", "true");
    }

    private final OtlpConfig config;
    private final GenAiSpans spans;
    private final Sink sink;
    private final HttpServer server;
    private final ExecutorService executor;
    private final LongAdder accepted = new LongAdder();
    private final LongAdder ignored = new LongAdder();
    private final LongAdder rejected = new LongAdder();

    private OtlpHttpEndpoint(OtlpConfig config, Sink sink) throws IOException {
        this.config = config;
        this.spans = new GenAiSpans(config.useCaseAttribute(), config.taskIdAttribute());
        this.sink = sink;
        this.server = HttpServer.create(new InetSocketAddress(config.host(), config.port()), 64);
        this.executor = Executors.newFixedThreadPool(config.threads(), r -> {
            Thread t = new Thread(r, "otlp-ingest");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext(PATH, this::handle);
    }

    /** Compared in constant time: how long the comparison takes says nothing about the token. */
    private boolean authorized(String header) {
        return header != null && MessageDigest.isEqual(("Bearer " + config.bearerToken()).getBytes(StandardCharsets.UTF_8),
                header.getBytes(StandardCharsets.UTF_8));
    }

    /** Binds and starts; fails naming the address when it is taken. */
    public static OtlpHttpEndpoint start(OtlpConfig config, Sink sink) {
        try {
            OtlpHttpEndpoint endpoint = new OtlpHttpEndpoint(config, sink);
            endpoint.server.start();
            log.info("OTLP/HTTP trace receiver on http://{}:{}{}", config.host(), endpoint.port(), PATH);
            return endpoint;
        } catch (IOException e) {
            throw new IllegalStateException("Cannot listen for OTLP/HTTP on " + config.host() + ":" + config.port()
                    + " (" + e.getMessage() + "); choose another address with payback.otlp.port / --otlp-port", e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Spans turned into events and queued. */
    public long acceptedSpans() {
        return accepted.sum();
    }

    /** Spans without {@code gen_ai.*} attributes, ignored. */
    public long ignoredSpans() {
        return ignored.sum();
    }

    /** GenAI spans that could not become events (no model, no tokens, invalid values). */
    public long rejectedSpans() {
        return rejected.sum();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"POST".equals(exchange.getRequestMethod())) {
                exchange.getResponseHeaders().add("Allow", "POST");
                text(exchange, 405, "only POST " + PATH);
                return;
            }
            if (config.bearerToken() != null
                    && !authorized(exchange.getRequestHeaders().getFirst("Authorization"))) {
                text(exchange, 401, "missing or wrong bearer token");
                return;
            }
            String type = mediaType(exchange.getRequestHeaders().getFirst("Content-Type"));
            if (!PROTOBUF.equals(type) && !JSON.equals(type)) {
                text(exchange, 415, "Content-Type must be " + PROTOBUF + " or " + JSON + ", got " + type);
                return;
            }
            byte[] body = readBody(exchange);
            if (body == null) {
                text(exchange, 413, "body larger than " + config.maxBodyBytes() + " bytes");
                return;
            }
            ExportTraceServiceRequest request;
            try {
                request = JSON.equals(type) ? OtlpJson.parse(body) : ExportTraceServiceRequest.parseFrom(body);
            } catch (MalformedRequestException e) {
                text(exchange, 400, "malformed OTLP JSON: " + e.getMessage());
                return;
            } catch (InvalidProtocolBufferException e) {
                text(exchange, 400, "malformed OTLP protobuf: " + e.getMessage());
                return;
            }
            GenAiSpans.Mapped mapped = spans.map(request.getResourceSpansList());
            List<String> rejections = new ArrayList<>(mapped.rejections());
            List<InferenceEvent> valid = new ArrayList<>(mapped.events().size());
            for (InferenceEvent event : mapped.events()) {
                String problem = sink.problem(event);
                if (problem == null) {
                    valid.add(event);
                } else {
                    rejections.add("span " + event.getEventId() + ": " + problem);
                }
            }
            // All or none, atomically: two requests racing for the last room cannot both be half queued
            if (!valid.isEmpty() && !sink.offerAll(valid)) {
                exchange.getResponseHeaders().add("Retry-After", "5");
                text(exchange, 503, "the tracker's queue is full; retry later");
                return;
            }
            accepted.add(valid.size());
            ignored.add(mapped.ignored());
            rejected.add(rejections.size());
            respond(exchange, type, rejections);
        } catch (IOException e) {
            log.debug("OTLP request failed while reading or answering", e);
        }
    }

    private void respond(HttpExchange exchange, String type, List<String> rejections) throws IOException {
        ExportTraceServiceResponse.Builder response = ExportTraceServiceResponse.newBuilder();
        if (!rejections.isEmpty()) {
            response.setPartialSuccess(ExportTracePartialSuccess.newBuilder().setRejectedSpans(rejections.size())
                    .setErrorMessage(String.join("; ", rejections.subList(0, Math.min(5, rejections.size())))
                            + (rejections.size() > 5 ? "; and " + (rejections.size() - 5) + " more" : "")));
        }
        byte[] bytes = JSON.equals(type) ? OtlpJson.response(response.build()) : response.build().toByteArray();
        exchange.getResponseHeaders().add("Content-Type", type);
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** The body, un-gzipped if sent so, or null when it (or what it inflates to) exceeds the limit. */
    private byte[] readBody(HttpExchange exchange) throws IOException {
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        if (length != null) {
            try {
                if (Long.parseLong(length.trim()) > config.maxBodyBytes()) {
                    return null;
                }
            } catch (NumberFormatException e) {
                // chunked or odd: the bounded read below decides
            }
        }
        InputStream in = exchange.getRequestBody();
        if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
            in = new GZIPInputStream(in);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            if (out.size() + n > config.maxBodyBytes()) {
                return null;
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    private static String mediaType(String contentType) {
        if (contentType == null) {
            return "(none)";
        }
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }

    private static void text(HttpExchange exchange, int status, String message) throws IOException {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(1);
        executor.shutdownNow();
    }
}
