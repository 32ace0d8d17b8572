package io.carbonllm.payback.streams.energy;

import io.carbonllm.payback.core.energy.EnergyAccounting;
import io.carbonllm.payback.events.CandidateDefinition;
import io.carbonllm.payback.events.ComparisonDefinition;
import io.carbonllm.payback.events.FactorUpdate;
import io.carbonllm.payback.events.InferenceEvent;
import io.carbonllm.payback.events.TaskOutcome;
import io.carbonllm.payback.methodology.energy.EnergyModel;
import io.carbonllm.payback.methodology.facility.FactorTable;
import io.carbonllm.payback.streams.state.StoreNames;
import io.carbonllm.payback.core.window.TaskOutcomes;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import io.carbonllm.payback.streams.state.GlobalTables;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;

/**
 * Accounts each request's energy with the factors in effect at its event time, including the factors topic, and
 * the retrieval energy a RAG candidate's definition configures when the event does not carry its own. Both global
 * tables are re-read on a wall-clock schedule.
 */
public final class AccountEnergy<K> implements FixedKeyProcessor<K, InferenceEvent, TaskOutcome> {

    private final EnergyModel model;
    private final FactorTable base;
    private final Duration refresh;
    private FixedKeyProcessorContext<K, TaskOutcome> context;
    private TimestampedKeyValueStore<String, FactorUpdate> factors;
    private TimestampedKeyValueStore<String, ComparisonDefinition> comparisons;
    private EnergyAccounting accounting;
    private Map<String, Double> retrievalWhByVariant = Map.of();

    public AccountEnergy(EnergyModel model, FactorTable base, Duration refresh) {
        this.model = model;
        this.base = base;
        this.refresh = refresh;
    }

    @Override
    public void init(FixedKeyProcessorContext<K, TaskOutcome> context) {
        this.context = context;
        this.factors = context.getStateStore(StoreNames.FACTORS);
        this.comparisons = context.getStateStore(StoreNames.COMPARISONS);
        rebuild();
        context.schedule(refresh, PunctuationType.WALL_CLOCK_TIME, now -> rebuild());
    }

    private void rebuild() {
        accounting = new EnergyAccounting(model, FactorSnapshot.of(base, factors));
        Map<String, Double> retrieval = new HashMap<>();
        for (KeyValue<String, ComparisonDefinition> kv : GlobalTables.readAll(comparisons, StoreNames.COMPARISONS)) {
            for (CandidateDefinition candidate : kv.value.getCandidates()) {
                if (candidate.getRetrievalWhPerRequest() != null) {
                    retrieval.put(variant(kv.value.getUseCase(), candidate.getModelId()), candidate.getRetrievalWhPerRequest());
                }
            }
        }
        retrievalWhByVariant = retrieval;
    }

    private static String variant(String useCase, String modelId) {
        return useCase + "\u0000" + modelId;
    }

    @Override
    public void process(FixedKeyRecord<K, InferenceEvent> record) {
        InferenceEvent event = record.value();
        Double configured = retrievalWhByVariant.get(variant(event.getUseCase(), event.getModelId()));
        context.forward(record.withValue(TaskOutcomes.of(event, accounting.of(event, configured))));
    }
}
