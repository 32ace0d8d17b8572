package io.carbonllm.payback.sdk.micrometer;

import io.carbonllm.payback.sdk.DropCause;
import io.carbonllm.payback.sdk.PaybackTracker;
import io.carbonllm.payback.sdk.TrackerMetrics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * Binds a {@link PaybackTracker}'s {@link TrackerMetrics} to a Micrometer registry: every getter becomes a
 * {@link FunctionCounter} (what only grows), a {@link Gauge} (what goes up and down) or a {@link TimeGauge} (send
 * latency), named {@value #PREFIX}..., read when the registry is scraped. Nothing is counted twice: the tracker keeps
 * the counts, the meters read them.
 *
 * <pre>{@code
 * PaybackTracker tracker = PaybackTracker.builder()...build();
 * new PaybackTrackerMetrics(tracker, Tags.of("gateway", "gw-eu-1")).bindTo(meterRegistry);
 * }</pre>
 *
 * <p>The meters, with their base units (docs/producer-sdk.md, "Micrometer"):
 * <ul>
 *   <li>{@code payback.tracker.recorded} (events), {@code payback.tracker.sent} (events),
 *       {@code payback.tracker.dropped} (events, tag {@code cause}: one counter per {@link DropCause}, in lower
 *       case), {@code payback.tracker.send.retries} (retries), {@code payback.tracker.spooled} (events): counters;</li>
 *   <li>{@code payback.tracker.queue.depth} (events), {@code payback.tracker.spool.depth} (events),
 *       {@code payback.tracker.spool.size} (bytes): gauges;</li>
 *   <li>{@code payback.tracker.send.latency.mean} and {@code payback.tracker.send.latency.max}: time gauges, in the
 *       registry's base time unit (seconds for most).</li>
 * </ul>
 *
 * <p>The meters refer to the tracker's metrics weakly, as Micrometer's own binders do: once the tracker is garbage,
 * they read NaN.
 */
public final class PaybackTrackerMetrics implements MeterBinder {

    /** What every meter's name starts with. */
    public static final String PREFIX = "payback.tracker.";

    /** The tag that tells the drop counters apart; its values are {@link DropCause} names in lower case. */
    public static final String CAUSE_TAG = "cause";

    private final TrackerMetrics metrics;
    private final Tags tags;

    /** The tracker's metrics, with no extra tags. */
    public PaybackTrackerMetrics(PaybackTracker tracker) {
        this(tracker, Tags.empty());
    }

    /** The tracker's metrics, each meter with {@code tags} (a gateway name, say) added. */
    public PaybackTrackerMetrics(PaybackTracker tracker, Iterable<Tag> tags) {
        this(Objects.requireNonNull(tracker, "tracker").metrics(), tags);
    }

    /** Any {@link TrackerMetrics}, each meter with {@code tags} added. */
    public PaybackTrackerMetrics(TrackerMetrics metrics, Iterable<Tag> tags) {
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.tags = Tags.of(Objects.requireNonNull(tags, "tags"));
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        counter(registry, "recorded", BaseUnits.EVENTS, "Events and runs accepted by record (queued)",
                TrackerMetrics::recorded);
        counter(registry, "sent", BaseUnits.EVENTS, "Events and runs acknowledged by Kafka (acks=all)",
                TrackerMetrics::sent);
        for (DropCause cause : DropCause.values()) {
            FunctionCounter.builder(PREFIX + "dropped", metrics, m -> m.dropped(cause))
                    .description("Events and runs not delivered, by cause").baseUnit(BaseUnits.EVENTS)
                    .tags(tags).tag(CAUSE_TAG, cause.name().toLowerCase(Locale.ROOT)).register(registry);
        }
        counter(registry, "send.retries", "retries", "Send attempts that failed and were retried (the broker away, "
                + "metadata missing, the registry unreachable)", TrackerMetrics::sendRetries);
        counter(registry, "spooled", BaseUnits.EVENTS, "Events written to the on-disk spool (every event, when it is on)",
                TrackerMetrics::spooled);
        gauge(registry, "queue.depth", BaseUnits.EVENTS, "Events waiting in the in-memory queue",
                TrackerMetrics::queueDepth);
        gauge(registry, "spool.depth", BaseUnits.EVENTS, "Events in the on-disk spool, not yet acknowledged",
                TrackerMetrics::spoolDepth);
        gauge(registry, "spool.size", BaseUnits.BYTES, "Bytes the on-disk spool's files take",
                TrackerMetrics::spoolBytes);
        FunctionTimer.builder(PREFIX + "send.latency", metrics, TrackerMetrics::sent,
                        TrackerMetrics::totalSendLatencyMicros, TimeUnit.MICROSECONDS)
                .description("Time from record to Kafka's acknowledgement (its rate gives the mean over any interval)")
                .tags(tags).register(registry);
        TimeGauge.builder(PREFIX + "send.latency.mean", metrics, TimeUnit.MICROSECONDS,
                        TrackerMetrics::meanSendLatencyMicros)
                .description("Time from record to Kafka's acknowledgement, mean over acknowledged events")
                .tags(tags).register(registry);
        TimeGauge.builder(PREFIX + "send.latency.max", metrics, TimeUnit.MICROSECONDS,
                        TrackerMetrics::maxSendLatencyMicros)
                .description("Time from record to Kafka's acknowledgement, the longest seen")
                .tags(tags).register(registry);
    }

    private void counter(MeterRegistry registry, String name, String unit, String description,
                         ToDoubleFunction<TrackerMetrics> value) {
        FunctionCounter.builder(PREFIX + name, metrics, value).description(description).baseUnit(unit).tags(tags)
                .register(registry);
    }

    private void gauge(MeterRegistry registry, String name, String unit, String description,
                       ToDoubleFunction<TrackerMetrics> value) {
        Gauge.builder(PREFIX + name, metrics, value).description(description).baseUnit(unit).tags(tags)
                .register(registry);
    }
}
