package io.carbonllm.payback.bench.streams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.carbonllm.payback.events.CandidateDefinition;
import io.carbonllm.payback.events.ComparisonDefinition;
import io.carbonllm.payback.events.InferenceEvent;
import io.carbonllm.payback.events.PaybackStatus;
import io.carbonllm.payback.schemas.registry.HttpSchemaRegistryClient;
import io.carbonllm.payback.schemas.serde.AvroDeserializer;
import io.carbonllm.payback.schemas.serde.AvroSerializer;
import io.carbonllm.payback.sdk.PaybackTracker;
import io.carbonllm.payback.streams.window.UseCasePartitioner;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * P3, freshness: while live background traffic flows at a fixed rate, probes are recorded one at a time through the
 * gateway SDK ({@link PaybackTracker#record}) into a use case of their own, whose comparison's candidate counts every
 * probe as a successful task. Probe {@code i}'s latency is the time from its {@code record()} call until the first
 * {@code payback-status} record (read committed, as any consumer of an exactly-once app reads it) whose successful
 * tasks reach {@code i}, and separately until {@code GET /api/comparisons/{id}} answers so (polled every
 * {@link #API_POLL}, which bounds that figure's resolution). Everything runs against one app instance serving in its
 * own JVM ({@code AppRun serve}); the driver measures with one clock.
 */
final class FreshnessRun {

    static final String USE_CASE = "bench-probe";
    static final String COMPARISON = "bench-probe";
    static final String CANDIDATE = "ft";
    static final Duration API_POLL = Duration.ofMillis(20);
    private static final Duration WARM_UP = Duration.ofSeconds(20);
    private static final Duration SETTLE = Duration.ofSeconds(30);

    private final String bootstrap;
    private final String registryUrl;
    private final String inputTopic;
    private final String statusTopic;
    private final int partitions;
    private final int useCases;
    private final double taskShare;

    FreshnessRun(String bootstrap, String registryUrl, String inputTopic, String statusTopic, int partitions,
                 int useCases, double taskShare) {
        this.bootstrap = bootstrap;
        this.registryUrl = registryUrl;
        this.inputTopic = inputTopic;
        this.statusTopic = statusTopic;
        this.partitions = partitions;
        this.useCases = useCases;
        this.taskShare = taskShare;
    }

    /** The probes' comparison: the synthetic baseline against the fine-tune, which only probes use. */
    static ComparisonDefinition comparison() {
        return ComparisonDefinition.newBuilder().setComparisonId(COMPARISON).setUseCase(USE_CASE)
                .setBaselineModel(SyntheticLoad.BASELINE)
                .setCandidates(List.of(CandidateDefinition.newBuilder().setCandidateId(CANDIDATE)
                        .setModelId(SyntheticLoad.FINE_TUNE).build()))
                .build();
    }

    /**
     * Sends background traffic at {@code rate} events/s for the warm-up and the probes, and {@code probes} probes
     * {@code probeEvery} apart after the warm-up; returns the latencies' percentiles and what the background achieved.
     */
    ObjectNode measure(String apiBaseUrl, double rate, int probes, Duration probeEvery) throws Exception {
        long[] sentAt = new long[probes + 1];
        AtomicLongArray statusAt = new AtomicLongArray(probes + 1);
        AtomicLongArray apiAt = new AtomicLongArray(probes + 1);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong background = new AtomicLong();
        long backgroundStart = System.nanoTime();
        Thread sender = new Thread(() -> sendBackground(rate, stop, background), "freshness-background");
        Thread statusReader = new Thread(() -> readStatuses(probes, statusAt, stop), "freshness-status");
        Thread apiPoller = new Thread(() -> pollApi(apiBaseUrl, probes, apiAt, stop), "freshness-api");
        statusReader.start();
        sender.start();
        Thread.sleep(WARM_UP.toMillis());
        apiPoller.start();
        try (PaybackTracker tracker = PaybackTracker.builder().bootstrapServers(bootstrap).schemaRegistryUrl(registryUrl)
                .topic(inputTopic).gateway("bench-probe").build()) {
            for (int i = 1; i <= probes; i++) {
                InferenceEvent probe = probe(i);
                sentAt[i] = System.nanoTime();
                if (!tracker.record(probe)) {
                    throw new IllegalStateException("the SDK refused probe " + i);
                }
                if (i % Math.max(1, probes / 10) == 0) {
                    System.out.printf("\r    probes: %d of %d sent", i, probes);
                    System.out.flush();
                }
                Thread.sleep(probeEvery.toMillis());
            }
            long settleUntil = System.nanoTime() + SETTLE.toNanos();
            while (System.nanoTime() < settleUntil && (statusAt.get(probes) == 0 || apiAt.get(probes) == 0)) {
                Thread.sleep(50);
            }
        } finally {
            stop.set(true);
            sender.join();
            statusReader.join();
            apiPoller.join();
        }
        double backgroundSeconds = (System.nanoTime() - backgroundStart) / 1e9;
        System.out.println();
        ObjectNode result = ChildResult.object();
        result.put("targetRate", rate);
        result.put("backgroundEventsPerSecond", background.get() / backgroundSeconds);
        result.put("probes", probes);
        result.put("probeEveryMs", probeEvery.toMillis());
        result.set("status", percentiles(sentAt, statusAt));
        result.set("api", percentiles(sentAt, apiAt));
        result.put("apiPollMs", API_POLL.toMillis());
        return result;
    }

    private static InferenceEvent probe(int i) {
        return InferenceEvent.newBuilder().setEventId(UUID.randomUUID().toString()).setEventTime(Instant.now())
                .setGateway("bench-probe").setUseCase(USE_CASE).setModelId(SyntheticLoad.FINE_TUNE)
                .setProvider("vllm").setActiveParamsB(8.0).setTotalParamsB(8.0).setInputTokens(400L)
                .setCachedInputTokens(0L).setOutputTokens(200L).setSuccess(true).setLatencyMs(300L)
                .setRegion("eu-north-1").setAttributes(Map.of("probe", Integer.toString(i))).build();
    }

    /** Live synthetic traffic, event time now, keyed and partitioned by use case, paced every 10 ms. */
    private void sendBackground(double rate, AtomicBoolean stop, AtomicLong sent) {
        List<InferenceEvent> pool = new ArrayList<>();
        new SyntheticLoad(10_000, useCases, taskShare, Duration.ofHours(1), Instant.now(), 7).forEach(pool::add);
        String[] taskIds = pool.stream().map(InferenceEvent::getTaskId).toArray(String[]::new);
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        AvroSerializer<InferenceEvent> serializer = new AvroSerializer<>(new HttpSchemaRegistryClient(registryUrl), false);
        long start = System.nanoTime();
        int next = 0;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            while (!stop.get()) {
                long due = (long) ((System.nanoTime() - start) / 1e9 * rate);
                while (sent.get() < due) {
                    InferenceEvent event = pool.get(next % pool.size());
                    event.setEventTime(Instant.now());
                    // a task id is reused only within one pass over the pool: the next pass starts new tasks
                    if (taskIds[next % pool.size()] != null) {
                        event.setTaskId(taskIds[next % pool.size()] + "#" + next / pool.size());
                    }
                    next++;
                    producer.send(new ProducerRecord<>(inputTopic,
                            UseCasePartitioner.partitionOf(event.getUseCase(), partitions), null,
                            event.getUseCase().getBytes(StandardCharsets.UTF_8), serializer.serialize(inputTopic, event)));
                    sent.incrementAndGet();
                }
                Thread.sleep(10);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Every status of the probes' ledger, read committed from the end: when each probe count was first reached. */
    private void readStatuses(int probes, AtomicLongArray statusAt, AtomicBoolean stop) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        String key = COMPARISON + "/" + CANDIDATE;
        try (KafkaConsumer<String, PaybackStatus> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new AvroDeserializer<>(new HttpSchemaRegistryClient(registryUrl), PaybackStatus.class))) {
            List<TopicPartition> all = consumer.partitionsFor(statusTopic).stream()
                    .map(p -> new TopicPartition(statusTopic, p.partition())).toList();
            consumer.assign(all);
            consumer.seekToEnd(all);
            all.forEach(consumer::position); // resolve the end now, before any probe
            int reached = 0;
            while (!stop.get()) {
                for (ConsumerRecord<String, PaybackStatus> r : consumer.poll(Duration.ofMillis(5))) {
                    if (key.equals(r.key()) && r.value() != null) {
                        long now = System.nanoTime();
                        int count = (int) Math.min(probes, r.value().getSuccessfulTasks()
                                + r.value().getUnpricedSuccessfulTasks());
                        for (int i = reached + 1; i <= count; i++) {
                            statusAt.set(i, now);
                        }
                        reached = Math.max(reached, count);
                    }
                }
            }
        }
    }

    /** The API's answer for the probes' comparison, polled: when each probe count was first served. */
    private static void pollApi(String apiBaseUrl, int probes, AtomicLongArray apiAt, AtomicBoolean stop) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest get = HttpRequest.newBuilder(URI.create(apiBaseUrl + "/api/comparisons/" + COMPARISON))
                .timeout(Duration.ofSeconds(2)).GET().build();
        int reached = 0;
        while (!stop.get()) {
            try {
                HttpResponse<String> answer = http.send(get, HttpResponse.BodyHandlers.ofString());
                long now = System.nanoTime();
                if (answer.statusCode() == 200) {
                    JsonNode ledger = ChildResult.JSON.readTree(answer.body()).at("/candidates/0/ledger");
                    if (ledger.isObject()) {
                        int count = (int) Math.min(probes, ledger.path("successfulTasks").asLong()
                                + ledger.path("unpricedSuccessfulTasks").asLong());
                        for (int i = reached + 1; i <= count; i++) {
                            apiAt.set(i, now);
                        }
                        reached = Math.max(reached, count);
                    }
                }
                Thread.sleep(API_POLL.toMillis());
            } catch (IOException e) {
                throw new IllegalStateException("GET " + get.uri() + " failed", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** p50, p90, p99 and max in milliseconds over the probes seen, and how many were never seen. */
    private static ObjectNode percentiles(long[] sentAt, AtomicLongArray seenAt) {
        List<Double> millis = new ArrayList<>();
        int missing = 0;
        for (int i = 1; i < sentAt.length; i++) {
            long seen = seenAt.get(i);
            if (seen == 0) {
                missing++;
            } else {
                millis.add((seen - sentAt[i]) / 1e6);
            }
        }
        double[] sorted = millis.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        ObjectNode node = ChildResult.object();
        // in probe order, to show a trend (a backlog building up) that percentiles hide
        millis.forEach(m -> node.withArray("inOrderMs").add(Math.round(m)));
        node.put("seen", sorted.length);
        node.put("missing", missing);
        if (sorted.length > 0) {
            node.put("p50Ms", rank(sorted, 0.50));
            node.put("p90Ms", rank(sorted, 0.90));
            node.put("p99Ms", rank(sorted, 0.99));
            node.put("maxMs", sorted[sorted.length - 1]);
        }
        return node;
    }

    /** The nearest-rank percentile. */
    static double rank(double[] sorted, double p) {
        return sorted[Math.max(0, (int) Math.ceil(p * sorted.length) - 1)];
    }

    static String describe(JsonNode r) {
        return String.format("background %,.0f events/s; record() -> payback-status p50 %s, p99 %s, max %s (%d of %d); "
                        + "-> API p50 %s, p99 %s (%d of %d)", r.get("backgroundEventsPerSecond").asDouble(),
                ms(r.get("status"), "p50Ms"), ms(r.get("status"), "p99Ms"), ms(r.get("status"), "maxMs"),
                r.get("status").get("seen").asInt(), r.get("probes").asInt(), ms(r.get("api"), "p50Ms"),
                ms(r.get("api"), "p99Ms"), r.get("api").get("seen").asInt(), r.get("probes").asInt());
    }

    private static String ms(JsonNode node, String field) {
        return node.has(field) ? String.format("%.0f ms", node.get(field).asDouble()) : "-";
    }
}
