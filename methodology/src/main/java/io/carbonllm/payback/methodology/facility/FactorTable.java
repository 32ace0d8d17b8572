package io.carbonllm.payback.methodology.facility;

import io.carbonllm.payback.methodology.Csv;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Grid carbon intensities per region and PUE per provider or region, each with an effective-from date: a value
 * applies from its date until a later value for the same key, never retroactively. Defaults ship as
 * {@code grid-intensity.csv} and {@code facility-pue.csv}; user files of the same format add to or supersede them.
 */
public final class FactorTable {

    private static final String GRID_RESOURCE = "/io/carbonllm/payback/methodology/grid-intensity.csv";
    private static final String PUE_RESOURCE = "/io/carbonllm/payback/methodology/facility-pue.csv";
    public static final String WORLD = "*";

    private record GridRow(String region, Instant from, double location, Double market, MarketInstrument instrument,
                           String source, int order) {
    }

    private record PueRow(String scope, String key, Instant from, double pue, String source, int order) {
    }

    /** A grid intensity row added at run time (for example from a factors topic). */
    public record GridFactor(String region, Instant effectiveFrom, double locationGPerKwh, Double marketGPerKwh,
                             MarketInstrument marketInstrument, String source) {
        public GridFactor {
            if (!(locationGPerKwh >= 0) || Double.isInfinite(locationGPerKwh) || (marketGPerKwh != null && !(marketGPerKwh >= 0))) {
                throw new IllegalArgumentException("grid intensity for " + region + " must be >= 0: " + locationGPerKwh);
            }
            if (marketInstrument != null && marketGPerKwh == null) {
                throw new IllegalArgumentException("grid intensity for " + region + " names a market instrument ("
                        + marketInstrument.label() + ") without a market-based value");
            }
        }

        /** A row that names no market instrument. */
        public GridFactor(String region, Instant effectiveFrom, double locationGPerKwh, Double marketGPerKwh,
                          String source) {
            this(region, effectiveFrom, locationGPerKwh, marketGPerKwh, null, source);
        }
    }

    /** A PUE row added at run time; scope is provider, region or default. */
    public record PueFactor(String scope, String key, Instant effectiveFrom, double pue, String source) {
        public PueFactor {
            requirePue(pue, scope + " " + key);
            if (!List.of("provider", "region", "default").contains(scope)) {
                throw new IllegalArgumentException("PUE scope must be provider, region or default: " + scope);
            }
        }
    }

    private final List<GridRow> gridRows;
    private final List<PueRow> pueRows;

    // Indexed by key, since the streams app looks factors up for every event.
    private final Map<String, List<GridRow>> gridByRegion;
    private final Map<String, List<PueRow>> pueByScopeKey;

    private FactorTable(List<GridRow> grid, List<PueRow> pue) {
        this.gridRows = List.copyOf(grid);
        this.pueRows = List.copyOf(pue);
        this.gridByRegion = grid.stream().collect(Collectors.groupingBy(GridRow::region));
        this.pueByScopeKey = pue.stream().collect(Collectors.groupingBy(r -> r.scope() + "|" + r.key()));
        if (!gridByRegion.containsKey(WORLD)) {
            throw new IllegalArgumentException("The grid intensity table has no world default (region " + WORLD + ")");
        }
        if (pue.stream().noneMatch(r -> r.scope().equals("default"))) {
            throw new IllegalArgumentException("The PUE table has no default row (scope default)");
        }
    }

    public static FactorTable defaults() {
        return load(resource(GRID_RESOURCE), "grid-intensity.csv (shipped)", resource(PUE_RESOURCE),
                "facility-pue.csv (shipped)", null, null);
    }

    /** The shipped defaults plus user files (either may be null); a user row wins over a default row of the same key and date. */
    public static FactorTable withOverrides(Path gridFile, Path pueFile) {
        return load(resource(GRID_RESOURCE), "grid-intensity.csv (shipped)", resource(PUE_RESOURCE),
                "facility-pue.csv (shipped)", gridFile, pueFile);
    }

    /**
     * This table plus rows added at run time. An added row wins over an existing one of the same key and date;
     * otherwise the row in effect is, as always, the latest one dated at or before the time asked about.
     */
    public FactorTable plus(List<GridFactor> grid, List<PueFactor> pue) {
        if (grid.isEmpty() && pue.isEmpty()) {
            return this;
        }
        List<GridRow> allGrid = new ArrayList<>(gridRows);
        for (GridFactor g : grid) {
            allGrid.add(new GridRow(g.region().toLowerCase(Locale.ROOT), g.effectiveFrom(), g.locationGPerKwh(),
                    g.marketGPerKwh(), g.marketInstrument(), g.source(), allGrid.size()));
        }
        List<PueRow> allPue = new ArrayList<>(pueRows);
        for (PueFactor p : pue) {
            allPue.add(new PueRow(p.scope(), p.key().toLowerCase(Locale.ROOT), p.effectiveFrom(), p.pue(), p.source(),
                    allPue.size()));
        }
        return new FactorTable(allGrid, allPue);
    }

    private static FactorTable load(InputStream gridIn, String gridName, InputStream pueIn, String pueName,
                                    Path gridFile, Path pueFile) {
        List<GridRow> grid = new ArrayList<>();
        List<PueRow> pue = new ArrayList<>();
        readGrid(gridIn, gridName, grid);
        readPue(pueIn, pueName, pue);
        if (gridFile != null) {
            readGrid(open(gridFile), gridFile.toString(), grid);
        }
        if (pueFile != null) {
            readPue(open(pueFile), pueFile.toString(), pue);
        }
        return new FactorTable(grid, pue);
    }

    /**
     * The optional {@code market_instrument} column: what a market-based figure rests on. Named without a market-based
     * figure, it is an error; a market-based figure without one is accepted (older files) and reported as not stated.
     */
    private static MarketInstrument instrument(Csv.Row row, Double market) {
        String text = row.optionalText("market_instrument");
        if (text == null) {
            return null;
        }
        if (market == null) {
            throw row.error("market_instrument", text, "needs a market_g_per_kwh on the same row");
        }
        try {
            return MarketInstrument.parse(text);
        } catch (IllegalArgumentException e) {
            throw row.error("market_instrument", text, "is not one of " + MarketInstrument.allowed());
        }
    }

    private static void readGrid(InputStream in, String name, List<GridRow> into) {
        try (in) {
            for (Csv.Row row : Csv.read(in, name)) {
                double location = row.number("location_g_per_kwh");
                Double market = row.optionalNumber("market_g_per_kwh");
                if (location < 0 || (market != null && market < 0)) {
                    throw row.error("location_g_per_kwh", String.valueOf(location), "must not be negative");
                }
                MarketInstrument instrument = instrument(row, market);
                into.add(new GridRow(row.text("region").toLowerCase(Locale.ROOT), date(row), location, market,
                        instrument, row.text("source"), into.size()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void readPue(InputStream in, String name, List<PueRow> into) {
        try (in) {
            for (Csv.Row row : Csv.read(in, name)) {
                String scope = row.text("scope").toLowerCase(Locale.ROOT);
                if (!List.of("provider", "region", "default").contains(scope)) {
                    throw row.error("scope", scope, "must be provider, region or default");
                }
                double value = row.number("pue");
                if (value < 1.0) {
                    throw row.error("pue", String.valueOf(value), "must be at least 1.0");
                }
                into.add(new PueRow(scope, row.text("key").toLowerCase(Locale.ROOT), date(row), value,
                        row.text("source"), into.size()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Instant date(Csv.Row row) {
        String text = row.text("effective_from");
        try {
            return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException e) {
            throw row.error("effective_from", text, "is not a date (YYYY-MM-DD)");
        }
    }

    private static InputStream resource(String name) {
        InputStream in = FactorTable.class.getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException("Missing resource " + name);
        }
        return in;
    }

    private static InputStream open(Path file) {
        try {
            return Files.newInputStream(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot read factor file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Identifies the table's contents: every row, in the order they were read or added. Two tables with the same rows
     * have the same fingerprint, across processes and restarts.
     */
    public String fingerprint() {
        StringBuilder all = new StringBuilder();
        gridRows.forEach(r -> all.append(r).append('\n'));
        pueRows.forEach(r -> all.append(r).append('\n'));
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(all.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(digest);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** The intensity for {@code region} at {@code at}; the world default (flagged) for an unknown or null region. */
    public ResolvedGrid grid(String region, Instant at) {
        String key = region == null ? WORLD : region.toLowerCase(Locale.ROOT);
        Optional<GridRow> row = latest(gridByRegion.getOrDefault(key, List.of()), at);
        boolean worldDefault = region == null || row.isEmpty();
        if (row.isEmpty()) {
            row = latest(gridByRegion.get(WORLD), at);
        }
        GridRow applied = row.orElseThrow(() -> new IllegalArgumentException(
                "No grid intensity for region '" + region + "' or the world default at " + at));
        return new ResolvedGrid(region, applied.location(), applied.market() != null ? applied.market() : applied.location(),
                applied.market() == null, worldDefault, applied.from(), applied.source(), applied.instrument());
    }

    /** The PUE for the provider, else the region, else the default, as it was at {@code at}; with the row it used. */
    public ResolvedPue pue(String provider, String region, Instant at) {
        Optional<ResolvedPue> specific = pueFor(FactorRow.Scope.PROVIDER, provider, at)
                .or(() -> pueFor(FactorRow.Scope.REGION, region, at));
        if (specific.isPresent()) {
            return specific.get();
        }
        List<PueRow> defaults = pueByScopeKey.entrySet().stream().filter(e -> e.getKey().startsWith("default|"))
                .flatMap(e -> e.getValue().stream()).toList();
        PueRow fallback = latestPue(defaults, at)
                .orElseThrow(() -> new IllegalArgumentException("No default PUE in effect at " + at));
        return new ResolvedPue(fallback.pue(), FactorRow.Scope.DEFAULT, fallback.key(), fallback.from(),
                fallback.source());
    }

    private Optional<ResolvedPue> pueFor(FactorRow.Scope scope, String name, Instant at) {
        if (name == null) {
            return Optional.empty();
        }
        String key = name.toLowerCase(Locale.ROOT);
        return latestPue(pueByScopeKey.getOrDefault(scope.label() + "|" + key, List.of()), at)
                .map(row -> new ResolvedPue(row.pue(), scope, key, row.from(), row.source()));
    }

    private static Optional<GridRow> latest(List<GridRow> rows, Instant at) {
        Optional<GridRow> inEffect = rows.stream().filter(r -> !r.from().isAfter(at))
                .max(Comparator.comparing(GridRow::from).thenComparing(GridRow::order));
        // Before the first row's date nothing was published yet: the earliest value is the best there is.
        return inEffect.isPresent() ? inEffect
                : rows.stream().min(Comparator.comparing(GridRow::from).thenComparing(r -> -r.order()));
    }

    private static Optional<PueRow> latestPue(List<PueRow> rows, Instant at) {
        Optional<PueRow> inEffect = rows.stream().filter(r -> !r.from().isAfter(at))
                .max(Comparator.comparing(PueRow::from).thenComparing(PueRow::order));
        return inEffect.isPresent() ? inEffect
                : rows.stream().min(Comparator.comparing(PueRow::from).thenComparing(r -> -r.order()));
    }

    static void requirePue(double pue, String what) {
        if (!(pue >= 1.0) || Double.isInfinite(pue)) {
            throw new IllegalArgumentException("PUE must be a finite number >= 1.0 (" + what + "): " + pue);
        }
    }
}
