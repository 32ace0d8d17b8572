package io.carbonllm.payback.streams.api;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub behind {@code GET /api/stream}: what {@link LiveSource} reads from {@code payback-status} and
 * {@code payback-alerts} goes to every connected client, in the order it was read, through a bounded queue per client.
 * It keeps no Kafka types: a record is a {@link Change} (topic index, partition, offset, event name, JSON).
 *
 * <p><b>Event ids.</b> The id of an event is the position of the feed just after it: for each topic, the next offset
 * of each of its partitions, {@code <status offsets>_<alert offsets>} with the offsets dot-separated in partition order
 * (for example {@code 12.5.9_3.0.1}). Every instance reads every partition of both topics, so an id means the same on
 * every instance, and a client that reconnects with {@code Last-Event-ID} (to this instance or another) is sent the
 * events of the replay buffer at or after those offsets. When the buffer no longer holds all of them (or the id is not
 * one of ours) the client gets a {@code reset} event instead: it has missed changes and should read the state again.
 *
 * <p><b>Bounds.</b> At most {@code maxClients} subscriptions ({@link #subscribe} refuses more); each holds at most
 * {@code clientBuffer} events not yet written. A client whose queue is full when an event arrives is slow: it is
 * dropped (its connection aborted), never waited for, so one slow reader delays nobody.
 */
final class LiveFeed implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LiveFeed.class);

    /** The topics of the feed, in the order of the id's parts. */
    static final int STATUS = 0;
    static final int ALERTS = 1;

    static final String EVENT_STATUS = "status";
    static final String EVENT_STATUS_REMOVED = "status-removed";
    static final String EVENT_ALERT = "alert";
    static final String EVENT_HELLO = "hello";
    static final String EVENT_RESET = "reset";

    /** One record of an output topic, rendered: {@code data} is JSON on one line. */
    record Change(int topic, int partition, long offset, String event, String comparisonId, String data) {
    }

    /** A change with the feed's position after it, and its SSE frame, rendered once for every client. */
    private record Buffered(Change change, String id, byte[] frame) {
    }

    private final int maxClients;
    private final int clientBuffer;
    private final int replayCapacity;
    private final Object lock = new Object();
    private final Set<Subscription> clients = new LinkedHashSet<>();
    private final Deque<Buffered> replay = new ArrayDeque<>();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong published = new AtomicLong();
    /** Next offset per topic and partition; null until the source has assigned its partitions. */
    private long[][] next;
    /** Per topic and partition, the offset from which the replay buffer holds every record. */
    private long[][] coveredFrom;
    private boolean closed;

    LiveFeed(int maxClients, int clientBuffer, int replayCapacity) {
        this.maxClients = maxClients;
        this.clientBuffer = clientBuffer;
        this.replayCapacity = replayCapacity;
    }

    /**
     * The source has assigned its partitions and will read each from {@code startOffsets[topic][partition]}. A new
     * layout (another partition count) empties the buffer.
     */
    void begin(long[][] startOffsets) {
        synchronized (lock) {
            next = copy(startOffsets);
            coveredFrom = copy(startOffsets);
            replay.clear();
        }
    }

    /** Hands a change to every subscribed client whose filter it matches, and keeps it for replay. */
    void publish(Change change) {
        synchronized (lock) {
            if (next == null || change.topic() >= next.length || change.partition() >= next[change.topic()].length) {
                log.warn("Live feed: a change of topic index {} partition {} outside the assigned partitions; ignored",
                        change.topic(), change.partition());
                return;
            }
            next[change.topic()][change.partition()] = Math.max(next[change.topic()][change.partition()],
                    change.offset() + 1);
            String id = encode(next);
            Buffered buffered = new Buffered(change, id, frame(id, change.event(), change.data()));
            if (replayCapacity > 0) {
                replay.addLast(buffered);
                while (replay.size() > replayCapacity) {
                    Change evicted = replay.removeFirst().change();
                    coveredFrom[evicted.topic()][evicted.partition()] = evicted.offset() + 1;
                }
            } else {
                coveredFrom[change.topic()][change.partition()] = change.offset() + 1;
            }
            published.incrementAndGet();
            List<Subscription> slow = new ArrayList<>();
            for (Subscription client : clients) {
                if (client.wants(change) && !client.queue.offer(buffered.frame())) {
                    slow.add(client);
                }
                client.seen = id;
            }
            for (Subscription client : slow) {
                drop(client);
            }
        }
    }

    /**
     * A new client, sent first the events after {@code lastEventId} (or a {@code reset} when they cannot all be
     * replayed), else a {@code hello} carrying the current position.
     *
     * @param comparisonId only this comparison's changes, or null for all
     * @return null when {@code maxClients} are connected already
     */
    Subscription subscribe(String lastEventId, String comparisonId, String helloData) {
        synchronized (lock) {
            if (closed || clients.size() >= maxClients) {
                refused.incrementAndGet();
                return null;
            }
            Subscription sub = new Subscription(comparisonId);
            String position = next == null ? null : encode(next);
            if (lastEventId == null || lastEventId.isBlank()) {
                sub.queue.add(frame(position, EVENT_HELLO, helloData));
            } else {
                String refusal = replayInto(sub, lastEventId.trim());
                if (refusal != null) {
                    sub.queue.clear();
                    sub.queue.add(frame(position, EVENT_RESET, "{\"reason\":" + jsonString(refusal) + "}"));
                }
            }
            sub.seen = position;
            clients.add(sub);
            return sub;
        }
    }

    /** Queues the buffered events the client has not seen; returns why it cannot, or null. */
    private String replayInto(Subscription sub, String lastEventId) {
        if (next == null) {
            return "the feed has not started reading yet";
        }
        long[][] seen = decode(lastEventId);
        if (seen == null || seen.length != next.length) {
            return "Last-Event-ID " + abbreviate(lastEventId) + " is not a position of this feed";
        }
        for (int t = 0; t < seen.length; t++) {
            if (seen[t].length != next[t].length) {
                return "Last-Event-ID " + abbreviate(lastEventId) + " has " + seen[t].length + " partitions for topic "
                        + t + ", the feed reads " + next[t].length;
            }
            for (int p = 0; p < seen[t].length; p++) {
                if (seen[t][p] < coveredFrom[t][p]) {
                    return "the replay buffer no longer holds every change after Last-Event-ID";
                }
            }
        }
        sub.floor = seen;
        for (Buffered b : replay) {
            if (sub.wants(b.change()) && !sub.queue.offer(b.frame())) {
                return "more changes after Last-Event-ID than a client's buffer holds";
            }
        }
        return null;
    }

    private void drop(Subscription client) {
        if (clients.remove(client)) {
            dropped.incrementAndGet();
            log.warn("Live stream: dropped a client that fell {} events behind; it may reconnect with Last-Event-ID",
                    clientBuffer);
            client.end(true);
        }
    }

    void unsubscribe(Subscription sub) {
        synchronized (lock) {
            clients.remove(sub);
        }
    }

    int clients() {
        synchronized (lock) {
            return clients.size();
        }
    }

    long dropped() {
        return dropped.get();
    }

    long refused() {
        return refused.get();
    }

    long published() {
        return published.get();
    }

    int maxClients() {
        return maxClients;
    }

    /** The position now (the id a hello carries), or null before the source has started. */
    String position() {
        synchronized (lock) {
            return next == null ? null : encode(next);
        }
    }

    /** Ends every subscription: their writers return, and new ones are refused. */
    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            for (Subscription client : clients) {
                client.end(false);
            }
            clients.clear();
        }
    }

    /** One client's queue and filter. The writer takes frames with {@link #next}; the hub fills it. */
    final class Subscription implements AutoCloseable {

        private final BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(clientBuffer + 1);
        private final String comparisonId;
        private volatile boolean ended;
        private volatile boolean slow;
        private volatile Runnable onDrop = () -> { };
        /** Offsets the client has seen (from its Last-Event-ID): older changes are not sent again. */
        private long[][] floor;
        /** The feed's position after the last change this client was sent or passed over (guarded by the lock). */
        private String seen;

        private Subscription(String comparisonId) {
            this.comparisonId = comparisonId;
        }

        private boolean wants(Change change) {
            if (floor != null && change.offset() < floor[change.topic()][change.partition()]) {
                return false;
            }
            return comparisonId == null || comparisonId.equals(change.comparisonId());
        }

        /** Called (once) when the hub drops this client as slow: aborts its connection, so a blocked write returns. */
        void onDrop(Runnable action) {
            this.onDrop = action;
            if (slow) {
                action.run();
            }
        }

        private void end(boolean asSlow) {
            ended = true;
            slow = asSlow;
            queue.clear();
            queue.offer(new byte[0]); // wakes the writer
            if (asSlow) {
                try {
                    onDrop.run();
                } catch (RuntimeException e) {
                    log.debug("Live stream: aborting a dropped client's connection failed", e);
                }
            }
        }

        /**
         * The next frame to write, waiting up to {@code timeoutMs}; null when there is none by then (time for a
         * heartbeat) or when the subscription has ended ({@link #ended()}).
         */
        byte[] next(long timeoutMs) throws InterruptedException {
            if (ended) {
                return null;
            }
            byte[] frame = queue.poll(timeoutMs, TimeUnit.MILLISECONDS);
            return frame == null || frame.length == 0 ? null : frame;
        }

        boolean ended() {
            return ended;
        }

        /** Whether the hub dropped this client for being slow. */
        boolean droppedAsSlow() {
            return slow;
        }

        /**
         * A heartbeat frame: a comment, with the feed's position when every change up to it has been written (the
         * queue is empty), so that a client filtered to one comparison still reconnects from a recent id.
         */
        byte[] heartbeat() {
            String id;
            synchronized (lock) {
                id = queue.isEmpty() ? seen : null;
            }
            return (": heartbeat\n" + (id == null ? "" : "id: " + id + "\n") + "\n").getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public void close() {
            ended = true;
            unsubscribe(this);
        }
    }

    static byte[] frame(String id, String event, String data) {
        StringBuilder s = new StringBuilder(data.length() + 64);
        if (id != null) {
            s.append("id: ").append(id).append('\n');
        }
        s.append("event: ").append(event).append('\n');
        // JSON rendered on one line; a line break inside would need one data: line per line
        s.append("data: ").append(data.replace("\r", "").replace("\n", "\ndata: ")).append("\n\n");
        return s.toString().getBytes(StandardCharsets.UTF_8);
    }

    static String encode(long[][] offsets) {
        StringBuilder s = new StringBuilder();
        for (int t = 0; t < offsets.length; t++) {
            if (t > 0) {
                s.append('_');
            }
            for (int p = 0; p < offsets[t].length; p++) {
                if (p > 0) {
                    s.append('.');
                }
                s.append(offsets[t][p]);
            }
        }
        return s.toString();
    }

    /** The offsets of an id, or null when it is not one. */
    static long[][] decode(String id) {
        if (id.length() > 20_000) {
            return null;
        }
        String[] topics = id.split("_", -1);
        long[][] offsets = new long[topics.length][];
        try {
            for (int t = 0; t < topics.length; t++) {
                String[] parts = topics[t].split("\\.", -1);
                offsets[t] = new long[parts.length];
                for (int p = 0; p < parts.length; p++) {
                    offsets[t][p] = Long.parseLong(parts[p]);
                    if (offsets[t][p] < 0) {
                        return null;
                    }
                }
            }
        } catch (NumberFormatException e) {
            return null;
        }
        return offsets;
    }

    private static long[][] copy(long[][] offsets) {
        long[][] copy = new long[offsets.length][];
        for (int t = 0; t < offsets.length; t++) {
            copy[t] = Arrays.copyOf(offsets[t], offsets[t].length);
        }
        return copy;
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? "'" + s + "'" : "'" + s.substring(0, 40) + "...'";
    }

    static String jsonString(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
