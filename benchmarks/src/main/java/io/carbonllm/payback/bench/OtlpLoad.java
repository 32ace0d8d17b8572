package io.carbonllm.payback.bench;

import io.carbonllm.payback.otlp.OtlpHttpEndpoint;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Posts the same OTLP JSON batch over and over from a few client threads (keep-alive HTTP/1.1 connections), and counts
 * what the endpoint took in a measured window after a warm-up; bounded in time, loopback only.
 */
final class OtlpLoad {

    /** What the measured window came to; {@code serverCpuSeconds} is the server process's CPU time in the window. */
    record Result(long accepted, long partial, long unavailable, long failed, long spans, double seconds,
                  double serverCpuSeconds) {

        double spansPerSecond() {
            return spans / seconds;
        }

        double spansPerCpuSecond() {
            return serverCpuSeconds > 0 ? spans / serverCpuSeconds : Double.NaN;
        }
    }

    private final LongAdder accepted = new LongAdder();
    private final LongAdder partial = new LongAdder();
    private final LongAdder unavailable = new LongAdder();
    private final LongAdder failed = new LongAdder();

    private OtlpLoad() {
    }

    static Result run(int port, byte[] body, int spansPerBatch, int clients, Duration warmup, Duration window,
                      ProcessHandle server) throws InterruptedException {
        OtlpLoad load = new OtlpLoad();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + OtlpHttpEndpoint.PATH))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            Thread t = new Thread(() -> load.post(http, request, stop), "otlp-load-" + i);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        Thread.sleep(warmup.toMillis());
        long ok0 = load.accepted.sum();
        long partial0 = load.partial.sum();
        long unavailable0 = load.unavailable.sum();
        long failed0 = load.failed.sum();
        double cpu0 = cpuSeconds(server);
        long start = System.nanoTime();
        Thread.sleep(window.toMillis());
        long ok = load.accepted.sum() - ok0;
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpu = cpuSeconds(server) - cpu0;
        Result result = new Result(ok, load.partial.sum() - partial0, load.unavailable.sum() - unavailable0,
                load.failed.sum() - failed0, ok * spansPerBatch, seconds, cpu);
        stop.set(true);
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(35));
        }
        return result;
    }

    private void post(HttpClient http, HttpRequest request, AtomicBoolean stop) {
        while (!stop.get()) {
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200 && !response.body().contains("partialSuccess")) {
                    accepted.increment();
                } else if (response.statusCode() == 200) {
                    partial.increment();
                } else if (response.statusCode() == 503) {
                    unavailable.increment();
                    Thread.sleep(10);
                } else {
                    failed.increment();
                }
            } catch (IOException e) {
                failed.increment();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static double cpuSeconds(ProcessHandle process) {
        return process.info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(Double.NaN);
    }
}
