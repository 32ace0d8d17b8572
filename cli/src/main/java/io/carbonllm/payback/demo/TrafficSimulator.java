package io.carbonllm.payback.demo;

import io.carbonllm.payback.events.InferenceEvent;
import io.carbonllm.payback.sdk.PaybackTracker;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plays gateway traffic for one use case through the producer SDK: each event picks a variant by traffic share and
 * draws its token counts and outcome from that variant's profile. Event time is the wall clock.
 */
public final class TrafficSimulator implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TrafficSimulator.class);
    private static final long TICK_MS = 100;
    private static final List<String> ERROR_TYPES = List.of("invalid_format", "timeout", "refusal", "hallucinated_field");

    private final PaybackTracker tracker;
    private final String useCase;
    private final Function<Instant, List<VariantProfile>> variants;
    private final double eventsPerSecond;
    private final Random random;
    private final Supplier<Instant> eventClock;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "traffic-simulator");
        t.setDaemon(true);
        return t;
    });
    private double owed;

    /**
     * @param variants   the variants in play at an event time (a story changes them over time)
     * @param eventClock the event time of the next event: the wall clock, or a compressed one
     */
    public TrafficSimulator(PaybackTracker tracker, String useCase, Function<Instant, List<VariantProfile>> variants,
                            double eventsPerSecond, long seed, Supplier<Instant> eventClock) {
        if (eventsPerSecond <= 0) {
            throw new IllegalArgumentException("eventsPerSecond must be positive: " + eventsPerSecond);
        }
        this.tracker = tracker;
        this.useCase = useCase;
        this.variants = variants;
        this.eventsPerSecond = eventsPerSecond;
        this.random = new Random(seed);
        this.eventClock = eventClock;
    }

    /** Steady traffic from fixed variants, in wall-clock event time. */
    public TrafficSimulator(PaybackTracker tracker, String useCase, List<VariantProfile> variants,
                            double eventsPerSecond, long seed, Clock clock) {
        this(tracker, useCase, time -> variants, eventsPerSecond, seed, clock::instant);
        if (variants.isEmpty()) {
            throw new IllegalArgumentException("at least one variant");
        }
    }

    public TrafficSimulator start() {
        scheduler.scheduleAtFixedRate(this::tick, 0, TICK_MS, TimeUnit.MILLISECONDS);
        return this;
    }

    private void tick() {
        try {
            owed += eventsPerSecond * TICK_MS / 1000.0;
            while (owed >= 1) {
                owed -= 1;
                // The SDK a gateway would embed: record() never blocks this thread; drops are in its metrics
                if (tracker.record(nextEvent(eventClock.get()))) {
                    sent.incrementAndGet();
                } else {
                    failed.incrementAndGet();
                }
            }
        } catch (RuntimeException e) {
            // Keep the schedule alive: a publish failure must not silently end the simulation.
            failed.incrementAndGet();
            log.warn("Simulator tick failed", e);
        }
    }

    /** One event at {@code time}, drawn from the profiles. */
    InferenceEvent nextEvent(Instant time) {
        VariantProfile variant = pick(variants.apply(time));
        long input = draw(variant.meanInputTokens());
        long cached = Math.round(input * variant.cachedInputShare());
        boolean success = random.nextDouble() < variant.successRate();
        return InferenceEvent.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setEventTime(time)
                .setGateway("demo-gateway")
                .setUseCase(useCase)
                .setModelId(variant.modelId())
                .setProvider("vllm")
                .setActiveParamsB(variant.activeParamsB())
                .setTotalParamsB(variant.totalParamsB())
                .setInputTokens(input)
                .setCachedInputTokens(cached)
                .setOutputTokens(draw(variant.meanOutputTokens()))
                .setSuccess(success)
                .setErrorType(success ? null : ERROR_TYPES.get(random.nextInt(ERROR_TYPES.size())))
                .setLatencyMs(200 + (long) (random.nextDouble() * 1800))
                .setRegion("eu-north-1")
                .setAttributes(variant.retrievalWh() == null ? Map.of("simulated", "true")
                        : Map.of("simulated", "true", "payback.retrieval.wh", Double.toString(variant.retrievalWh())))
                .build();
    }

    private VariantProfile pick(List<VariantProfile> variants) {
        double total = variants.stream().mapToDouble(VariantProfile::trafficShare).sum();
        double r = random.nextDouble() * total;
        for (VariantProfile v : variants) {
            r -= v.trafficShare();
            if (r < 0) {
                return v;
            }
        }
        return variants.get(variants.size() - 1);
    }

    /** A token count around {@code mean}, with a 20 % standard deviation, at least 1. */
    private long draw(int mean) {
        return Math.max(1, Math.round(mean * (1 + 0.2 * random.nextGaussian())));
    }

    /** Events the tracker accepted (queued). */
    public long sent() {
        return sent.get();
    }

    public long failed() {
        return failed.get();
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
