package io.carbonllm.payback.core.energy;

import io.carbonllm.payback.events.InferenceEvent;
import io.carbonllm.payback.methodology.energy.EnergyModel;
import io.carbonllm.payback.methodology.energy.ModelCatalog;
import io.carbonllm.payback.methodology.energy.RequestEnergy;
import io.carbonllm.payback.methodology.energy.RequestUsage;
import io.carbonllm.payback.methodology.energy.TokenWeights;
import io.carbonllm.payback.methodology.facility.FactorTable;
import io.carbonllm.payback.methodology.facility.ResolvedGrid;
import io.carbonllm.payback.methodology.facility.ResolvedPue;
import java.nio.file.Path;

/**
 * Applies the methodology to one event: its IT energy (metered, benchmarked or estimated), and the PUE and grid
 * intensity in effect for its provider and region at its event time. Plain Java, no Kafka.
 */
public final class EnergyAccounting {

    /** An event attribute a RAG gateway may set: retrieval energy (embedding, vector search) of the request, in Wh. */
    public static final String RETRIEVAL_WH_ATTRIBUTE = "payback.retrieval.wh";

    private final EnergyModel model;
    private final FactorTable factors;

    public EnergyAccounting(EnergyModel model, FactorTable factors) {
        this.model = model;
        this.factors = factors;
    }

    /** The shipped catalog and factors, with the user's files (any may be null) searched first. */
    public static EnergyAccounting from(Path catalogFile, Path gridFile, Path pueFile) {
        ModelCatalog catalog = catalogFile == null ? ModelCatalog.defaults() : ModelCatalog.withOverrides(catalogFile);
        FactorTable table = gridFile == null && pueFile == null ? FactorTable.defaults()
                : FactorTable.withOverrides(gridFile, pueFile);
        return new EnergyAccounting(new EnergyModel(catalog, TokenWeights.DEFAULT), table);
    }

    /** The factor tables in use, for one-off footprints. */
    public FactorTable factors() {
        return factors;
    }

    public EnergyModel model() {
        return model;
    }

    /**
     * One request's energy and the factors that turn it into facility energy and CO2e. The event's energy is IT
     * energy (a meter at the server does not see the cooling), so the PUE of its provider and region applies.
     */
    public record Contribution(RequestEnergy energy, ResolvedPue pue, ResolvedGrid grid) {

        public double facilityWh() {
            return energy.available() ? energy.itWh() * pue.pue() : 0.0;
        }

        public double gCo2eLocation() {
            return facilityWh() * grid.locationGPerKwh() / 1000.0;
        }

        public double gCo2eMarket() {
            return facilityWh() * grid.marketGPerKwh() / 1000.0;
        }
    }

    public Contribution of(InferenceEvent event) {
        return of(event, null);
    }

    /**
     * With a configured retrieval energy for the event's variant (a RAG candidate's definition), used when the event
     * does not carry its own.
     */
    public Contribution of(InferenceEvent event, Double configuredRetrievalWh) {
        Double retrieval = retrievalWh(event);
        RequestEnergy energy = model.estimate(new RequestUsage(event.getModelId(), event.getActiveParamsB(),
                event.getTotalParamsB(), event.getInputTokens(), event.getCachedInputTokens(), event.getOutputTokens(),
                event.getMeteredEnergyWh(), retrieval != null ? retrieval : configuredRetrievalWh));
        ResolvedPue pue = factors.pue(event.getProvider(), event.getRegion(), event.getEventTime());
        return new Contribution(energy, pue, factors.grid(event.getRegion(), event.getEventTime()));
    }

    /** The retrieval add-on from the event's attributes; null when absent. The validator rejects a malformed one. */
    public static Double retrievalWh(InferenceEvent event) {
        String value = event.getAttributes() == null ? null : event.getAttributes().get(RETRIEVAL_WH_ATTRIBUTE);
        if (value == null) {
            return null;
        }
        try {
            return Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
