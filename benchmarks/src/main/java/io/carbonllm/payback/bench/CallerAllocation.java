package io.carbonllm.payback.bench;

import io.carbonllm.payback.events.InferenceEvent;
import io.carbonllm.payback.schemas.registry.InMemorySchemaRegistryClient;
import io.carbonllm.payback.schemas.serde.AvroSerializer;
import io.carbonllm.payback.sdk.PaybackTracker;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Bytes allocated on the caller's thread per call, with the broker up. JMH's {@code -prof gc} counts every thread of
 * the JVM (the tracker's sender and the producer's I/O thread included): the whole in-process cost of delivering an
 * event. This counts only the thread that calls, with HotSpot's per-thread allocation counter, after a warm-up, in
 * chunks of 1,000 calls separated by a wait for the queue (or the producer's buffer) to drain, outside the count.
 */
public final class CallerAllocation {

    private static final int CHUNK = 1_000;
    private static final int WARMUP_CHUNKS = 200;
    private static final int MEASURED_CHUNKS = 200;

    private CallerAllocation() {
    }

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        InferenceEvent event = BenchmarkEvents.event();
        try (PaybackTracker tracker = PaybackTracker.builder().bootstrapServers(bootstrap)
                .schemaRegistry(new InMemorySchemaRegistryClient()).gateway("gw-eu-1").build();
             KafkaProducer<String, InferenceEvent> producer = new KafkaProducer<>(
                     BenchStack.trackerProducerDefaults(bootstrap), new StringSerializer(),
                     new AvroSerializer<>(new InMemorySchemaRegistryClient(), false))) {
            BooleanSupplier trackerDrained = () -> tracker.metrics().queueDepth() == 0;
            report("PaybackTracker.record(event)", () -> tracker.record(event), trackerDrained);
            report("PaybackTracker.request()...record()", () -> tracker.request().useCase("support-summarize")
                    .model("llama-3.1-8b-support-ft").provider("vllm").region("eu-north-1").taskId("conv-42")
                    .inputTokens(812).outputTokens(164).success(true).latency(Duration.ofMillis(420)).record(),
                    trackerDrained);
            report("KafkaProducer.send(record)", () -> {
                producer.send(new ProducerRecord<>(BenchStack.TOPIC, event.getUseCase(), event));
                return true;
            }, () -> {
                producer.flush();
                return true;
            });
        }
    }

    private static void report(String name, BooleanSupplier call, BooleanSupplier drained) throws InterruptedException {
        run(call, drained, WARMUP_CHUNKS);
        long bytes = run(call, drained, MEASURED_CHUNKS);
        System.out.printf("    %-38s %,8.1f bytes per call on the caller's thread%n", name,
                (double) bytes / (MEASURED_CHUNKS * CHUNK));
    }

    /** Allocated bytes on this thread during the calls only. */
    private static long run(BooleanSupplier call, BooleanSupplier drained, int chunks) throws InterruptedException {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long bytes = 0;
        for (int c = 0; c < chunks; c++) {
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < CHUNK; i++) {
                call.getAsBoolean();
            }
            bytes += threads.getCurrentThreadAllocatedBytes() - before;
            while (!drained.getAsBoolean()) {
                Thread.sleep(1);
            }
        }
        return bytes;
    }
}
