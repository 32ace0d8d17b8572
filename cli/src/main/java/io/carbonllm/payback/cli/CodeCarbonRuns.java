package io.carbonllm.payback.cli;

import io.carbonllm.payback.events.TrainingRun;
import io.carbonllm.payback.methodology.facility.FactorTable;
import io.carbonllm.payback.methodology.facility.ResolvedPue;
import io.carbonllm.payback.methodology.footprint.MeteredScope;
import io.carbonllm.payback.methodology.footprint.RunKind;
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

/**
 * CodeCarbon's {@code emissions.csv} read as metered one-off runs, one per CodeCarbon {@code run_id}; no Kafka.
 *
 * <p>CodeCarbon writes a run's cumulative totals on every flush, so a run's last row is its total (never the sum of
 * its rows). {@code energy_consumed} already includes CodeCarbon's {@code pue} parameter: with 1.0 (its default) it
 * is IT energy and our PUE applies, otherwise it is facility energy. See docs/methodology.md, "CodeCarbon".
 */
final class CodeCarbonRuns {

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
     * One CodeCarbon run, as its last row in the file says.
     *
     * @param codeCarbonRunId CodeCarbon's run_id
     * @param position        1-based order of the run's first row among the file's runs
     * @param lines           the file lines holding its rows, for example "2" or "2-4" (first and last)
     * @param endedAt         CodeCarbon's timestamp (when the row was written), read as UTC when it has no offset
     * @param durationSeconds seconds since the tracker started
     * @param kwh             energy_consumed, kWh
     * @param pue             CodeCarbon's pue parameter (1.0 when absent or empty)
     * @param gpuCount        gpu_count (0 when empty)
     * @param provider        our provider key (from cloud_provider), or null
     * @param region          our region key: the cloud region, else the country code, else null
     * @param location        which location was used and whether the grid table has a row for it
     */
    record Metered(String codeCarbonRunId, int position, String lines, Instant endedAt, double durationSeconds,
                   double kwh, double pue, int gpuCount, String provider, String region, String location) {

        MeteredScope scope() {
            return pue == 1.0 ? MeteredScope.IT : MeteredScope.FACILITY;
        }

        double hours() {
            return durationSeconds / 3600.0;
        }

        Instant startedAt() {
            return endedAt.minusNanos(Math.round(durationSeconds * 1e9));
        }

        /** What this run's energy means, and for IT energy the PUE the tables give it (at its start). */
        String energyNote(FactorTable factors) {
            if (scope() == MeteredScope.FACILITY) {
                return "facility energy: CodeCarbon already multiplied in its pue " + pue;
            }
            ResolvedPue applied = factors.pue(provider, region, startedAt());
            return "IT energy (CodeCarbon pue 1.0): our PUE applies, " + applied.pue() + " by "
                    + applied.scope().label() + " " + applied.key();
        }

        /** The record to publish under {@code runId}; the caller validates it. */
        TrainingRun record(String runId, RunKind kind, String model, double overheadFactor, Double embodied) {
            return TrainingRun.newBuilder().setRunId(runId).setKind(kind.name()).setCandidateModel(model)
                    .setGpuCount(gpuCount).setHours(hours()).setAvgPowerWPerGpu(0).setPue(null)
                    .setOverheadFactor(overheadFactor).setMeteredKwh(kwh).setMeteredScope(scope().name())
                    .setProvider(provider).setRegion(region).setStartedAt(startedAt())
                    .setEmbodiedGPerGpuHour(embodied).build();
        }
    }

    /**
     * The runs in {@code text} (the file's content), in the order of their first row; an
     * {@link IllegalArgumentException} naming the file, line and column of the first problem otherwise.
     */
    static List<Metered> parse(String fileName, String text, FactorTable factors) {
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
        Map<String, Metered> runs = new LinkedHashMap<>();
        Map<String, Integer> firstLine = new HashMap<>();
        for (int r = 1; r < rows.size(); r++) {
            Row row = new Row(fileName, lineNumbers.get(r), header, columns, rows.get(r));
            String id = row.text(RUN_ID);
            if (id == null) {
                throw row.problem(RUN_ID, "is empty: every row needs CodeCarbon's run_id");
            }
            firstLine.putIfAbsent(id, row.line);
            Metered previous = runs.get(id);
            int position = previous == null ? runs.size() + 1 : previous.position();
            int first = firstLine.get(id);
            String span = first == row.line ? String.valueOf(first) : first + "-" + row.line;
            runs.put(id, metered(row, id, position, span, factors));
        }
        return List.copyOf(runs.values());
    }

    private static Metered metered(Row row, String id, int position, String span, FactorTable factors) {
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
        boolean known = region != null && !factors.grid(region, startedAt).worldDefault();
        location += known ? ": the grid table has a row for it"
                : region == null ? ": the world default grid applies"
                : ": no grid row for " + region.toLowerCase(Locale.ROOT) + " in the shipped table, the world default "
                        + "applies (unless the streams app's grid file adds one)";
        return new Metered(id, position, span, endedAt, duration, kwh, pue, gpus, provider, region, location);
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
