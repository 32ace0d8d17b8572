package io.carbonllm.payback.methodology.energy;

import io.carbonllm.payback.methodology.Csv;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Maps a model id to its size and optional benchmarked energy. The shipped defaults ({@code model-catalog.csv}) can
 * be overridden by a user file of the same format, whose entries are searched first.
 */
public final class ModelCatalog {

    private static final String DEFAULT_RESOURCE = "/io/carbonllm/payback/methodology/model-catalog.csv";
    /** Lookups happen for every request, and a deployment sees few model ids: remember them, up to a bound. */
    private static final int MAX_CACHED_IDS = 10_000;
    private final List<ModelProfile> profiles;
    private final java.util.Map<String, Optional<ModelProfile>> byModelId = new java.util.concurrent.ConcurrentHashMap<>();

    public ModelCatalog(List<ModelProfile> profiles) {
        this.profiles = List.copyOf(profiles);
    }

    public static ModelCatalog defaults() {
        try (InputStream in = ModelCatalog.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("Missing resource " + DEFAULT_RESOURCE);
            }
            return new ModelCatalog(parse(in, "model-catalog.csv (shipped)"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The user's file first, then the shipped defaults. */
    public static ModelCatalog withOverrides(Path file) {
        List<ModelProfile> all = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file)) {
            all.addAll(parse(in, file.toString()));
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot read model catalog " + file + ": " + e.getMessage(), e);
        }
        all.addAll(defaults().profiles);
        return new ModelCatalog(all);
    }

    static List<ModelProfile> parse(InputStream in, String file) {
        List<ModelProfile> profiles = new ArrayList<>();
        for (Csv.Row row : Csv.read(in, file)) {
            Double active = positive(row, "active_params_b");
            Double total = positive(row, "total_params_b");
            Double joules = positive(row, "j_per_output_token");
            String scope = row.optionalText("energy_scope");
            boolean gpuOnly = scope != null && scope.toUpperCase(Locale.ROOT).equals("GPU");
            if (scope != null && !gpuOnly && !scope.toUpperCase(Locale.ROOT).equals("IT")) {
                throw row.error("energy_scope", scope, "must be GPU or IT");
            }
            if (joules != null && gpuOnly && active == null) {
                throw row.error("active_params_b", null, "is required with a GPU-only energy profile (for the server share)");
            }
            if (active != null && total != null && active > total) {
                throw row.error("active_params_b", active.toString(), "exceeds total_params_b " + total);
            }
            Integer gpus = positiveInteger(row, "gpus");
            if (gpus != null && joules == null) {
                throw row.error("gpus", gpus.toString(), "is the benchmark's GPU count: it needs j_per_output_token");
            }
            profiles.add(new ModelProfile(row.text("pattern"), active, total, joules, gpuOnly, gpus, row.text("source")));
        }
        return profiles;
    }

    private static Double positive(Csv.Row row, String column) {
        Double value = row.optionalNumber(column);
        if (value != null && value <= 0) {
            throw row.error(column, value.toString(), "must be positive");
        }
        return value;
    }

    private static Integer positiveInteger(Csv.Row row, String column) {
        String text = row.optionalText(column);
        if (text == null) {
            return null;
        }
        try {
            int value = Integer.parseInt(text);
            if (value > 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below, like a value that is not positive
        }
        throw row.error(column, text, "must be a positive integer");
    }

    /** The first profile whose pattern matches the model id. */
    public Optional<ModelProfile> lookup(String modelId) {
        if (modelId == null) {
            return Optional.empty();
        }
        Optional<ModelProfile> cached = byModelId.get(modelId);
        if (cached != null) {
            return cached;
        }
        Optional<ModelProfile> found = profiles.stream().filter(p -> p.matches(modelId)).findFirst();
        if (byModelId.size() < MAX_CACHED_IDS) {
            byModelId.put(modelId, found);
        }
        return found;
    }

    public List<ModelProfile> profiles() {
        return profiles;
    }
}
