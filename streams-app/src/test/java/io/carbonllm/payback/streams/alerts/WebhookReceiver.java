package io.carbonllm.payback.streams.alerts;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A real webhook receiver on 127.0.0.1 (the JDK's HttpServer): it records every request it gets, with the time it
 * arrived, and answers what {@code answer} says (a status; a handler may also block, to hold a request in flight).
 */
public final class WebhookReceiver implements AutoCloseable {

    /** One request as received. */
    public record Received(long nanos, String idempotencyKey, String authorization, String contentType, String body) {
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final List<Received> received = new ArrayList<>();
    private volatile Function<Received, Integer> answer;

    /** {@code answer} gets each request (and how many came before it, via {@link #count()}) and returns the status. */
    public WebhookReceiver(Function<Received, Integer> answer) throws IOException {
        this.answer = answer;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hook", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
    }

    public void answer(Function<Received, Integer> answer) {
        this.answer = answer;
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body;
        try (InputStream in = exchange.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Received request = new Received(System.nanoTime(), exchange.getRequestHeaders().getFirst("Idempotency-Key"),
                exchange.getRequestHeaders().getFirst("Authorization"),
                exchange.getRequestHeaders().getFirst("Content-Type"), body);
        synchronized (received) {
            received.add(request);
        }
        int status = answer.apply(request);
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
    }

    public List<Received> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    public int count() {
        synchronized (received) {
            return received.size();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
