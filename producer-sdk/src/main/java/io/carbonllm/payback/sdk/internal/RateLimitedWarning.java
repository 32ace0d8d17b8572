package io.carbonllm.payback.sdk.internal;

import org.slf4j.Logger;

/**
 * A warning logged at most once per interval, with how many were held back since the last one: a broker refusing
 * every record (a missing ACL) at 1,000 events/s gives one line every 10 s, not a thousand stack traces a second.
 * The sender's thread only.
 */
final class RateLimitedWarning {

    private final Logger log;
    private final long intervalNanos;
    private long lastNanos;
    private long heldBack;

    RateLimitedWarning(Logger log, long intervalNanos) {
        this.log = log;
        this.intervalNanos = intervalNanos;
        this.lastNanos = System.nanoTime() - intervalNanos;
    }

    void warn(String message, Throwable cause) {
        long now = System.nanoTime();
        if (now - lastNanos < intervalNanos) {
            heldBack++;
            log.debug("Payback tracker: {}", message, cause);
            return;
        }
        lastNanos = now;
        if (heldBack > 0) {
            log.warn("Payback tracker: {} ({} more such since the last warning)", message, heldBack, cause);
        } else {
            log.warn("Payback tracker: {}", message, cause);
        }
        heldBack = 0;
    }
}
