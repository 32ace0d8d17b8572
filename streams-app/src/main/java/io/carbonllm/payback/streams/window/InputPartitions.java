package io.carbonllm.payback.streams.window;

/**
 * The input topic's partition count, learnt when the app starts (the topology is built before): with
 * {@code payback.input.partitioning=use-case} a record is in place only on partition
 * {@link UseCasePartitioner#partitionOf UseCasePartitioner.partitionOf(useCase, count)}.
 */
public final class InputPartitions {

    private volatile int count;

    public void set(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("a topic has at least one partition, not " + count);
        }
        this.count = count;
    }

    /** The count; {@link IllegalStateException} if nobody has set it, rather than a guess that misroutes everything. */
    public int get() {
        int n = count;
        if (n < 1) {
            throw new IllegalStateException("the input topic's partition count was not learnt before processing");
        }
        return n;
    }
}
