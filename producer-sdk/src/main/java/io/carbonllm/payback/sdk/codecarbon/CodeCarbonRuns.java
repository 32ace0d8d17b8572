package io.carbonllm.payback.sdk.codecarbon;

import io.carbonllm.payback.events.TrainingRun;
import io.carbonllm.payback.methodology.footprint.RunKind;
import io.carbonllm.payback.sdk.PaybackTracker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiPredicate;

/**
 * CodeCarbon's {@code emissions.csv} read as metered one-off runs, one {@link CodeCarbonRun} per CodeCarbon
 * {@code run_id}, and recorded through a {@link PaybackTracker}. Reading is plain Java: no Kafka, no factor tables.
 *
 * <p>CodeCarbon writes a run's cumulative totals on every flush, so a run's last row is its total (never the sum of
 * its rows). {@code energy_consumed} already includes CodeCarbon's {@code pue} parameter: with 1.0 (its default) it
 * is IT energy and our PUE applies, otherwise it is facility energy. See docs/methodology.md, "CodeCarbon".
 *
 * <pre>{@code
 * List<CodeCarbonRun> runs = CodeCarbonRuns.read(Path.of("emissions.csv"));
 * CodeCarbonRuns.record(tracker, "ft-final", runs, RunKind.FINE_TUNE, "llama-3.1-8b-support-ft", 1.0, null);
 * }</pre>
 */
public final class CodeCarbonRuns {

    static final String RUN_ID = "run_id";
    static final String TIMESTAMP = "timestamp";
    static final String DURATION = "duration";
    static final String ENERGY = "energy_consumed";
    static final String PUE = "pue";
    static final String GPU_COUNT = "gpu_count";
    static final String CLOUD_PROVIDER = "cloud_provider";
    static final String CLOUD_REGION = "cloud_region";
    static final String COUNTRY = "country_iso_code";

    private static final List<String> REQUIRED = List.of(RUN_ID, TIMESTAMP, DURATION, ENERGY);

    /** CodeCarbon's cloud provider names (its data/cloud/impact.csv) that our factor tables spell differently. */
    private static final Map<String, String> PROVIDERS = Map.of("gcp", "google");

    private CodeCarbonRuns() {
    }

    /**
     * The runs in {@code file} (UTF-8), in the order of their first row; the location notes do not say whether a
     * grid table has a row for the location (see {@link #read(Path, BiPredicate)}).
     *
     * @throws IllegalArgumentException naming the file, line and column of the first problem in the file
     * @throws IOException              when the file cannot be read
     */
    public static List<CodeCarbonRun> read(Path file) throws IOException {
        return read(file, null);
    }

    /**
     * The runs in {@code file} (UTF-8), in the order of their first row, named in messages as {@code file.toString()}.
     *
     * @param gridHasRow whether the grid table the caller checks against has a row for a region key (lower-cased by
     *                   the table, as ours are) at the run's start, so that each run's location note can say whether
     *                   the world default applies. The CLI passes the shipped table's check,
     *                   {@code (region, at) -> !FactorTable.defaults().grid(region, at).worldDefault()}, which the
     *                   note's wording names ("the shipped table"). Null: the notes leave the grid out.
     * @throws IllegalArgumentException naming the file, line and column of the first problem in the file
     * @throws IOException              when the file cannot be read
     */
    public static List<CodeCarbonRun> read(Path file, BiPredicate<String, Instant> gridHasRow) throws IOException {
        return parse(file.toString(), Files.readString(file), gridHasRow);
    }

    /**
     * Records each run through {@link PaybackTracker#recordTrainingRun} as {@code id-N} (N its position in the file,
     * {@link CodeCarbonRun#runId}), never blocking. Every run's record is checked first, with the methodology's one
     * set of checks, and none is queued if any is invalid.
     *
     * @param tracker             the tracker to queue on
     * @param id                  the run id prefix comparisons charge ({@code --candidate-runs id-1,id-2})
     * @param runs                the runs to record, as {@link #read} returned them or some of them
     * @param kind                what the runs were for
     * @param candidateModel      the model the runs produced, for readers of the topic; may be null
     * @param overheadFactor      CPU and RAM on top of the GPUs (at least 1; never applied to metered kWh)
     * @param embodiedGPerGpuHour optional embodied emissions per GPU-hour; may be null
     * @return the records the tracker queued, in order; a run it did not queue (closed, or its queue full) is left
     *         out and counted in {@link PaybackTracker#metrics()} as dropped
     * @throws IllegalArgumentException naming the run id, the file, its lines and every problem, for an invalid run
     */
    public static List<TrainingRun> record(PaybackTracker tracker, String id, List<CodeCarbonRun> runs,
                                           RunKind kind, String candidateModel, double overheadFactor,
                                           Double embodiedGPerGpuHour) {
        Objects.requireNonNull(tracker, "tracker");
        Objects.requireNonNull(runs, "runs");
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("id is blank");
        }
        List<TrainingRun> records = new ArrayList<>();
        for (CodeCarbonRun run : runs) {
            String runId = run.runId(id);
            List<String> problems = run.problems(runId, kind, overheadFactor, embodiedGPerGpuHour);
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException("invalid run " + runId + " from " + run.file() + " line "
                        + run.lines() + ": " + String.join("; ", problems));
            }
            records.add(run.toTrainingRun(runId, kind, candidateModel, overheadFactor, embodiedGPerGpuHour));
        }
        List<TrainingRun> queued = new ArrayList<>();
        for (TrainingRun record : records) {
            if (tracker.recordTrainingRun(record)) {
                queued.add(record);
            }
        }
        return queued;
    }

    /**
     * The runs in {@code text} (a file's content), in the order of their first row.
     *
     * @param fileName   the name messages and {@link CodeCarbonRun#file()} give the file
     * @param gridHasRow as for {@link #read(Path, BiPredicate)}; null: the notes leave the grid out
     * @throws IllegalArgumentException naming the file, line and column of the first problem
     */
    public static List<CodeCarbonRun> parse(String fileName, String text, BiPredicate<String, Instant> gridHasRow) {
        List<List<String>> rows = new ArrayList<>();
        List<Integer> lineNumbers = new ArrayList<>();
        String content = text.startsWith("\uFEFF") ? text.substring(1) : text;
        String[] lines = content.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            rows.add(fields(fileName, i + 1, lines[i]));
            lineNumbers.add(i + 1);
        }
        if (rows.isEmpty()) {
            throw new IllegalArgumentException(fileName + " is empty: expected CodeCarbon's header line ("
                    + String.join(",", REQUIRED) + ", ...) and at least one row");
        }
        List<String> header = rows.get(0);
        int headerLine = lineNumbers.get(0);
        Map<String, Integer> columns = new HashMap<>();
        for (int c = 0; c < header.size(); c++) {
            columns.putIfAbsent(header.get(c).trim(), c);
        }
        for (String required : REQUIRED) {
            if (!columns.containsKey(required)) {
                throw new IllegalArgumentException(fileName + " line " + headerLine + ": no column '" + required
                        + "' in the header; a CodeCarbon emissions.csv has " + String.join(", ", REQUIRED)
                        + " (among others). Is this CodeCarbon's emissions.csv?");
            }
        }
        if (rows.size() == 1) {
            throw new IllegalArgumentException(fileName + " has a header (line " + headerLine + ") but no rows");
        }
        Map<String, CodeCarbonRun> runs = new LinkedHashMap<>();
        Map<String, Integer> firstLine = new HashMap<>();
        for (int r = 1; r < rows.size(); r++) {
            Row row = new Row(fileName, lineNumbers.get(r), header, columns, rows.get(r));
            String id = row.text(RUN_ID);
            if (id == null) {
                throw row.problem(RUN_ID, "is empty: every row needs CodeCarbon's run_id");
            }
            firstLine.putIfAbsent(id, row.line);
            CodeCarbonRun previous = runs.get(id);
            int position = previous == null ? runs.size() + 1 : previous.position();
            int first = firstLine.get(id);
            String span = first == row.line ? String.valueOf(first) : first + "-" + row.line;
            runs.put(id, run(row, id, position, span, gridHasRow));
        }
        return List.copyOf(runs.values());
    }

    private static CodeCarbonRun run(Row row, String id, int position, String span,
                                     BiPredicate<String, Instant> gridHasRow) {
        Instant endedAt = row.instant(TIMESTAMP);
        double duration = row.number(DURATION, "a duration in seconds >= 0", 0, true);
        double kwh = row.number(ENERGY, "energy in kWh >= 0", 0, true);
        double pue = row.has(PUE) && row.text(PUE) != null ? row.number(PUE, "a PUE >= 1", 1, false) : 1.0;
        int gpus = row.has(GPU_COUNT) && row.text(GPU_COUNT) != null ? row.count(GPU_COUNT) : 0;
        String cloudProvider = row.has(CLOUD_PROVIDER) ? row.text(CLOUD_PROVIDER) : null;
        String cloudRegion = row.has(CLOUD_REGION) ? row.text(CLOUD_REGION) : null;
        String country = row.has(COUNTRY) ? row.text(COUNTRY) : null;
        String provider = null;
        String region;
        String location;
        if (cloudProvider != null && cloudRegion != null) {
            String raw = cloudProvider.toLowerCase(Locale.ROOT);
            provider = PROVIDERS.getOrDefault(raw, raw);
            region = cloudRegion.toLowerCase(Locale.ROOT);
            location = "cloud region " + region + " (" + CLOUD_PROVIDER + " " + cloudProvider
                    + (provider.equals(raw) ? "" : ", our provider " + provider) + ")";
        } else if (country != null) {
            region = country;
            location = "country " + country + " (no cloud region in the row)";
        } else {
            region = null;
            location = "no cloud region or country in the row";
        }
        Instant startedAt = endedAt.minusNanos(Math.round(duration * 1e9));
        if (region == null) {
            location += ": the world default grid applies";
        } else if (gridHasRow != null) {
            location += gridHasRow.test(region, startedAt) ? ": the grid table has a row for it"
                    : ": no grid row for " + region.toLowerCase(Locale.ROOT) + " in the shipped table, the world "
                            + "default applies (unless the streams app's grid file adds one)";
        }
        return new CodeCarbonRun(row.fileName, id, position, span, endedAt, duration, kwh, pue, gpus, provider, region,
                location);
    }

    /** One row's fields by column name, with errors naming the file, line and column. */
    private static final class Row {
        final String fileName;
        final int line;
        final List<String> header;
        final Map<String, Integer> columns;
        final List<String> fields;

        Row(String fileName, int line, List<String> header, Map<String, Integer> columns, List<String> fields) {
            if (fields.size() != header.size()) {
                throw new IllegalArgumentException(fileName + " line " + line + ": " + fields.size()
                        + " fields, but the header has " + header.size() + " columns: a partial or malformed row");
            }
            this.fileName = fileName;
            this.line = line;
            this.header = header;
            this.columns = columns;
            this.fields = fields;
        }

        boolean has(String column) {
            return columns.containsKey(column);
        }

        /** The trimmed value; null when empty. */
        String text(String column) {
            String value = fields.get(columns.get(column)).trim();
            return value.isEmpty() ? null : value;
        }

        double number(String column, String expected, double min, boolean required) {
            String value = text(column);
            if (value == null && required) {
                throw problem(column, "is empty: expected " + expected);
            }
            try {
                double parsed = Double.parseDouble(value);
                if (Double.isFinite(parsed) && parsed >= min) {
                    return parsed;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw problem(column, "expected " + expected + ", got '" + value + "'");
        }

        int count(String column) {
            String value = text(column);
            try {
                double parsed = Double.parseDouble(value);
                if (parsed >= 0 && parsed == Math.rint(parsed) && parsed <= Integer.MAX_VALUE) {
                    return (int) parsed;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw problem(column, "expected a whole number >= 0, got '" + value + "'");
        }

        Instant instant(String column) {
            String value = text(column);
            if (value == null) {
                throw problem(column, "is empty: expected when the row was written, for example 2025-10-11T10:20:20");
            }
            try {
                return OffsetDateTime.parse(value).toInstant();
            } catch (DateTimeParseException withoutOffset) {
                try {
                    return LocalDateTime.parse(value).toInstant(ZoneOffset.UTC);
                } catch (DateTimeParseException e) {
                    throw problem(column, "expected an ISO-8601 date-time such as 2025-10-11T10:20:20, got '"
                            + value + "'");
                }
            }
        }

        IllegalArgumentException problem(String column, String message) {
            int index = columns.get(column);
            return new IllegalArgumentException(fileName + " line " + line + ", column " + (index + 1) + " ("
                    + column + "): " + message);
        }
    }

    /** The fields of one CSV line (RFC 4180 quoting: "a,b" and "a ""b"""), or an error naming the line and column. */
    static List<String> fields(String fileName, int line, String text) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        int i = 0;
        while (true) {
            if (i < text.length() && text.charAt(i) == '"') {
                int opened = i;
                i++;
                while (true) {
                    if (i >= text.length()) {
                        throw new IllegalArgumentException(fileName + " line " + line + ", column "
                                + (fields.size() + 1) + ": the quote at character " + (opened + 1)
                                + " is never closed (a quoted field spanning lines is not supported)");
                    }
                    char c = text.charAt(i);
                    if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                        field.append('"');
                        i += 2;
                    } else if (c == '"') {
                        i++;
                        break;
                    } else {
                        field.append(c);
                        i++;
                    }
                }
                if (i < text.length() && text.charAt(i) != ',') {
                    throw new IllegalArgumentException(fileName + " line " + line + ", column " + (fields.size() + 1)
                            + ": unexpected text after the closing quote at character " + (i + 1));
                }
            } else {
                while (i < text.length() && text.charAt(i) != ',') {
                    field.append(text.charAt(i));
                    i++;
                }
            }
            fields.add(field.toString());
            field.setLength(0);
            if (i >= text.length()) {
                return fields;
            }
            i++; // the comma
        }
    }
}
