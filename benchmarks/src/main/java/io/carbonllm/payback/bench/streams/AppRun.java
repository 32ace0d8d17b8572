package io.carbonllm.payback.bench.streams;

import io.carbonllm.payback.streams.PaybackStreamsRunner;
import io.carbonllm.payback.streams.config.PaybackStreamsConfig;
import io.carbonllm.payback.streams.topics.RepartitionNames;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateRestoreListener;

/**
 * The streams app, in its own JVM, measured by itself. Usage: {@code AppRun process|restore app.properties}.
 * <ul>
 *   <li>{@code process}: starts the app on the loaded input and reports the time from RUNNING until its consumer
 *       group has committed the whole input and the repartition topic behind it, if any (exactly-once: within the
 *       last transaction marker), so events/s count what the app has durably done, not what it has read;</li>
 *   <li>{@code restore}: starts the app on a wiped state directory (the caller wiped it) and reports the time until
 *       RUNNING with every restoration begun also ended, and the records restored;</li>
 *   <li>{@code serve}: starts the app, reports its API's address once it is RUNNING, and runs until its standard
 *       input closes (the freshness measurement, {@link FreshnessRun}); then reports its peak RSS.</li>
 * </ul>
 */
public final class AppRun {

    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration PROGRESS = Duration.ofSeconds(10);

    private AppRun() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        Map<String, Object> config = new HashMap<>();
        Properties file = new Properties();
        try (InputStream in = Files.newInputStream(Path.of(args[1]))) {
            file.load(in);
        }
        file.forEach((k, v) -> config.put(k.toString(), v.toString()));
        PaybackStreamsConfig typed = new PaybackStreamsConfig(config);
        Restores restores = new Restores();
        long startNs = System.nanoTime();
        PaybackStreamsRunner app = new PaybackStreamsRunner(typed).onRestore(restores);
        if ("serve".equals(mode)) {
            app.installShutdownHook(); // SIGTERM leaves the group, as the app's own main does
        }
        try (PaybackStreamsRunner runner = app.start();
             Admin admin = Admin.create(Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                     typed.bootstrapServers()))) {
            if (!runner.awaitRunning(Duration.ofMinutes(5))) {
                throw new IllegalStateException("the app did not reach RUNNING in 5 minutes: " + runner.state(),
                        runner.fatalError());
            }
            long runningNs = System.nanoTime();
            var result = ChildResult.object();
            result.put("mode", mode);
            result.put("guarantee", typed.getString(PaybackStreamsConfig.PROCESSING_GUARANTEE_CONFIG));
            result.put("startToRunningSeconds", (runningNs - startNs) / 1e9);
            if ("serve".equals(mode)) {
                var serving = ChildResult.object();
                serving.put("mode", "serving");
                serving.put("apiBaseUrl", runner.api().baseUrl());
                serving.put("advertised", runner.api().advertised());
                ChildResult.print(serving);
                while (System.in.read() >= 0) {
                    // until the parent closes the pipe
                }
            } else if ("restore".equals(mode)) {
                while (restores.inProgress() > 0) {
                    Thread.sleep(POLL.toMillis());
                }
                long restoredNs = Math.max(runningNs, restores.lastEndNs());
                result.put("restoreSeconds", (restoredNs - startNs) / 1e9);
                result.put("restoredRecords", restores.records());
            } else {
                String input = typed.inferenceEventsTopic();
                List<String> internal = typed.inputPartitionedByUseCase() ? List.of()
                        : List.of(RepartitionNames.topic(typed.applicationId(), RepartitionNames.BY_USE_CASE));
                long events = awaitCommitted(admin, typed.applicationId(), input, internal);
                long doneNs = System.nanoTime();
                double seconds = (doneNs - runningNs) / 1e9;
                result.put("events", events);
                result.put("seconds", seconds);
                result.put("eventsPerSecond", events / seconds);
                result.put("eventsPerSecondFromStart", events / ((doneNs - startNs) / 1e9));
            }
            result.put("peakRssMib", ChildResult.peakRssMib());
            result.put("heapMaxMib", Runtime.getRuntime().maxMemory() / (1024.0 * 1024));
            ChildResult.print(result);
        }
    }

    /**
     * Waits until the group has committed every partition of {@code input} to its end, and every partition of the
     * {@code internal} topics to within one offset of their last stable offset (a transaction's commit marker takes
     * one); returns the input's record count.
     */
    private static long awaitCommitted(Admin admin, String group, String input, List<String> internal)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<TopicPartition, Long> inputEnds = ends(admin, List.of(input), IsolationLevel.READ_UNCOMMITTED);
        long events = inputEnds.values().stream().mapToLong(Long::longValue).sum();
        int stable = 0;
        long lastReport = System.nanoTime();
        while (stable < 2) {
            Thread.sleep(POLL.toMillis());
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            if (System.nanoTime() - lastReport > PROGRESS.toNanos()) {
                lastReport = System.nanoTime();
                long done = inputEnds.keySet().stream().filter(committed::containsKey)
                        .mapToLong(tp -> committed.get(tp).offset()).sum();
                System.out.printf("PROGRESS %,d of %,d input records committed%n", done, events);
                System.out.flush();
            }
            boolean done = inputEnds.entrySet().stream().allMatch(e -> committed.containsKey(e.getKey())
                    && committed.get(e.getKey()).offset() >= e.getValue());
            if (done) {
                Map<TopicPartition, Long> internalEnds = ends(admin, internal, IsolationLevel.READ_COMMITTED);
                done = internalEnds.entrySet().stream().allMatch(e -> e.getValue() == 0
                        || committed.containsKey(e.getKey()) && committed.get(e.getKey()).offset() >= e.getValue() - 1);
            }
            stable = done ? stable + 1 : 0;
        }
        return events;
    }

    private static Map<TopicPartition, Long> ends(Admin admin, Collection<String> topics, IsolationLevel isolation)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS).forEach((name, description) ->
                description.partitions().forEach(p -> request.put(new TopicPartition(name, p.partition()),
                        OffsetSpec.latest())));
        return admin.listOffsets(request, new ListOffsetsOptions(isolation)).all().get(30, TimeUnit.SECONDS)
                .entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    /** Counts the restorations of active tasks' stores: begun, ended, records, and when the last one ended. */
    private static final class Restores implements StateRestoreListener {
        private final AtomicLong begun = new AtomicLong();
        private final AtomicLong ended = new AtomicLong();
        private final AtomicLong records = new AtomicLong();
        private final AtomicLong lastEndNs = new AtomicLong();

        @Override
        public void onRestoreStart(TopicPartition partition, String store, long startingOffset, long endingOffset) {
            begun.incrementAndGet();
        }

        @Override
        public void onBatchRestored(TopicPartition partition, String store, long batchEndOffset, long restored) {
        }

        @Override
        public void onRestoreEnd(TopicPartition partition, String store, long totalRestored) {
            records.addAndGet(totalRestored);
            lastEndNs.set(System.nanoTime());
            ended.incrementAndGet();
        }

        long inProgress() {
            return begun.get() - ended.get();
        }

        long records() {
            return records.get();
        }

        long lastEndNs() {
            return lastEndNs.get();
        }
    }
}
