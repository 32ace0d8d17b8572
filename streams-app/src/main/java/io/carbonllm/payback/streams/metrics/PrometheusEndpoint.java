package io.carbonllm.payback.streams.metrics;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * What an HTTP server mounts at {@code GET /metrics}: the Prometheus text format of this instance's registry, with
 * the per-ledger gauges read afresh from the local stores at each scrape. Thread-safe; a scrape reads every local
 * ledger once, so it costs about as much as the ledger count.
 */
public final class PrometheusEndpoint {

    /** The Prometheus text exposition format, version 0.0.4: what {@link #scrape()} returns. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry;
    private final Runnable beforeScrape;

    PrometheusEndpoint(PrometheusMeterRegistry registry, Runnable beforeScrape) {
        this.registry = registry;
        this.beforeScrape = beforeScrape;
    }

    /** The body of a {@code GET /metrics} answer, in the text format of {@link #CONTENT_TYPE}. */
    public String scrape() {
        beforeScrape.run();
        return registry.scrape();
    }

    public String contentType() {
        return CONTENT_TYPE;
    }
}
