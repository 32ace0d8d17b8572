package io.carbonllm.payback.methodology.energy;

import io.carbonllm.payback.methodology.EvidenceTier;
import io.carbonllm.payback.methodology.Numbers;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Inference energy per request, by precedence: a metered figure on the event (METERED), else the catalog's
 * benchmarked energy per output token (BENCHMARKED when the measurement carries most of the figure, see
 * {@link #BENCHMARKED_MIN_MEASURED_SHARE}; ESTIMATED otherwise), else the EcoLogits parametric model from the
 * active parameters (ESTIMATED), else nothing (UNAVAILABLE: the model's size is unknown, so it is counted but never
 * guessed).
 *
 * <p>Benchmarked and estimated figures are per output token; input tokens count through {@link TokenWeights}.
 * Every figure is IT energy: the facility's PUE is applied by the caller, per region and provider.
 */
public final class EnergyModel {

    /**
     * A catalog figure is labelled BENCHMARKED only when its measured part is more than this share of it: measured
     * Wh per output token over the total Wh per output token, the parametric non-GPU server share included. Below
     * it, most of the figure is the parametric model's, so it is labelled ESTIMATED (and its source says why): a
     * label must not claim more than what carries the figure.
     */
    public static final double BENCHMARKED_MIN_MEASURED_SHARE = 0.5;

    /** At most this many formatted sources are kept per kind; past it they are formatted per request. */
    static final int MAX_CACHED_SOURCES = 256;

    private final ModelCatalog catalog;
    private final TokenWeights weights;
    /**
     * A figure's source names its factor, which is the same for every request of a model: formatted once, not per
     * request (the streams app accounts every event). By active parameters, by catalog profile, by model source and
     * retrieval energy.
     */
    private final Map<Double, String> parametricSources = new ConcurrentHashMap<>();
    private final Map<ModelProfile, PerToken> benchmarkedFigures = new ConcurrentHashMap<>();
    private final Map<RetrievalKey, String> retrievalSources = new ConcurrentHashMap<>();

    /** A catalog profile's figure per output-token equivalent, with its tier and source. */
    private record PerToken(double whPerToken, EvidenceTier tier, String source) {
    }

    private record RetrievalKey(String modelSource, double retrievalWh) {
    }

    public EnergyModel(ModelCatalog catalog, TokenWeights weights) {
        this.catalog = catalog;
        this.weights = weights;
    }

    public static EnergyModel defaults() {
        return new EnergyModel(ModelCatalog.defaults(), TokenWeights.DEFAULT);
    }

    public RequestEnergy estimate(RequestUsage usage) {
        RequestEnergy model = modelEnergy(usage);
        Double retrieval = usage.retrievalWh();
        if (retrieval == null || retrieval == 0.0 || !model.available()) {
            return model;
        }
        // The retrieval add-on is a configured estimate: the sum is no stronger than its weakest part.
        return new RequestEnergy(model.itWh() + retrieval, model.tier().weakest(EvidenceTier.ESTIMATED),
                cached(retrievalSources, new RetrievalKey(model.source(), retrieval), k -> k.modelSource()
                        + " + retrieval " + Numbers.format(k.retrievalWh()) + " Wh/request (configured)"));
    }

    private RequestEnergy modelEnergy(RequestUsage usage) {
        if (usage.meteredWh() != null) {
            return new RequestEnergy(usage.meteredWh(), EvidenceTier.METERED, "metered on the request");
        }
        Optional<ModelProfile> profile = catalog.lookup(usage.modelId());
        Double active = usage.activeParamsB() != null ? usage.activeParamsB()
                : profile.map(ModelProfile::activeParamsB).orElse(null);
        Double total = usage.totalParamsB() != null ? usage.totalParamsB()
                : profile.map(ModelProfile::totalParamsB).orElse(null);
        if (total == null) {
            total = active;
        }
        double equivalents = weights.equivalents(usage.inputTokens(), usage.cachedInputTokens(), usage.outputTokens());
        if (profile.isPresent() && profile.get().joulesPerOutputToken() != null) {
            PerToken figure = cached(benchmarkedFigures, profile.get(), EnergyModel::benchmarked);
            return new RequestEnergy(figure.whPerToken() * equivalents, figure.tier(), figure.source());
        }
        if (active != null) {
            double whPerToken = EcoLogitsModel.itWhPerOutputToken(active, Math.max(total, active));
            return new RequestEnergy(whPerToken * equivalents, EvidenceTier.ESTIMATED, cached(parametricSources, active,
                    a -> "EcoLogits v0.9 parametric model, " + Numbers.format(a) + "B active parameters"));
        }
        return RequestEnergy.unavailable("model '" + usage.modelId() + "' has no size in the event or the catalog");
    }

    /**
     * A catalog figure: the measured joules per output token, plus the non-GPU server share when the benchmark
     * measured GPUs only. It is BENCHMARKED only when the measured part is most of the figure.
     */
    private static PerToken benchmarked(ModelProfile p) {
        double measuredWhPerToken = p.joulesPerOutputToken() / 3600.0;
        double whPerToken = measuredWhPerToken;
        String source = Numbers.format(p.joulesPerOutputToken()) + " J/output token (" + p.source() + ")";
        if (p.gpuOnly()) {
            int gpus = p.serverShareGpus();
            whPerToken += EcoLogitsModel.serverWhPerOutputToken(p.activeParamsB(), gpus);
            source += " + non-GPU server share for " + gpus + " GPU" + (gpus == 1 ? "" : "s")
                    + (p.gpus() != null ? " as measured" : ", EcoLogits' count for the size") + " (EcoLogits v0.9)";
        }
        double measuredShare = measuredWhPerToken / whPerToken;
        EvidenceTier tier = measuredShare > BENCHMARKED_MIN_MEASURED_SHARE ? EvidenceTier.BENCHMARKED
                : EvidenceTier.ESTIMATED;
        if (tier == EvidenceTier.ESTIMATED) {
            source += "; measured part " + String.format(Locale.ROOT, "%.1f", measuredShare * 100)
                    + "% of the figure: labelled ESTIMATED";
        }
        return new PerToken(whPerToken, tier, source);
    }

    /** {@code map}'s value for {@code key}, computed once while the map is under its bound, else each time. */
    private static <K, V> V cached(Map<K, V> map, K key, Function<K, V> compute) {
        V value = map.get(key);
        if (value != null) {
            return value;
        }
        value = compute.apply(key);
        if (map.size() < MAX_CACHED_SOURCES) {
            map.putIfAbsent(key, value);
        }
        return value;
    }

}
