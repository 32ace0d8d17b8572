package io.carbonllm.payback.streams.window;

import io.carbonllm.payback.core.window.TaskOutcomes;
import io.carbonllm.payback.core.window.TaskSessions;
import io.carbonllm.payback.core.window.VariantCounters;
import io.carbonllm.payback.events.TaskKey;
import io.carbonllm.payback.events.TaskOutcome;
import io.carbonllm.payback.events.VariantKey;
import io.carbonllm.payback.events.VariantStats;
import io.carbonllm.payback.events.VariantWindow;
import io.carbonllm.payback.streams.state.StoreNames;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.TimestampedWindowStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * Folds requests into tasks and adds tasks to their tumbling window, in one step on one partition, so that both see
 * the same stream time. (With the fold and the windows on two repartition paths, a catch-up let requests without a
 * task id race ahead of the folded tasks, which then arrived after their window's grace.)
 *
 * <p>For each request, in order: the tasks whose close time ({@link TaskSessions}) stream time has reached are added
 * to the window of their close time, oldest first, each forwarded with its close time; then the request is placed. A
 * request without a task id is a task of one request, added to its own window; one with a task id joins or starts
 * the open task of its id. A request too late for its window, or for its task, throws {@link LateRecordException}
 * before it changes any task or window (the tasks already due have closed by then, as they would have anyway), and
 * the processing exception handler sends it to the DLQ (stage {@code late}).
 *
 * <p>Every window revision is forwarded to the comparison engine as {@code <useCase, VariantWindow>} stamped with the
 * stream time it was made at, which never goes back: the engine closes windows by that time, and since a folded task
 * is added at its own close time, no revision can reach a window the engine has already closed. The
 * {@code variant-windows} topic gets the latest revision of each revised window once per publish interval (wall
 * clock), in the order of the stream times of their latest revisions, however many events revised it; the revised windows waiting for it
 * are in a store, so none is lost to a crash. With a zero interval every revision is published as it is made.
 */
public final class FoldAndWindow<K> implements Processor<K, TaskOutcome, String, VariantWindow> {

    private final TaskSessions sessions;
    private final long windowMs;
    private final long graceMs;
    private final Duration publishInterval;
    private final String engineChild;
    private final String sinkChild;
    private ProcessorContext<String, VariantWindow> context;
    private KeyValueStore<String, Long> pendingStore;
    /**
     * The windows revised since they were last published. {@link #pendingStore} holds each one's id from its first
     * revision on, with that revision's stream time; this map holds the latest.
     */
    private final Map<WindowId, Pending> pending = new HashMap<>();
    private KeyValueStore<TaskKey, TaskOutcome> openTasks;
    private KeyValueStore<String, TaskKey> closeIndex;
    /**
     * The keys of the close index as in {@link #closeIndex}, which is written through and read only at start: a scan
     * of the store opens a RocksDB iterator (over the record cache) and steps over the tombstones of the entries it
     * deleted before, which stay until compaction. Keys only (a key encodes its task): one entry per open task and per
     * closed marker, so about (task-id requests per second) x (2 x task gap + task grace) entries of some 100 bytes.
     * Ordered by code point, as RocksDB orders the keys' UTF-8 bytes.
     */
    private final TreeSet<String> dueTasks = new TreeSet<>(FoldAndWindow::compareCodePoints);
    private TimestampedWindowStore<VariantKey, VariantStats> windows;
    /**
     * The open windows revised since start, as in {@link #windows}: this processor is the store's only writer, so a
     * revision reads the window here rather than deserializing it from the store. A window past its grace is read
     * from the store again (which may have expired it), and its copy leaves as stream time passes each window size.
     */
    private final Map<WindowId, VariantStats> openWindows = new HashMap<>();
    /** No index entry is due before this (a lower bound: every put lowers it, a scan raises it). */
    private long nextDue;
    /** The stream time at which closed windows' copies next leave {@link #openWindows}. */
    private long nextForget;

    /** At most this many revised windows wait for the interval; one more publishes them all at once. */
    static final int MAX_PENDING = 10_000;

    /** One variant's window: a plain value key (an Avro key hashes by walking its schema). */
    private record WindowId(String useCase, String modelId, long start) {

        /** {@code start/<length>:useCase model}: unambiguous whatever the names hold. */
        String encode() {
            return start + "/" + useCase.length() + ":" + useCase + modelId;
        }

        static WindowId decode(String id) {
            int slash = id.indexOf('/');
            int colon = id.indexOf(':', slash);
            int useCaseEnd = colon + 1 + Integer.parseInt(id.substring(slash + 1, colon));
            return new WindowId(id.substring(colon + 1, useCaseEnd), id.substring(useCaseEnd),
                    Long.parseLong(id.substring(0, slash)));
        }
    }

    /** A revised window waiting to be published, with the stream time of its latest revision. */
    private record Pending(VariantKey key, String storeId, long streamTime) {
    }

    /**
     * @param publishInterval how often revised windows are published to {@code sinkChild}; zero publishes each
     *                        revision as it is made
     * @param engineChild     the comparison engine's node: every revision goes to it as it is made
     * @param sinkChild       the {@code variant-windows} sink's node
     */
    public FoldAndWindow(Duration taskGap, Duration taskGrace, Duration windowSize, Duration windowGrace,
                         Duration publishInterval, String engineChild, String sinkChild) {
        this.sessions = new TaskSessions(taskGap, taskGrace);
        this.windowMs = windowSize.toMillis();
        this.graceMs = windowGrace.toMillis();
        this.publishInterval = publishInterval;
        this.engineChild = engineChild;
        this.sinkChild = sinkChild;
    }

    @Override
    public void init(ProcessorContext<String, VariantWindow> context) {
        this.context = context;
        this.openTasks = context.getStateStore(StoreNames.OPEN_TASKS);
        this.closeIndex = context.getStateStore(StoreNames.TASK_CLOSE_INDEX);
        this.windows = context.getStateStore(StoreNames.VARIANT_WINDOWS);
        this.pendingStore = context.getStateStore(StoreNames.VARIANT_PENDING);
        // The in-memory views start from the stores as restored (after a crash, as of the last commit)
        openWindows.clear();
        nextForget = Long.MIN_VALUE;
        dueTasks.clear();
        try (KeyValueIterator<String, TaskKey> all = closeIndex.all()) {
            all.forEachRemaining(kv -> dueTasks.add(kv.key));
        }
        this.nextDue = dueTasks.isEmpty() ? Long.MAX_VALUE : timeOf(dueTasks.first());
        // Revisions committed before a stop (or a migration) but not yet published: published at the first interval
        pending.clear();
        try (KeyValueIterator<String, Long> all = pendingStore.all()) {
            all.forEachRemaining(kv -> {
                WindowId id = WindowId.decode(kv.key);
                VariantKey key = new VariantKey(id.useCase(), id.modelId());
                // the store keeps the first revision's time; the window keeps its latest
                ValueAndTimestamp<VariantStats> stored = windows.fetch(key, id.start());
                pending.put(id, new Pending(key, kv.key, stored == null ? kv.value : stored.timestamp()));
            });
        }
        if (!publishInterval.isZero()) {
            context.schedule(publishInterval, PunctuationType.WALL_CLOCK_TIME, wallClock -> publishPending());
        }
    }

    /** Once per window size of stream time, the copies of windows past their grace leave {@link #openWindows}. */
    private void forgetClosedWindows(long streamTime) {
        if (streamTime < nextForget) {
            return;
        }
        openWindows.keySet().removeIf(id -> closed(id, streamTime));
        nextForget = streamTime + windowMs;
    }

    /** How many open windows' copies are held (for tests of their bound). */
    int openWindowCopies() {
        return openWindows.size();
    }

    private boolean closed(WindowId id, long streamTime) {
        return id.start() + windowMs + graceMs <= streamTime;
    }

    /**
     * The latest revision of every window revised since the last interval, in the order of the stream times of those
     * revisions (then by window start).
     */
    private void publishPending() {
        if (pending.isEmpty()) {
            return;
        }
        List<Map.Entry<WindowId, Pending>> due = new ArrayList<>(pending.entrySet());
        due.sort(Comparator.comparingLong((Map.Entry<WindowId, Pending> e) -> e.getValue().streamTime())
                .thenComparingLong(e -> e.getKey().start()).thenComparing(e -> e.getValue().storeId()));
        for (Map.Entry<WindowId, Pending> entry : due) {
            WindowId id = entry.getKey();
            Pending p = entry.getValue();
            VariantStats stats = window(p.key(), id);
            // (gone only if the window outlived its retention while waiting, which an interval cannot)
            if (stats != null) {
                context.forward(new Record<>(id.useCase(), result(p.key(), id.start(), stats), p.streamTime()),
                        sinkChild);
            }
            pending.remove(id);
            pendingStore.delete(p.storeId());
        }
    }

    /**
     * The window as stored, from {@link #openWindows} while it is open; null if there is none. A window past its grace
     * is read from the store, which drops windows past their retention (as short as window + grace).
     */
    private VariantStats window(VariantKey key, WindowId id) {
        if (closed(id, context.currentStreamTimeMs())) {
            openWindows.remove(id);
        } else {
            VariantStats open = openWindows.get(id);
            if (open != null) {
                return open;
            }
        }
        ValueAndTimestamp<VariantStats> stored = windows.fetch(key, id.start());
        return stored == null ? null : stored.value();
    }

    @Override
    public void process(Record<K, TaskOutcome> record) {
        TaskOutcome request = record.value();
        if (request == null || request.getRequests() == 0) {
            return;
        }
        if (publishInterval.isZero() && !pending.isEmpty()) {
            publishPending(); // windows kept from a run with an interval: published before any later revision
        }
        long streamTime = context.currentStreamTimeMs();
        forgetClosedWindows(streamTime);
        closeTasksDue(streamTime);
        long time = record.timestamp();
        if (request.getTaskId() == null) {
            requireWindowOpen(request, time, streamTime);
            // (the variant from the value: the key is a VariantKey after the repartition, the gateway's without it)
            addToWindow(new VariantKey(request.getUseCase(), request.getModelId()), request, time, streamTime);
            return;
        }
        TaskKey taskKey = new TaskKey(request.getUseCase(), request.getModelId(), request.getTaskId());
        TaskOutcome open = openTasks.get(taskKey);
        switch (sessions.place(open, time, streamTime)) {
            case JOIN -> {
                unindex(indexKey(sessions.dueTime(open), taskKey));
                keepOpen(taskKey, TaskOutcomes.merge(open, request));
            }
            case START -> keepOpen(taskKey, request);
            case CLOSE_AND_START -> {
                // The open task ended more than a gap ago; it closes now, before the request starts the next one
                close(taskKey, open, streamTime);
                keepOpen(taskKey, request);
            }
            case LATE -> throw new LateRecordException("request of task " + request.getTaskId() + " of "
                    + request.getUseCase() + "/" + request.getModelId() + " at " + Instant.ofEpochMilli(time)
                    + (open != null && TaskSessions.isClosedMarker(open)
                    ? " belongs to a task that closed already (its last request was at "
                    + open.getLastEventTime() + ")"
                    : " is later than its task's close time " + Instant.ofEpochMilli(sessions.closeTime(request))
                    + " (last request + task gap + task grace)") + "; stream time is " + Instant.ofEpochMilli(streamTime));
        }
    }

    /**
     * Tasks whose close time stream time has reached, oldest first, each at its own close time. An index entry is only a
     * hint: it is removed as it is read, and the task it names is closed only if that task is still open and due by
     * the current task gap and grace (after a change to either, an entry may be stale: early, late, or for a task that
     * closed already). Entries are read in order, so the stamps never go back.
     */
    private void closeTasksDue(long streamTime) {
        if (streamTime < nextDue) {
            return;
        }
        List<String> due = new ArrayList<>();
        while (!dueTasks.isEmpty() && timeOf(dueTasks.first()) <= streamTime) {
            String entry = dueTasks.pollFirst();
            closeIndex.delete(entry);
            due.add(entry);
        }
        nextDue = dueTasks.isEmpty() ? Long.MAX_VALUE : timeOf(dueTasks.first()); // a put back lowers it (index)
        for (String entry : due) {
            TaskKey taskKey = taskKeyOf(entry);
            TaskOutcome task = openTasks.get(taskKey);
            if (task == null) {
                continue;
            }
            long dueTime = sessions.dueTime(task);
            if (dueTime > streamTime) {
                // not due after all: keep it indexed where it belongs
                index(dueTime, taskKey);
            } else if (TaskSessions.isClosedMarker(task)) {
                openTasks.delete(taskKey);
            } else {
                close(taskKey, task, timeOf(entry));
            }
        }
    }

    /** Closes an open task at stream time {@code at}: it counts in that window, and a marker remembers it closed. */
    private void close(TaskKey taskKey, TaskOutcome task, long at) {
        unindex(indexKey(sessions.dueTime(task), taskKey));
        TaskOutcome marker = sessions.closedMarker(task);
        openTasks.put(taskKey, marker);
        index(sessions.dueTime(marker), taskKey);
        addToWindow(new VariantKey(task.getUseCase(), task.getModelId()), task, at, at);
    }

    private void keepOpen(TaskKey taskKey, TaskOutcome task) {
        openTasks.put(taskKey, task);
        index(sessions.dueTime(task), taskKey);
    }

    private void index(long dueTime, TaskKey taskKey) {
        String key = indexKey(dueTime, taskKey);
        closeIndex.put(key, taskKey);
        dueTasks.add(key);
        nextDue = Math.min(nextDue, dueTime);
    }

    private void unindex(String indexKey) {
        if (dueTasks.remove(indexKey)) {
            closeIndex.delete(indexKey);
        }
    }

    private void requireWindowOpen(TaskOutcome task, long time, long streamTime) {
        long start = windowStart(time);
        if (start + windowMs + graceMs <= streamTime) {
            throw new LateRecordException("task of " + task.getUseCase() + "/" + task.getModelId() + " at "
                    + Instant.ofEpochMilli(time) + " missed window [" + Instant.ofEpochMilli(start) + ", "
                    + Instant.ofEpochMilli(start + windowMs) + "): it closed at "
                    + Instant.ofEpochMilli(start + windowMs + graceMs) + " (end + grace) and stream time is "
                    + Instant.ofEpochMilli(streamTime));
        }
    }

    private void addToWindow(VariantKey key, TaskOutcome task, long time, long at) {
        long start = windowStart(time);
        WindowId id = new WindowId(key.getUseCase(), key.getModelId(), start);
        VariantStats before = window(key, id);
        VariantStats stats = VariantCounters.add(before == null ? VariantCounters.empty() : before, task);
        windows.put(key, ValueAndTimestamp.make(stats, at), start);
        openWindows.put(id, stats);
        // <useCase, VariantWindow>: keyed by use case, like every external topic
        Record<String, VariantWindow> revised = new Record<>(key.getUseCase(), result(key, start, stats), at);
        context.forward(revised, engineChild);
        if (publishInterval.isZero()) {
            context.forward(revised, sinkChild);
            return;
        }
        Pending kept = pending.get(id);
        if (kept == null) {
            String storeId = id.encode();
            pendingStore.put(storeId, at); // once per window and interval: the window store keeps the latest time
            pending.put(id, new Pending(key, storeId, at));
        } else {
            pending.put(id, new Pending(key, kept.storeId(), at));
        }
        if (pending.size() > MAX_PENDING) {
            publishPending();
        }
    }

    private VariantWindow result(VariantKey key, long start, VariantStats stats) {
        return VariantCounters.result(key, Instant.ofEpochMilli(start), Instant.ofEpochMilli(start + windowMs), stats);
    }

    private long windowStart(long time) {
        return time - Math.floorMod(time, windowMs);
    }

    /**
     * Sorts by close time: 19 zero-padded digits, then the task key with each part length-prefixed, so no two
     * tasks share an entry.
     */
    static String indexKey(long closeTime, TaskKey key) {
        String digits = Long.toString(Math.max(0, closeTime));
        StringBuilder sb = new StringBuilder(64);
        sb.append("0000000000000000000", 0, 19 - digits.length()).append(digits);
        return part(part(part(sb, key.getUseCase()), key.getModelId()), key.getTaskId()).toString();
    }

    private static StringBuilder part(StringBuilder sb, String s) {
        return sb.append('/').append(s.length()).append(':').append(s);
    }

    /** The task an index key names (the inverse of {@link #indexKey}). */
    static TaskKey taskKeyOf(String indexKey) {
        int[] at = {19};
        String useCase = nextPart(indexKey, at);
        String modelId = nextPart(indexKey, at);
        return new TaskKey(useCase, modelId, nextPart(indexKey, at));
    }

    private static String nextPart(String key, int[] at) {
        int colon = key.indexOf(':', at[0]);
        int start = colon + 1;
        int end = start + Integer.parseInt(key, at[0] + 1, colon, 10);
        at[0] = end;
        return key.substring(start, end);
    }

    /**
     * Orders strings by code point, as their UTF-8 bytes sort: {@link String#compareTo} compares UTF-16 units, which
     * puts a supplementary character (a surrogate pair, from U+D800) before U+E000 to U+FFFF.
     */
    static int compareCodePoints(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y) {
                return fixUp(x) - fixUp(y);
            }
        }
        return a.length() - b.length();
    }

    /** Moves surrogates above U+E000..U+FFFF and those below them, keeping every other unit's order. */
    private static int fixUp(char c) {
        if (c < 0xD800) {
            return c;
        }
        return c >= 0xE000 ? c - 0x800 : c + 0x2000;
    }

    private static long timeOf(String indexKey) {
        return Long.parseLong(indexKey.substring(0, 19));
    }
}
