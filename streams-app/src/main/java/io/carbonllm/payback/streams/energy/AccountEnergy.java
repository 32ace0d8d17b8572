package io.carbonllm.payback.streams.energy;

import io.carbonllm.payback.core.energy.EnergyAccounting;
import io.carbonllm.payback.core.window.TaskOutcomes;
import io.carbonllm.payback.events.CandidateDefinition;
import io.carbonllm.payback.events.ComparisonDefinition;
import io.carbonllm.payback.events.FactorUpdate;
import io.carbonllm.payback.events.InferenceEvent;
import io.carbonllm.payback.events.TaskOutcome;
import io.carbonllm.payback.methodology.energy.EnergyModel;
import io.carbonllm.payback.methodology.facility.FactorTable;
import io.carbonllm.payback.streams.state.Definitions;
import io.carbonllm.payback.streams.state.GlobalTables;
import io.carbonllm.payback.streams.state.StoreNames;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Accounts each request's energy with the factors in effect at its event time, including the factors topic, and
 * the retrieval energy a RAG candidate's definition configures when the event does not carry its own. The factor
 * snapshot and the retrieval index are rebuilt when the global definitions change, not per event.
 */
public final class AccountEnergy<K> implements FixedKeyProcessor<K, InferenceEvent, TaskOutcome> {

    private final EnergyModel model;
    private final FactorTable base;
    private final Definitions definitions;
    private FixedKeyProcessorContext<K, TaskOutcome> context;
    private KeyValueStore<String, FactorUpdate> factors;
    private KeyValueStore<String, ComparisonDefinition> comparisons;
    private EnergyAccounting accounting;
    private Map<String, Double> retrievalWhByVariant = Map.of();
    private long seenVersion = -1;

    public AccountEnergy(EnergyModel model, FactorTable base, Definitions definitions) {
        this.model = model;
        this.base = base;
        this.definitions = definitions;
    }

    @Override
    public void init(FixedKeyProcessorContext<K, TaskOutcome> context) {
        this.context = context;
        this.factors = context.getStateStore(StoreNames.FACTORS);
        this.comparisons = context.getStateStore(StoreNames.COMPARISONS);
    }

    private void rebuildIfChanged() {
        long version = definitions.version();
        if (version == seenVersion) {
            return;
        }
        seenVersion = version;
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
        rebuildIfChanged();
        InferenceEvent event = record.value();
        Double configured = retrievalWhByVariant.get(variant(event.getUseCase(), event.getModelId()));
        context.forward(record.withValue(TaskOutcomes.of(event, accounting.of(event, configured))));
    }
}
