package io.carbonllm.payback.streams.energy;

import io.carbonllm.payback.events.FactorUpdate;
import io.carbonllm.payback.events.InferenceEvent;
import io.carbonllm.payback.events.TaskOutcome;
import io.carbonllm.payback.methodology.energy.EnergyModel;
import io.carbonllm.payback.methodology.facility.FactorTable;
import io.carbonllm.payback.streams.state.StoreNames;
import io.carbonllm.payback.streams.window.TaskOutcomes;
import java.time.Duration;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;

/** Accounts each request's energy with the factors in effect at its event time, including the factors topic. */
public final class AccountEnergy<K> implements FixedKeyProcessor<K, InferenceEvent, TaskOutcome> {

    private final EnergyModel model;
    private final FactorTable base;
    private final Duration refresh;
    private FixedKeyProcessorContext<K, TaskOutcome> context;
    private TimestampedKeyValueStore<String, FactorUpdate> factors;
    private EnergyAccounting accounting;

    public AccountEnergy(EnergyModel model, FactorTable base, Duration refresh) {
        this.model = model;
        this.base = base;
        this.refresh = refresh;
    }

    @Override
    public void init(FixedKeyProcessorContext<K, TaskOutcome> context) {
        this.context = context;
        this.factors = context.getStateStore(StoreNames.FACTORS);
        rebuild();
        context.schedule(refresh, PunctuationType.WALL_CLOCK_TIME, now -> rebuild());
    }

    private void rebuild() {
        accounting = new EnergyAccounting(model, FactorSnapshot.of(base, factors));
    }

    @Override
    public void process(FixedKeyRecord<K, InferenceEvent> record) {
        InferenceEvent event = record.value();
        context.forward(record.withValue(TaskOutcomes.of(event, accounting.of(event))));
    }
}
