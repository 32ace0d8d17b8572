package io.carbonllm.payback.sdk;

/**
 * What {@link PaybackTracker#close(java.time.Duration)} could and could not deliver.
 *
 * @param delivered   events acknowledged by Kafka over the tracker's life
 * @param undelivered events still queued or in flight when the timeout ran out (counted as
 *                    {@link DropCause#NOT_DELIVERED_AT_CLOSE})
 */
public record CloseReport(long delivered, long undelivered) {

    /** Everything recorded was delivered or dropped for a counted cause before the timeout. */
    public boolean complete() {
        return undelivered == 0;
    }
}
