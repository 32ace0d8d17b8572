package io.carbonllm.payback.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.carbonllm.payback.core.estimate.SeedEstimate;
import io.carbonllm.payback.methodology.EvidenceTier;
import io.carbonllm.payback.methodology.Numbers;
import io.carbonllm.payback.methodology.energy.EnergyModel;
import io.carbonllm.payback.methodology.energy.ModelCatalog;
import io.carbonllm.payback.methodology.energy.RequestEnergy;
import io.carbonllm.payback.methodology.energy.RequestUsage;
import io.carbonllm.payback.methodology.energy.TokenWeights;
import io.carbonllm.payback.methodology.facility.FactorTable;
import io.carbonllm.payback.methodology.facility.ResolvedGrid;
import io.carbonllm.payback.methodology.facility.ResolvedPue;
import io.carbonllm.payback.methodology.footprint.Footprint;
import io.carbonllm.payback.methodology.footprint.FootprintCalculator;
import io.carbonllm.payback.methodology.footprint.MeteredScope;
import io.carbonllm.payback.methodology.footprint.OneOffRun;
import io.carbonllm.payback.methodology.footprint.OneOffRunValidator;
import io.carbonllm.payback.methodology.footprint.RunKind;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "estimate",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "The seed's estimate, before anyone trains: does a fine-tune repay its one-off footprint through cheaper "
                + "inference per successful task within the horizon? In energy and in CO2e.",
            "",
            "training kWh = GPU-hours x W / 1000 x overhead x training PUE, or --training-kwh (x training PUE when "
                + "it is IT energy: --training-kwh-scope it); "
                + "Wh per successful task = inference PUE x Wh per request / success rate; "
                + "break-even = footprint / saving per task. Formulas and sources: docs/methodology.md.",
            ""},
        footer = {"", "Example:",
            "  ./payback estimate --gpu-hours 100 --gpu-power-w 400 --training-pue 1.1 --training-region eu-central-1 \\",
            "    --baseline-wh-per-request 2.0 --baseline-success-rate 0.8 \\",
            "    --candidate-wh-per-request 0.5 --candidate-success-rate 0.9 \\",
            "    --inference-pue 1.2 --inference-region eu-north-1 --successful-tasks-per-day 1000 --horizon-days 90 --json"})
final class EstimateCommand implements Callable<Integer> {

    private static final String RUN_ID = "estimate";
    /** The flag to name for each field {@link OneOffRunValidator} reports. */
    private static final FieldFlags RUN_FLAGS = new FieldFlags(runFlagsByField());

    @Spec
    CommandSpec spec;

    // One-off footprint
    @Option(names = "--gpu-hours", paramLabel = "H", description = "GPU-hours of the one-off run(s): GPU count x hours, searches and failed attempts included.")
    Double gpuHours;

    @Option(names = "--gpu-power-w", paramLabel = "W", description = "Average power per GPU in W (measured draw, often well below TDP; an H100 SXM's TDP is 700 W).")
    Double gpuPowerW;

    @Option(names = "--training-pue", paramLabel = "PUE", description = "PUE during training (>= 1), for --gpu-hours estimates and IT-metered --training-kwh. "
            + "Default: the factor table's value for --training-provider, else --training-region, else 1.58 (industry average).")
    Double trainingPue;

    @Option(names = "--overhead-factor", paramLabel = "F", description = "Multiplies GPU energy to cover CPU and RAM (>= 1; default: ${DEFAULT-VALUE}).")
    double overheadFactor = 1.0;

    @Option(names = "--training-kwh", paramLabel = "KWH", description = "Metered energy of the run(s); replaces --gpu-power-w (--gpu-hours then only counts for "
            + "--embodied-g-per-gpu-hour). What it measured is --training-kwh-scope.")
    Double trainingKwh;

    @Option(names = "--training-kwh-scope", paramLabel = "SCOPE", converter = EnumOptions.MeteredScopes.class,
            description = "What --training-kwh measured: it or facility, in any case (default: facility). IT is the servers' "
                    + "draw, what CodeCarbon, DCGM and nvidia-smi report: the training PUE (--training-pue, else the factor "
                    + "table's for --training-provider, else --training-region) is then applied. FACILITY (a facility "
                    + "meter, a data-centre bill) already includes the PUE.")
    MeteredScope trainingKwhScope;

    @Option(names = "--training-provider", paramLabel = "NAME", description = "The cloud or operator of the training run (e.g. aws): selects its PUE before --training-region does.")
    String trainingProvider;

    @Option(names = "--training-grid-g-per-kwh", paramLabel = "G", description = "Grid intensity during training, gCO2e/kWh.")
    Double trainingGrid;

    @Option(names = "--training-region", paramLabel = "REGION", description = "Region of the training run, to look up its grid intensity, and its PUE when --training-provider has none (e.g. eu-central-1).")
    String trainingRegion;

    @Option(names = "--training-date", paramLabel = "YYYY-MM-DD", description = "When the run happened, for the factors in effect then (default: today).")
    LocalDate trainingDate;

    @Option(names = "--embodied-g-per-gpu-hour", paramLabel = "G", description = "Optional embodied emissions per GPU-hour (about 6.2 for an H100 over 3 years).")
    Double embodiedGPerGpuHour;

    // Inference, per request
    @Option(names = "--baseline-wh-per-request", paramLabel = "WH", description = "IT energy per baseline request, before PUE.")
    Double baselineWh;

    @Option(names = "--baseline-model", paramLabel = "ID", description = "Instead of --baseline-wh-per-request: the baseline model, run through the energy model with the token flags.")
    String baselineModel;

    @Option(names = "--baseline-params-b", paramLabel = "B", description = "Active parameters of the baseline in billions (default: from the model catalog).")
    Double baselineParams;

    @Option(names = "--baseline-input-tokens", paramLabel = "N", description = "Input tokens per baseline request (with --baseline-model).")
    Long baselineInput;

    @Option(names = "--baseline-cached-input-tokens", paramLabel = "N", description = "Of those, served from a prompt cache (default: ${DEFAULT-VALUE}).")
    long baselineCached = 0;

    @Option(names = "--baseline-output-tokens", paramLabel = "N", description = "Output tokens per baseline request (with --baseline-model).")
    Long baselineOutput;

    @Option(names = "--candidate-wh-per-request", paramLabel = "WH", description = "IT energy per candidate request, before PUE.")
    Double candidateWh;

    @Option(names = "--candidate-model", paramLabel = "ID", description = "Instead of --candidate-wh-per-request: the candidate model, run through the energy model with the token flags.")
    String candidateModel;

    @Option(names = "--candidate-params-b", paramLabel = "B", description = "Active parameters of the candidate in billions (default: from the model catalog).")
    Double candidateParams;

    @Option(names = "--candidate-input-tokens", paramLabel = "N", description = "Input tokens per candidate request (with --candidate-model).")
    Long candidateInput;

    @Option(names = "--candidate-cached-input-tokens", paramLabel = "N", description = "Of those, served from a prompt cache (default: ${DEFAULT-VALUE}).")
    long candidateCached = 0;

    @Option(names = "--candidate-output-tokens", paramLabel = "N", description = "Output tokens per candidate request (with --candidate-model).")
    Long candidateOutput;

    @Option(names = "--baseline-success-rate", paramLabel = "R", description = "Share of baseline requests that complete the task, in (0, 1] (default: ${DEFAULT-VALUE}).")
    double baselineSuccessRate = 1.0;

    @Option(names = "--candidate-success-rate", paramLabel = "R", description = "Share of candidate requests that complete the task, in (0, 1] (default: ${DEFAULT-VALUE}).")
    double candidateSuccessRate = 1.0;

    @Option(names = "--inference-pue", paramLabel = "PUE", description = "PUE during inference (>= 1). Default: the factor table's value for --inference-provider, else --inference-region, else 1.58.")
    Double inferencePue;

    @Option(names = "--inference-provider", paramLabel = "NAME", description = "The cloud or provider serving inference (e.g. aws): selects the inference PUE before --inference-region does.")
    String inferenceProvider;

    @Option(names = "--inference-grid-g-per-kwh", paramLabel = "G", description = "Grid intensity during inference, gCO2e/kWh.")
    Double inferenceGrid;

    @Option(names = "--inference-region", paramLabel = "REGION", description = "Region where inference runs, to look up its grid intensity, and its PUE when --inference-provider has none (e.g. eu-north-1).")
    String inferenceRegion;

    // Traffic and horizon
    @Option(names = "--successful-tasks-per-day", paramLabel = "N", required = true, description = "Traffic: successful tasks per day.")
    double tasksPerDay;

    @Option(names = "--horizon-days", paramLabel = "D", required = true, description = "The amortization horizon in days: how long the fine-tune will serve.")
    double horizonDays;

    // Files and output
    @Option(names = "--catalog", paramLabel = "FILE", description = "A model catalog CSV searched before the shipped one.")
    Path catalogFile;

    @Option(names = "--grid-factors", paramLabel = "FILE", description = "A grid intensity CSV added to the shipped one.")
    Path gridFile;

    @Option(names = "--pue-factors", paramLabel = "FILE", description = "A PUE CSV added to the shipped one.")
    Path pueFile;

    @Option(names = "--json", description = "Print JSON (snake_case) instead of a table.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        OneOffRun run = validate();
        FactorTable factors = loadFactors();
        Instant now = Instant.now();

        ResolvedGrid trainingGridUsed = trainingGrid != null
                ? ResolvedGrid.given(trainingGrid, "--training-grid-g-per-kwh")
                : factors.grid(trainingRegion, run.startedAt());
        Footprint training = new FootprintCalculator(factors).of(run, trainingGridUsed);

        EnergyModel model = new EnergyModel(catalogFile == null ? ModelCatalog.defaults() : loadCatalog(), TokenWeights.DEFAULT);
        PerRequest baseline = perRequest("baseline", baselineWh, baselineModel, baselineParams, baselineInput, baselineCached, baselineOutput, model);
        PerRequest candidate = perRequest("candidate", candidateWh, candidateModel, candidateParams, candidateInput, candidateCached, candidateOutput, model);

        ResolvedPue pueUsed = inferencePue != null ? ResolvedPue.given(inferencePue, "--inference-pue")
                : factors.pue(inferenceProvider, inferenceRegion, now);
        ResolvedGrid inferenceGridUsed = inferenceGrid != null
                ? ResolvedGrid.given(inferenceGrid, "--inference-grid-g-per-kwh")
                : factors.grid(inferenceRegion, now);

        SeedEstimate.Result result = SeedEstimate.compute(new SeedEstimate.Inputs(training, baseline.itWh(), candidate.itWh(),
                baselineSuccessRate, candidateSuccessRate, pueUsed.pue(), inferenceGridUsed.locationGPerKwh(), tasksPerDay,
                horizonDays));

        List<String> sources = new ArrayList<>(training.sources());
        sources.add("baseline: " + baseline.source());
        sources.add("candidate: " + candidate.source());
        sources.add("inference PUE " + Numbers.format(pueUsed.pue()) + " (" + pueUsed.source() + ")");
        sources.add("inference grid " + Numbers.format(inferenceGridUsed.locationGPerKwh()) + " gCO2e/kWh location-based"
                + (inferenceGridUsed.worldDefault() ? " (world default: region unknown)" : "") + " (" + inferenceGridUsed.source() + ")");

        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(toJson(result, baseline, candidate, pueUsed, inferenceGridUsed, trainingGridUsed, sources)));
        } else {
            printTable(out, result, baseline, candidate, pueUsed, inferenceGridUsed, trainingGridUsed, sources);
        }
        out.flush();
        return 0;
    }

    private record PerRequest(double itWh, EvidenceTier tier, String source) {
    }

    private PerRequest perRequest(String who, Double wh, String modelId, Double params, Long input, long cached,
                                  Long output, EnergyModel model) {
        if (wh != null) {
            return new PerRequest(wh, EvidenceTier.ESTIMATED, Numbers.format(wh) + " Wh/request IT energy (--" + who + "-wh-per-request)");
        }
        RequestEnergy energy = model.estimate(new RequestUsage(modelId, params, null, input, cached, output, null, null));
        if (!energy.available()) {
            throw new ParameterException(spec.commandLine(), "--" + who + "-model '" + modelId
                    + "' is not in the model catalog: give its size with --" + who + "-params-b");
        }
        return new PerRequest(energy.itWh(), energy.tier(), Numbers.format(energy.itWh()) + " Wh/request for " + modelId + ", "
                + input + " input (" + cached + " cached) and " + output + " output tokens: " + energy.source());
    }

    private Map<String, Object> toJson(SeedEstimate.Result r, PerRequest baseline, PerRequest candidate, ResolvedPue pue,
                                       ResolvedGrid inferenceGridUsed, ResolvedGrid trainingGridUsed, List<String> sources) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("training_kwh", r.training().kwh());
        json.put("training_kg_co2e", r.training().kgCo2eLocation());
        json.put("training_tier", r.training().tier().name());
        json.put("training_grid_g_per_kwh", trainingGridUsed.locationGPerKwh());
        json.put("baseline_wh_per_request", baseline.itWh());
        json.put("baseline_tier", baseline.tier().name());
        json.put("candidate_wh_per_request", candidate.itWh());
        json.put("candidate_tier", candidate.tier().name());
        json.put("inference_pue", pue.pue());
        json.put("inference_grid_g_per_kwh", inferenceGridUsed.locationGPerKwh());
        json.put("baseline_wh_per_successful_task", r.baselineWhPerSuccessfulTask());
        json.put("candidate_wh_per_successful_task", r.candidateWhPerSuccessfulTask());
        json.put("saving_wh_per_successful_task", r.savingWhPerSuccessfulTask());
        json.put("saving_g_co2e_per_successful_task", r.savingGCo2ePerSuccessfulTask());
        json.put("break_even_successful_tasks", nullable(r.breakEvenSuccessfulTasks()));
        json.put("break_even_days", nullable(r.breakEvenDays()));
        json.put("break_even_successful_tasks_co2e", nullable(r.breakEvenSuccessfulTasksCo2e()));
        json.put("break_even_days_co2e", nullable(r.breakEvenDaysCo2e()));
        json.put("horizon_days", horizonDays);
        json.put("horizon_successful_tasks", r.horizonSuccessfulTasks());
        json.put("horizon_net_kwh", r.horizonNetKwh());
        json.put("horizon_net_kg_co2e", r.horizonNetKgCo2e());
        json.put("pays_back_within_horizon", r.paysBackWithinHorizon());
        json.put("pays_back_within_horizon_co2e", r.paysBackWithinHorizonCo2e());
        json.put("sources", sources);
        return json;
    }

    private static Double nullable(OptionalDouble value) {
        return value.isPresent() ? value.getAsDouble() : null;
    }

    private void printTable(PrintWriter out, SeedEstimate.Result r, PerRequest baseline, PerRequest candidate,
                            ResolvedPue pue, ResolvedGrid inferenceGridUsed, ResolvedGrid trainingGridUsed, List<String> sources) {
        double gPerWh = inferenceGridUsed.locationGPerKwh() / 1000.0;
        out.println("Seed estimate: does the fine-tune repay its one-off footprint?");
        out.println();
        out.printf(Locale.ROOT, "One-off footprint (%s)%n", r.training().tier());
        out.printf(Locale.ROOT, "  energy    %,14.2f kWh%n", r.training().kwh());
        out.printf(Locale.ROOT, "  carbon    %,14.2f kgCO2e   at %s gCO2e/kWh%n", r.training().kgCo2eLocation(), Numbers.format(trainingGridUsed.locationGPerKwh()));
        out.println();
        out.printf(Locale.ROOT, "Inference per successful task (PUE %s, %s gCO2e/kWh)%n", Numbers.format(pue.pue()), Numbers.format(inferenceGridUsed.locationGPerKwh()));
        out.printf(Locale.ROOT, "  %-22s %14s %14s  %s%n", "", "energy (Wh)", "carbon (g)", "tier");
        out.printf(Locale.ROOT, "  %-22s %14.4f %14.4f  %s%n", "baseline", r.baselineWhPerSuccessfulTask(), r.baselineWhPerSuccessfulTask() * gPerWh, baseline.tier());
        out.printf(Locale.ROOT, "  %-22s %14.4f %14.4f  %s%n", "candidate", r.candidateWhPerSuccessfulTask(), r.candidateWhPerSuccessfulTask() * gPerWh, candidate.tier());
        out.printf(Locale.ROOT, "  %-22s %14.4f %14.4f%n", "saving", r.savingWhPerSuccessfulTask(), r.savingGCo2ePerSuccessfulTask());
        out.println();
        out.printf(Locale.ROOT, "Break-even %24s %14s%n", "energy", "carbon");
        out.printf(Locale.ROOT, "  %-22s %14s %14s%n", "successful tasks", never(r.breakEvenSuccessfulTasks(), "%,.0f"), never(r.breakEvenSuccessfulTasksCo2e(), "%,.0f"));
        out.printf(Locale.ROOT, "  %-22s %14s %14s%n", "days at " + Numbers.format(tasksPerDay) + "/day", never(r.breakEvenDays(), "%,.1f"), never(r.breakEvenDaysCo2e(), "%,.1f"));
        out.println();
        out.printf(Locale.ROOT, "Over the %s-day horizon (%,.0f successful tasks)%n", Numbers.format(horizonDays), r.horizonSuccessfulTasks());
        out.printf(Locale.ROOT, "  %-22s %10.2f kWh %10.2f kgCO2e%n", "net saving", r.horizonNetKwh(), r.horizonNetKgCo2e());
        out.printf(Locale.ROOT, "  %-22s %14s %14s%n", "pays back", r.paysBackWithinHorizon() ? "yes" : "no", r.paysBackWithinHorizonCo2e() ? "yes" : "no");
        out.println();
        out.println("Sources");
        sources.forEach(s -> out.println("  - " + s));
    }

    private static String never(OptionalDouble value, String format) {
        return value.isPresent() ? String.format(Locale.ROOT, format, value.getAsDouble()) : "never";
    }

    private FactorTable loadFactors() {
        try {
            return gridFile == null && pueFile == null ? FactorTable.defaults() : FactorTable.withOverrides(gridFile, pueFile);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), (gridFile != null ? "--grid-factors" : "--pue-factors") + ": " + e.getMessage());
        }
    }

    private ModelCatalog loadCatalog() {
        try {
            return ModelCatalog.withOverrides(catalogFile);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--catalog: " + e.getMessage());
        }
    }

    /** Checks every flag before any work, and returns the one-off run the flags describe. */
    private OneOffRun validate() {
        OneOffRun run = oneOffRun();
        exactlyOne("--training-grid-g-per-kwh", trainingGrid, "--training-region", trainingRegion);
        if (trainingGrid != null) {
            nonNegative("--training-grid-g-per-kwh", trainingGrid);
        }
        variant("baseline", baselineWh, baselineModel, baselineParams, baselineInput, baselineCached, baselineOutput);
        variant("candidate", candidateWh, candidateModel, candidateParams, candidateInput, candidateCached, candidateOutput);
        rate("--baseline-success-rate", baselineSuccessRate);
        rate("--candidate-success-rate", candidateSuccessRate);
        if (inferencePue != null) {
            pue("--inference-pue", inferencePue);
        }
        exactlyOne("--inference-grid-g-per-kwh", inferenceGrid, "--inference-region", inferenceRegion);
        if (inferenceGrid != null) {
            nonNegative("--inference-grid-g-per-kwh", inferenceGrid);
        }
        nonNegative("--successful-tasks-per-day", tasksPerDay);
        nonNegative("--horizon-days", horizonDays);
        return run;
    }

    /**
     * The one-off run, checked by {@link OneOffRunValidator} (the checks the streams app applies to a published run)
     * with its fields named by their flags. A null PUE makes the calculator look it up for the provider, else the
     * region, else the default, and say which it used; facility-metered energy gets none.
     */
    private OneOffRun oneOffRun() {
        Instant trainedAt = (trainingDate == null ? LocalDate.now(ZoneOffset.UTC) : trainingDate).atStartOfDay(ZoneOffset.UTC).toInstant();
        MeteredScope scope = null;
        if (trainingKwh != null) {
            scope = trainingKwhScope == null ? MeteredScope.FACILITY : trainingKwhScope;
            if (gpuPowerW != null) {
                fail("--training-kwh replaces --gpu-power-w" + (scope == MeteredScope.FACILITY ? " and --training-pue" : "")
                        + ": give one or the other");
            }
            if (scope == MeteredScope.FACILITY && trainingPue != null) {
                fail("--training-kwh replaces --gpu-power-w and --training-pue: facility-metered energy already includes "
                        + "the PUE (pass --training-kwh-scope it if it is the servers' draw)");
            }
        } else {
            if (trainingKwhScope != null) {
                fail("--training-kwh-scope needs --training-kwh: it says what the metered energy measured");
            }
            if (gpuHours == null || gpuPowerW == null) {
                fail("give the one-off run as --gpu-hours and --gpu-power-w, or as --training-kwh");
            }
        }
        if (embodiedGPerGpuHour != null && gpuHours == null) {
            fail("--embodied-g-per-gpu-hour needs --gpu-hours: embodied emissions are charged per GPU-hour");
        }
        double hours = gpuHours == null ? 0 : gpuHours;
        double power = gpuPowerW == null ? 0 : gpuPowerW;
        Double pue = scope == MeteredScope.FACILITY ? null : trainingPue;
        List<String> problems = OneOffRunValidator.problems(RUN_ID, RunKind.FINE_TUNE, hours, power, pue,
                overheadFactor, trainingKwh, scope, trainedAt, embodiedGPerGpuHour);
        if (!problems.isEmpty()) {
            fail("invalid one-off run: " + RUN_FLAGS.message(problems));
        }
        return new OneOffRun(RUN_ID, RunKind.FINE_TUNE, hours, power, pue, overheadFactor, trainingKwh, scope,
                trainingRegion, trainingProvider, trainedAt, embodiedGPerGpuHour);
    }

    private static Map<String, String> runFlagsByField() {
        Map<String, String> flags = new LinkedHashMap<>();
        flags.put("gpuHours", "--gpu-hours");
        flags.put("avgPowerWPerGpu", "--gpu-power-w");
        flags.put("pue", "--training-pue");
        flags.put("overheadFactor", "--overhead-factor");
        flags.put("meteredKwh", "--training-kwh");
        flags.put("meteredScope", "--training-kwh-scope");
        flags.put("startedAt", "--training-date");
        flags.put("embodiedGPerGpuHour", "--embodied-g-per-gpu-hour");
        return flags;
    }

    private void variant(String who, Double wh, String model, Double params, Long input, long cached, Long output) {
        String whFlag = "--" + who + "-wh-per-request";
        String modelFlag = "--" + who + "-model";
        if (wh != null && model != null) {
            fail(whFlag + " and " + modelFlag + " conflict: give one or the other");
        }
        if (wh == null && model == null) {
            fail("give " + whFlag + ", or " + modelFlag + " with --" + who + "-input-tokens and --" + who + "-output-tokens");
        }
        if (wh != null) {
            nonNegative(whFlag, wh);
            if (params != null || input != null || output != null) {
                fail(whFlag + " conflicts with the --" + who + "-params-b and token flags, which go with " + modelFlag);
            }
            return;
        }
        if (input == null || output == null) {
            fail(modelFlag + " needs --" + who + "-input-tokens and --" + who + "-output-tokens");
        }
        nonNegative("--" + who + "-input-tokens", input);
        nonNegative("--" + who + "-output-tokens", output);
        nonNegative("--" + who + "-cached-input-tokens", cached);
        if (cached > input) {
            fail("--" + who + "-cached-input-tokens (" + cached + ") exceeds --" + who + "-input-tokens (" + input + ")");
        }
        if (params != null && !(params > 0 && Double.isFinite(params))) {
            fail("--" + who + "-params-b must be positive, got " + Numbers.format(params));
        }
    }

    private void exactlyOne(String a, Object aValue, String b, Object bValue) {
        if (aValue != null && bValue != null) {
            fail(a + " and " + b + " conflict: give one or the other");
        }
        if (aValue == null && bValue == null) {
            fail("give " + a + " or " + b);
        }
    }

    private void nonNegative(String flag, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            fail(flag + " must be a number >= 0, got " + Numbers.format(value));
        }
    }

    private void pue(String flag, double value) {
        if (!(value >= 1) || Double.isInfinite(value)) {
            fail(flag + " must be >= 1 (1.0 would mean no cooling or power overhead at all), got " + Numbers.format(value));
        }
    }

    private void rate(String flag, double value) {
        if (!(value > 0 && value <= 1)) {
            fail(flag + " must be in (0, 1], got " + Numbers.format(value));
        }
    }

    private void fail(String message) {
        throw new ParameterException(spec.commandLine(), message);
    }

}
