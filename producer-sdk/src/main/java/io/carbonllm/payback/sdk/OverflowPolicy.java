package io.carbonllm.payback.sdk;

/** What {@link PaybackTracker#record} does when its queue is full. Either way the drop is counted. */
public enum OverflowPolicy {
    /** Keep what is queued; the new event is dropped. */
    DROP_NEWEST,
    /** Make room: the oldest queued event is dropped, the new one queued. */
    DROP_OLDEST
}
