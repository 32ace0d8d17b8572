/**
 * Optional Micrometer support for the producer SDK: {@link io.carbonllm.payback.sdk.micrometer.PaybackTrackerMetrics}
 * binds a tracker's metrics to a {@code MeterRegistry}. In its own artifact,
 * {@code io.carbonllm:payback-producer-sdk-micrometer}, so that the SDK carries no Micrometer.
 *
 * <pre>{@code
 * PaybackTracker tracker = PaybackTracker.builder()
 *         .bootstrapServers("broker:9092")
 *         .schemaRegistryUrl("http://registry:8081")
 *         .build();
 * new PaybackTrackerMetrics(tracker, Tags.of("gateway", "gw-eu-1")).bindTo(meterRegistry);
 * // payback.tracker.recorded, .sent, .dropped{cause}, .queue.depth, ... read the tracker on each scrape
 * }</pre>
 */
package io.carbonllm.payback.sdk.micrometer;
