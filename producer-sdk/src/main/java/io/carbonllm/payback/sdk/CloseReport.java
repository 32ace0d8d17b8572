package io.carbonllm.payback.sdk;

/**
 * What {@link PaybackTracker#close(java.time.Duration)} could and could not deliver.
 *
 * @param delivered   events acknowledged by Kafka over the tracker's life
 * @param undelivered events still queued or in flight when the timeout ran out (counted as
 *                    {@link DropCause#NOT_DELIVERED_AT_CLOSE}): lost
 * @param spooled     events left in the on-disk spool, not lost: the next tracker built on the same spool directory
 *                    sends them (0 when the spool is off)
 */
public record CloseReport(long delivered, long undelivered, long spooled) {

    /** Nothing was lost at close: everything recorded was delivered, dropped for a counted cause, or spooled. */
    public boolean complete() {
        return undelivered == 0;
    }
}
