package io.carbonllm.payback.bench;

import io.carbonllm.payback.events.InferenceEvent;
import io.carbonllm.payback.schemas.registry.InMemorySchemaRegistryClient;
import io.carbonllm.payback.schemas.serde.AvroSerializer;
import io.carbonllm.payback.sdk.CloseReport;
import io.carbonllm.payback.sdk.PaybackTracker;
import io.carbonllm.payback.sdk.TrackerMetrics;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The caller-thread cost of {@link PaybackTracker#record} next to a raw {@link KafkaProducer#send} of the same event
 * with the same serializer ({@link AvroSerializer}, Confluent wire format, the same kind of registry client) and the
 * same producer settings, against the same broker.
 *
 * <p>Two regimes, both with the queue and the producer's buffer kept from filling (a full one measures the drop path
 * or {@code send}'s wait for buffer space instead):
 * <ul>
 *   <li>{@code pauseMicros=50}: paced, a few thousand calls a second, as a gateway records one event per LLM request;
 *       between calls the tracker's sender (and the producer's I/O thread) go idle;</li>
 *   <li>{@code pauseMicros=0}: back to back; the background threads stay busy. Every 1,024 calls, a queue deeper than
 *       50,000 (or a producer buffer with less than 16 MiB free) is left to drain.</li>
 * </ul>
 * Pauses and drains are JMH {@code Level.Invocation} setups, outside the measured time.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-Dlogback.configurationFile=" + RunBenchmarks.LOGBACK_CONFIG})
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 4, time = 5)
@Threads(1)
public class RecordVsSendBenchmark {

    /** The pause before each call; parkNanos on Linux adds its timer slack (about 50 us) and a wake-up on top. */
    @State(Scope.Thread)
    public static class Pace {
        @Param({"50", "0"})
        public long pauseMicros;

        @Setup(Level.Invocation)
        public void pause() {
            if (pauseMicros > 0) {
                LockSupport.parkNanos(pauseMicros * 1_000);
            }
        }
    }

    /** A tracker with its defaults (100,000-event queue, DROP_NEWEST), warmed: the schema is registered. */
    @State(Scope.Benchmark)
    public static class Tracker {
        PaybackTracker tracker;
        InferenceEvent event;
        private long startNanos;
        private long calls;
        private long drains;

        @Setup(Level.Trial)
        public void start() throws InterruptedException {
            event = BenchmarkEvents.event();
            tracker = PaybackTracker.builder().bootstrapServers(BenchStack.bootstrapServers())
                    .schemaRegistry(new InMemorySchemaRegistryClient()).gateway("gw-eu-1").build();
            tracker.record(event);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (tracker.metrics().sent() < 1 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            startNanos = System.nanoTime();
        }

        @Setup(Level.Invocation)
        public void drainIfDeep() throws InterruptedException {
            if ((++calls & 1023) == 0 && tracker.metrics().queueDepth() > 50_000) {
                drains++;
                while (tracker.metrics().queueDepth() > 0) {
                    Thread.sleep(1);
                }
            }
        }

        @TearDown(Level.Trial)
        public void stop() {
            double seconds = (System.nanoTime() - startNanos) / 1e9;
            CloseReport report = tracker.close(Duration.ofSeconds(30));
            TrackerMetrics m = tracker.metrics();
            System.out.printf("%n[tracker] %,d recorded (%,.0f/s), %,d sent, %,d dropped %s, %d undelivered at close, "
                            + "%d drain pauses, mean record-to-ack %.0f us%n", m.recorded(), m.recorded() / seconds,
                    m.sent(), m.droppedTotal(), m.dropped(), report.undelivered(), drains, m.meanSendLatencyMicros());
        }
    }

    /** A raw producer with the tracker's producer settings and the same serializer, warmed the same way. */
    @State(Scope.Benchmark)
    public static class RawProducer {
        KafkaProducer<String, InferenceEvent> producer;
        InferenceEvent event;
        private long startNanos;
        private long calls;
        private long drains;
        private Metric bufferAvailable;

        @Setup(Level.Trial)
        public void start() throws Exception {
            event = BenchmarkEvents.event();
            producer = new KafkaProducer<>(BenchStack.trackerProducerDefaults(BenchStack.bootstrapServers()),
                    new StringSerializer(), new AvroSerializer<>(new InMemorySchemaRegistryClient(), false));
            // The first metadata fetch can take longer than max.block.ms (250 ms, as the tracker has it): retried here,
            // as the tracker's sender retries it, outside the measurement
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (true) {
                try {
                    producer.send(new ProducerRecord<>(BenchStack.TOPIC, event.getUseCase(), event)).get(30, TimeUnit.SECONDS);
                    break;
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof RetriableException) || System.nanoTime() > deadline) {
                        throw e;
                    }
                }
            }
            bufferAvailable = producer.metrics().entrySet().stream()
                    .filter(e -> e.getKey().name().equals("buffer-available-bytes")).map(Map.Entry::getValue)
                    .findFirst().orElseThrow();
            startNanos = System.nanoTime();
        }

        @Setup(Level.Invocation)
        public void drainIfFull() {
            if ((++calls & 1023) == 0 && ((Number) bufferAvailable.metricValue()).doubleValue() < 16 * 1024 * 1024) {
                drains++;
                producer.flush();
            }
        }

        @TearDown(Level.Trial)
        public void stop() {
            double seconds = (System.nanoTime() - startNanos) / 1e9;
            producer.flush();
            Map<MetricName, ? extends Metric> metrics = producer.metrics();
            double sends = ((Number) metric(metrics, "record-send-total")).doubleValue();
            System.out.printf("%n[raw producer] %,.0f sent (%,.0f/s), buffer wait %s ns, metadata wait %s ns, "
                            + "errors %s, %d drain pauses%n", sends, sends / seconds,
                    metric(metrics, "bufferpool-wait-time-ns-total"), metric(metrics, "metadata-wait-time-ns-total"),
                    metric(metrics, "record-error-total"), drains);
            producer.close(Duration.ofSeconds(30));
        }

        private static Object metric(Map<MetricName, ? extends Metric> metrics, String name) {
            return metrics.entrySet().stream()
                    .filter(e -> e.getKey().name().equals(name) && e.getKey().group().equals("producer-metrics"))
                    .map(e -> e.getValue().metricValue()).findFirst().orElse("n/a");
        }
    }

    /** What a gateway that already has the event pays per request. */
    @Benchmark
    public boolean trackerRecord(Tracker t, Pace pace) {
        return t.tracker.record(t.event);
    }

    /** What a gateway using the fluent API pays: building the event (Avro builder, a random UUID, the clock) too. */
    @Benchmark
    public boolean trackerRequestRecord(Tracker t, Pace pace) {
        return t.tracker.request().useCase("support-summarize").model("llama-3.1-8b-support-ft").provider("vllm")
                .region("eu-north-1").taskId("conv-42").inputTokens(812).outputTokens(164).success(true)
                .latency(Duration.ofMillis(420)).record();
    }

    /** The baseline: serialization (registry lookup cached after the first) and the producer's append, on the caller. */
    @Benchmark
    public Future<RecordMetadata> rawProducerSend(RawProducer p, Pace pace) {
        return p.producer.send(new ProducerRecord<>(BenchStack.TOPIC, p.event.getUseCase(), p.event));
    }
}
