package io.carbonllm.payback.bench;

import io.carbonllm.payback.events.InferenceEvent;
import io.carbonllm.payback.localstack.Ports;
import io.carbonllm.payback.schemas.registry.InMemorySchemaRegistryClient;
import io.carbonllm.payback.sdk.OverflowPolicy;
import io.carbonllm.payback.sdk.PaybackTracker;
import io.carbonllm.payback.sdk.TrackerMetrics;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code record()} with the broker down: a tracker pointed at a loopback port where nothing listens, one million
 * back-to-back calls, each timed with {@link System#nanoTime}. The queue (100,000 by default) fills and the rest are
 * dropped and counted: that is expected; what is measured is that no call waits. A JMH histogram does not give the
 * maximum of every call, so this is a plain loop. Run it in a fresh JVM: the first round includes class loading, JIT
 * compilation and the first "queue full" warning, as a gateway's first outage would. Calls over 1 ms are checked
 * against the JVM's GC pauses, which stop every thread whatever it is doing.
 */
public final class BrokerDownHarness {

    static final int CALLS = 1_000_000;
    private static final long SLOW_NANOS = 1_000_000;
    private static final long GC_SLACK_NANOS = 2_000_000;

    private BrokerDownHarness() {
    }

    public static void main(String[] args) throws InterruptedException {
        int calls = args.length > 0 ? Integer.parseInt(args[0]) : CALLS;
        int deadPort = Ports.findFree();
        GcPauses gc = new GcPauses();
        System.out.printf("Broker down: tracker bootstrap 127.0.0.1:%d (nothing listens), %,d calls per round, GC %s, "
                + "timer floor (back-to-back nanoTime) median %d ns%n", deadPort, calls, GcPauses.collectors(),
                timerFloorNanos());
        control(calls);
        round("round 1 (cold JVM), DROP_NEWEST", deadPort, calls, OverflowPolicy.DROP_NEWEST, gc);
        round("round 2 (warm),     DROP_NEWEST", deadPort, calls, OverflowPolicy.DROP_NEWEST, gc);
        round("round 3 (warm),     DROP_OLDEST", deadPort, calls, OverflowPolicy.DROP_OLDEST, gc);
    }

    private static void round(String name, int deadPort, int calls, OverflowPolicy policy, GcPauses gc)
            throws InterruptedException {
        InferenceEvent event = BenchmarkEvents.event();
        PaybackTracker tracker = PaybackTracker.builder().bootstrapServers("127.0.0.1:" + deadPort)
                .schemaRegistry(new InMemorySchemaRegistryClient()).overflowPolicy(policy).build();
        long[] nanos = new long[calls];
        long[] slowStarts = new long[10_000];
        long[] slowTook = new long[slowStarts.length];
        int slow = 0;
        long slowestIndex = -1;
        long slowest = -1;
        long began = System.nanoTime();
        for (int i = 0; i < calls; i++) {
            long start = System.nanoTime();
            tracker.record(event);
            long took = System.nanoTime() - start;
            nanos[i] = took;
            if (took > slowest) {
                slowest = took;
                slowestIndex = i;
            }
            if (took > SLOW_NANOS && slow < slowStarts.length) {
                slowStarts[slow] = start;
                slowTook[slow++] = took;
            }
        }
        long ended = System.nanoTime();
        TrackerMetrics m = tracker.metrics();
        Thread.sleep(200); // GC notifications arrive on a service thread
        List<GcPauses.Pause> pauses = gc.between(began, ended);
        int duringGc = 0;
        long longestOutsideGc = 0;
        for (int s = 0; s < slow; s++) {
            if (GcPauses.overlaps(pauses, slowStarts[s], slowTook[s], GC_SLACK_NANOS)) {
                duringGc++;
            } else {
                longestOutsideGc = Math.max(longestOutsideGc, slowTook[s]);
            }
        }
        LatencySamples samples = new LatencySamples(nanos);
        System.out.printf("%s: %s; slowest was call #%,d; %.2f s in all%n", name, samples.summaryMicros(),
                slowestIndex + 1, (ended - began) / 1e9);
        System.out.printf("    calls over 100 us: %d, over 1 ms: %d (%d during a GC pause; longest outside one: %s); "
                        + "GC pauses in the round: %d, longest %d ms%n", samples.countAbove(100_000), slow, duringGc,
                slow == duringGc ? "none over 1 ms" : String.format("%.1f us", longestOutsideGc / 1e3), pauses.size(),
                pauses.stream().mapToLong(GcPauses.Pause::millis).max().orElse(0));
        System.out.printf("    recorded %,d, queue depth %,d, dropped %,d %s%n", m.recorded(), m.queueDepth(),
                m.droppedTotal(), m.dropped());
        tracker.close(Duration.ofMillis(100));
    }

    /**
     * The same loop around an {@link AtomicLong} increment instead of {@code record()}: what this machine does to any
     * thread (preemption by other processes, timer interrupts, hypervisor steal), the floor for a maximum.
     */
    private static void control(int calls) {
        AtomicLong counter = new AtomicLong();
        long[] nanos = new long[calls];
        for (int i = 0; i < calls; i++) {
            long start = System.nanoTime();
            counter.incrementAndGet();
            nanos[i] = System.nanoTime() - start;
        }
        LatencySamples samples = new LatencySamples(nanos);
        System.out.printf("control (AtomicLong.incrementAndGet in the same loop): %s; calls over 100 us: %d, "
                + "over 1 ms: %d%n", samples.summaryMicros(), samples.countAbove(100_000), samples.countAbove(SLOW_NANOS));
    }

    /** The cost of the measurement itself: the median of two back-to-back nanoTime calls. */
    private static long timerFloorNanos() {
        long[] nanos = new long[100_000];
        for (int i = 0; i < nanos.length; i++) {
            long start = System.nanoTime();
            nanos[i] = System.nanoTime() - start;
        }
        return new LatencySamples(nanos).quantile(0.5);
    }
}
