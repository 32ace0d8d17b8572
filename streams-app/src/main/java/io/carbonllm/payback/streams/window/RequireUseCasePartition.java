package io.carbonllm.payback.streams.window;

import io.carbonllm.payback.events.InferenceEvent;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * With {@code payback.input.partitioning=use-case} there is no repartition: every request must already be on its use
 * case's partition ({@link UseCasePartitioner}: the partition Kafka's default partitioner gives a record keyed by the
 * use-case string, as the SDK keys). One that is not would be folded and windowed on the wrong task, apart from the
 * rest of its use case, so it throws {@link MisroutedRecordException} and goes to the DLQ; nothing else is changed.
 * It runs before validation (an event without a use case is validation's to refuse), and the time extractor has
 * already kept such a record from moving stream time ({@code EventTimeExtractor}).
 */
public final class RequireUseCasePartition<K> implements FixedKeyProcessor<K, InferenceEvent, InferenceEvent> {

    private final InputPartitions partitions;
    private FixedKeyProcessorContext<K, InferenceEvent> context;
    private int count;

    public RequireUseCasePartition(InputPartitions partitions) {
        this.partitions = partitions;
    }

    @Override
    public void init(FixedKeyProcessorContext<K, InferenceEvent> context) {
        this.context = context;
        this.count = partitions.get();
    }

    @Override
    public void process(FixedKeyRecord<K, InferenceEvent> record) {
        String useCase = record.value().getUseCase();
        int actual = context.taskId().partition();
        int expected = useCase == null || useCase.isBlank() ? actual : UseCasePartitioner.partitionOf(useCase, count);
        if (actual >= count) {
            throw new IllegalStateException("the input topic has grown beyond the " + count + " partitions it had when "
                    + "this instance started (a task of partition " + actual + " runs here): under "
                    + "payback.input.partitioning=use-case its partitions are the state's partitions, and adding some "
                    + "moves use cases away from their state. See docs/operations.md, 'Partitions'");
        }
        if (actual != expected) {
            throw new MisroutedRecordException("a request of use case '" + useCase + "' is on partition " + actual
                    + " of the input, but its use case's partition is " + expected + " of " + count + " (murmur2 of "
                    + "the use case, as the SDK keys): with payback.input.partitioning=use-case every record must be "
                    + "keyed by its use case with the default partitioner. Fix the producer, or set "
                    + "payback.input.partitioning=any and replay this dead letter");
        }
        context.forward(record);
    }
}
