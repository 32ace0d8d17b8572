package io.carbonllm.payback.streams.disclosure;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.carbonllm.payback.core.definition.TrainingRuns;
import io.carbonllm.payback.core.disclosure.Ownership;
import io.carbonllm.payback.events.TrainingRun;
import io.carbonllm.payback.methodology.EvidenceTier;
import io.carbonllm.payback.methodology.Numbers;
import io.carbonllm.payback.methodology.facility.FactorTable;
import io.carbonllm.payback.methodology.facility.ResolvedGrid;
import io.carbonllm.payback.methodology.footprint.Footprint;
import io.carbonllm.payback.methodology.footprint.FootprintCalculator;
import io.carbonllm.payback.methodology.footprint.MeteredScope;
import io.carbonllm.payback.methodology.footprint.OneOffRun;
import io.carbonllm.payback.methodology.footprint.RunKind;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * A one-off run as a BoAmps report (Boavizta's JSON format for the energy of an AI task, format 1.1.0; its schemas are
 * in github.com/Boavizta/BoAmps, {@code model/}). It fills what the format requires ({@code task} with its stage,
 * family, algorithms and dataset; {@code measures}; {@code infrastructure} with its type and components) and what
 * the run knows, and says what it does not know rather than inventing it. The energy reported is the run's own:
 * metered kWh as metered (IT or facility, said in the method), or for an estimate GPU-hours x power x overhead, the IT
 * energy before PUE; the facility energy and CO2e we computed are in the task description. Its {@code quality} maps
 * the evidence tier onto BoAmps' three levels, whose stated errors (±10, ±25, ±50 %) are BoAmps', not ours
 * (docs/methodology.md section 6 gives ours).
 */
public final class BoAmpsReport {

    public static final String FORMAT_VERSION = "1.1.0";
    private static final DateTimeFormatter BOAMPS_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneOffset.UTC);

    private BoAmpsReport() {
    }

    /** The report of {@code run}, priced with {@code factors}, published at {@code at} under {@code reportId}. */
    public static ObjectNode of(TrainingRun run, FactorTable factors, Instant at, String reportId) {
        OneOffRun oneOff = TrainingRuns.toOneOffRun(run);
        Footprint footprint = new FootprintCalculator(factors).of(oneOff);
        ResolvedGrid grid = factors.grid(run.getRegion(), run.getStartedAt());
        Ownership ownership = TrainingRuns.ownership(run);
        ObjectMapper json = new ObjectMapper();
        ObjectNode report = json.createObjectNode();

        ObjectNode header = report.putObject("header");
        header.put("formatVersion", FORMAT_VERSION);
        header.put("formatVersionSpecificationUri", "https://github.com/Boavizta/BoAmps/tree/main/model");
        header.put("reportId", reportId);
        header.put("reportDatetime", BOAMPS_TIME.format(at));
        header.put("reportStatus", "final");
        header.putObject("publisher").put("confidentialityLevel", "internal").put("projectName", "carbon-llm payback");

        ObjectNode task = report.putObject("task");
        RunKind kind = oneOff.kind();
        task.put("taskStage", switch (kind) {
            case FINE_TUNE -> "finetuning";
            case RAG_INDEX -> "datacreation";
            case OTHER -> "other";
        });
        task.put("taskFamily", kind == RunKind.RAG_INDEX ? "retrieval index build" : "text generation");
        ObjectNode algorithm = task.putArray("algorithms").addObject();
        algorithm.put("algorithmType", kind == RunKind.RAG_INDEX ? "embeddings creation" : "llm");
        if (kind == RunKind.FINE_TUNE) {
            algorithm.put("trainingType", "transferLearning");
        }
        if (run.getCandidateModel() != null) {
            algorithm.put("algorithmName", run.getCandidateModel());
        }
        // The run does not record its data; the format requires one item: its kind, with no quantity
        ObjectNode dataset = task.putArray("dataset").addObject();
        dataset.put("dataUsage", "input");
        dataset.put("dataType", kind == RunKind.RAG_INDEX ? "text" : "token");
        task.put("taskDescription", "carbon-llm payback one-off run " + run.getRunId() + " (" + kind.name()
                + "): facility energy " + Numbers.format(footprint.kwh()) + " kWh, "
                + Numbers.format(footprint.kgCo2eLocation()) + " kgCO2e location-based, "
                + Numbers.format(footprint.kgCo2eMarket()) + " kgCO2e market-based"
                + (footprint.marketFallback() ? " (no market-based factor: location-based stands in)" : "")
                + ", " + footprint.tier().name().toLowerCase(Locale.ROOT) + "; "
                + ownership.name().toLowerCase(Locale.ROOT) + " hardware: electricity in "
                + ownership.electricityScope().label() + ". Sources: " + String.join("; ", footprint.sources()));

        ObjectNode measure = report.putArray("measures").addObject();
        measure.put("measurementMethod", method(oneOff));
        measure.put("unit", "kWh");
        measure.put("powerConsumption", ownEnergyKwh(oneOff));
        if (run.getHours() > 0) {
            measure.put("measurementDuration", run.getHours() * 3600);
        }
        measure.put("measurementDateTime", BOAMPS_TIME.format(run.getStartedAt()));

        ObjectNode infrastructure = report.putObject("infrastructure");
        infrastructure.put("infraType", switch (ownership) {
            case OWNED -> "onPremise";
            case COLOCATED -> "other";
            case CLOUD, API -> "publicCloud";
        });
        if (run.getProvider() != null && (ownership == Ownership.CLOUD || ownership == Ownership.API)) {
            infrastructure.put(ownership == Ownership.API ? "cloudService" : "cloudProvider", run.getProvider());
        }
        ArrayNode components = infrastructure.putArray("components");
        ObjectNode gpus = components.addObject();
        if (run.getGpuCount() > 0) {
            gpus.put("componentType", "gpu");
            gpus.put("nbComponent", run.getGpuCount());
        } else {
            gpus.put("componentType", "other");
            gpus.put("componentName", "not stated by the run");
            gpus.put("nbComponent", 1);
        }

        ObjectNode environment = report.putObject("environment");
        environment.put("country", "not stated");
        if (run.getRegion() != null) {
            environment.put("location", run.getRegion());
        }
        environment.put("powerSourceCarbonIntensity", grid.locationGPerKwh());
        report.put("quality", quality(footprint.tier()));
        return report;
    }

    /** What the run's energy is: a meter's reading (and where it read), or our estimate's formula. */
    private static String method(OneOffRun run) {
        if (run.meteredKwh() == null) {
            return "estimate: GPU-hours x average power per GPU x overhead (IT energy)";
        }
        return run.meteredScope() == MeteredScope.IT ? "meter: IT (servers' draw)"
                : "meter: facility (PUE included)";
    }

    /** The run's own energy, before our PUE: metered kWh as read, or the estimate's IT energy. */
    private static double ownEnergyKwh(OneOffRun run) {
        if (run.meteredKwh() != null) {
            return run.meteredKwh();
        }
        return run.gpuHours() * run.avgPowerWPerGpu() / 1000.0 * run.overheadFactor();
    }

    /** BoAmps' quality levels: high (±10 %), medium (±25 %), low (±50 %), by the run's evidence tier. */
    public static String quality(EvidenceTier tier) {
        return switch (tier) {
            case METERED -> "high";
            case BENCHMARKED -> "medium";
            case ESTIMATED, UNAVAILABLE -> "low";
        };
    }
}
