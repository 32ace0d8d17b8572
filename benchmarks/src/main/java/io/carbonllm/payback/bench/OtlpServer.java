package io.carbonllm.payback.bench;

import io.carbonllm.payback.events.InferenceEvent;
import io.carbonllm.payback.otlp.OtlpConfig;
import io.carbonllm.payback.otlp.OtlpHttpEndpoint;
import io.carbonllm.payback.otlp.TrackerSink;
import io.carbonllm.payback.schemas.registry.InMemorySchemaRegistryClient;
import io.carbonllm.payback.sdk.CloseReport;
import io.carbonllm.payback.sdk.PaybackTracker;
import io.carbonllm.payback.sdk.TrackerMetrics;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The OTLP endpoint under load, as its own JVM (the launcher pins it to one core): one request thread
 * ({@code OtlpConfig.threads = 1}), and either
 * <ul>
 *   <li>{@code tracker BOOTSTRAP}: the production path, a {@link PaybackTracker} with its defaults publishing to the
 *       broker, its sender and the producer's I/O thread on the same core; or</li>
 *   <li>{@code discard}: a sink that counts and drops, to see what the endpoint alone (HTTP, JSON, mapping) costs.</li>
 * </ul>
 * Prints {@code PORT n} once listening; on a line {@code STOP} on standard input, closes and prints what it did.
 */
public final class OtlpServer {

    private OtlpServer() {
    }

    public static void main(String[] args) throws IOException {
        boolean discard = args.length == 0 || "discard".equals(args[0]);
        PaybackTracker tracker = discard ? null : PaybackTracker.builder().bootstrapServers(args[1])
                .schemaRegistry(new InMemorySchemaRegistryClient()).gateway("otlp-bench").build();
        LongAdder discarded = new LongAdder();
        OtlpHttpEndpoint.Sink sink = discard ? new OtlpHttpEndpoint.Sink() {
            @Override
            public boolean offerAll(List<InferenceEvent> events) {
                discarded.add(events.size());
                return true;
            }

            @Override
            public String problem(InferenceEvent event) {
                return PaybackTracker.problemWith(event);
            }
        } : new TrackerSink(tracker);
        OtlpConfig defaults = OtlpConfig.defaults();
        OtlpConfig config = new OtlpConfig("127.0.0.1", 0, defaults.maxBodyBytes(), null, defaults.useCaseAttribute(),
                defaults.taskIdAttribute(), 1);
        OtlpHttpEndpoint endpoint = OtlpHttpEndpoint.start(config, sink);
        System.out.println("PORT " + endpoint.port());
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null && !"STOP".equals(line.trim()); line = in.readLine()) {
            // wait for STOP (or the launcher going away)
        }
        endpoint.close();
        String gcs = ManagementFactory.getGarbageCollectorMXBeans().stream().map(GarbageCollectorMXBean::getName)
                .collect(Collectors.joining(", "));
        long switches = contextSwitches();
        System.out.printf("    server (%d available processor(s), GC %s): %,d spans accepted, %,d rejected, %,d ignored; "
                        + "%s%n", Runtime.getRuntime().availableProcessors(), gcs, endpoint.acceptedSpans(),
                endpoint.rejectedSpans(), endpoint.ignoredSpans(), switches < 0 ? "context switches unknown"
                        : String.format("%,d thread context switches (%.2f per span)", switches,
                        (double) switches / Math.max(1, endpoint.acceptedSpans())));
        if (tracker != null) {
            CloseReport report = tracker.close(Duration.ofSeconds(60));
            TrackerMetrics m = tracker.metrics();
            System.out.printf("    tracker: %,d recorded, %,d sent to the broker, dropped %s, %d undelivered at close%n",
                    m.recorded(), m.sent(), m.dropped(), report.undelivered());
        } else {
            System.out.printf("    discarding sink: %,d events%n", discarded.sum());
        }
        System.out.println("STOPPED");
        System.out.flush();
    }

    /**
     * Voluntary and involuntary context switches of the live threads of this process since they started (Linux
     * {@code /proc/self/task/}*{@code /status}), or -1 where that cannot be read. A thread that parks and is woken
     * once per event shows here as about two switches per event.
     */
    private static long contextSwitches() {
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            long total = 0;
            for (Path task : tasks.toList()) {
                for (String line : Files.readAllLines(task.resolve("status"))) {
                    if (line.startsWith("voluntary_ctxt_switches:") || line.startsWith("nonvoluntary_ctxt_switches:")) {
                        total += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                    }
                }
            }
            return total;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
