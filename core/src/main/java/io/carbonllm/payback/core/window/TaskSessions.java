package io.carbonllm.payback.core.window;

import io.carbonllm.payback.events.TaskOutcome;
import java.time.Duration;

/**
 * When requests that share a task id make one task, and when that task is final. No Kafka.
 *
 * <p>A task stays open while its requests come less than {@code gap} apart. It is <em>closed</em> once stream time
 * reaches its last request + gap + grace: from then on it is final, and it counts in the window that holds its close
 * time. So where a task lands depends on its own requests only, never on when the next record happened to arrive,
 * and a task closed at stream time {@code c} can never be late for a window that is still open at {@code c}.
 *
 * <p>One task per task id is open at a time. A request more than {@code gap} after the open task's last request
 * starts the next task, and the open one closes at once (so it counts in the window of that moment). A request
 * arriving out of order before the open task's first request joins it. A request is late, and goes to the DLQ rather
 * than start a task that was already counted without it, when its own task would already have closed
 * ({@code time + gap + grace <= stream time}), or when it comes within the gap of a task of its id that has closed.
 * A closed task is remembered as a {@linkplain #closedMarker marker} until no request can come within its gap without
 * being late on its own time: its last request + 2 x gap + grace.
 */
public final class TaskSessions {

    /** Where a request goes. */
    public enum Placement {
        /** Into the open task of its task id. */
        JOIN,
        /** Into a new task: none is open for its task id. */
        START,
        /** Into a new task, and the open one closes now: the request came more than the gap after it. */
        CLOSE_AND_START,
        /** Nowhere: its task would already have closed. */
        LATE
    }

    private final long gapMs;
    private final long graceMs;

    public TaskSessions(Duration gap, Duration grace) {
        this.gapMs = gap.toMillis();
        this.graceMs = grace.toMillis();
    }

    /**
     * @param open        the open task for the request's task id, or null
     * @param requestTime the request's event time
     * @param streamTime  stream time, the request included
     */
    public Placement place(TaskOutcome open, long requestTime, long streamTime) {
        if (open != null && isClosedMarker(open) && requestTime <= lastRequest(open) + gapMs) {
            return Placement.LATE;
        }
        if (open != null && !isClosedMarker(open)) {
            return requestTime > lastRequest(open) + gapMs ? Placement.CLOSE_AND_START : Placement.JOIN;
        }
        return closeTimeOf(requestTime) <= streamTime ? Placement.LATE : Placement.START;
    }

    /** What is kept of a closed task: its key and last request, no requests. */
    public TaskOutcome closedMarker(TaskOutcome task) {
        return TaskOutcome.newBuilder().setUseCase(task.getUseCase()).setModelId(task.getModelId())
                .setTaskId(task.getTaskId()).setRequests(0).setFirstEventTime(task.getFirstEventTime())
                .setLastEventTime(task.getLastEventTime()).build();
    }

    public static boolean isClosedMarker(TaskOutcome task) {
        return task.getRequests() == 0;
    }

    /**
     * When stream time next has to look at this entry: an open task's close time, or the time a closed task's marker
     * can be forgotten (its last request + 2 x gap + grace).
     */
    public long dueTime(TaskOutcome task) {
        return isClosedMarker(task) ? saturatedAdd(closeTime(task), gapMs) : closeTime(task);
    }

    /** The stream time at which the task is final: its last request + gap + grace. */
    public long closeTime(TaskOutcome task) {
        return closeTimeOf(lastRequest(task));
    }

    private long closeTimeOf(long lastRequest) {
        return saturatedAdd(saturatedAdd(lastRequest, gapMs), graceMs);
    }

    private static long lastRequest(TaskOutcome task) {
        return task.getLastEventTime().toEpochMilli();
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }
}
