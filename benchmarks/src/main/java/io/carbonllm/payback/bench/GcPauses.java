package io.carbonllm.payback.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * The stop-the-world GC pauses of this JVM, as {@link System#nanoTime} intervals (millisecond precision: the JVM
 * reports them in milliseconds since start), so a slow call can be told apart from a pause that stopped every thread.
 * Concurrent collector cycles (ZGC's "Cycles" bean) are not pauses and are left out.
 */
final class GcPauses {

    record Pause(String collector, long startNanos, long endNanos) {
        long millis() {
            return (endNanos - startNanos) / 1_000_000;
        }
    }

    private final List<Pause> pauses = new ArrayList<>();
    private final long jvmStartNanos;

    GcPauses() {
        jvmStartNanos = System.nanoTime() - ManagementFactory.getRuntimeMXBean().getUptime() * 1_000_000;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc.getName().contains("Cycles") || gc.getName().contains("Concurrent")) {
                continue;
            }
            ((NotificationEmitter) gc).addNotificationListener((notification, handback) -> {
                if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
                    var info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
                    synchronized (pauses) {
                        pauses.add(new Pause(info.getGcName(), jvmStartNanos + info.getGcInfo().getStartTime() * 1_000_000,
                                jvmStartNanos + info.getGcInfo().getEndTime() * 1_000_000));
                    }
                }
            }, null, null);
        }
    }

    /** The collectors this JVM runs, by name. */
    static String collectors() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream().map(GarbageCollectorMXBean::getName)
                .collect(Collectors.joining(", "));
    }

    /** Pauses that began in [from, to]; notifications come late, so call this a little after {@code to}. */
    List<Pause> between(long fromNanos, long toNanos) {
        synchronized (pauses) {
            return pauses.stream().filter(p -> p.endNanos() >= fromNanos && p.startNanos() <= toNanos).toList();
        }
    }

    /** Whether [start, start + took] overlaps a pause, with {@code slackNanos} either side for the ms precision. */
    static boolean overlaps(List<Pause> pauses, long start, long took, long slackNanos) {
        for (Pause p : pauses) {
            if (start <= p.endNanos() + slackNanos && start + took >= p.startNanos() - slackNanos) {
                return true;
            }
        }
        return false;
    }
}
