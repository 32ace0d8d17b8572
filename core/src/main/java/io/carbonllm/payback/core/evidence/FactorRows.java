package io.carbonllm.payback.core.evidence;

import io.carbonllm.payback.events.FactorRow;
import io.carbonllm.payback.methodology.facility.FactorRow.Kind;
import io.carbonllm.payback.methodology.facility.FactorRow.Scope;
import io.carbonllm.payback.methodology.facility.FactorTable;
import io.carbonllm.payback.methodology.facility.MarketInstrument;
import io.carbonllm.payback.methodology.facility.ResolvedGrid;
import io.carbonllm.payback.methodology.facility.ResolvedPue;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The factor rows behind a figure, for the audit trail. Per-request aggregates carry a compact id per row
 * ({@code KIND|scope|key|effective-from date}, with the requests it priced); published figures carry the row itself,
 * resolved against the factor table in use.
 */
public final class FactorRows {

    private FactorRows() {
    }

    /** The compact id of a methodology row, e.g. {@code GRID|region|eu-north-1|2025-01-01}. */
    public static String id(io.carbonllm.payback.methodology.facility.FactorRow row) {
        return row.id();
    }

    /** The Avro form of a methodology row. */
    public static FactorRow toAvro(io.carbonllm.payback.methodology.facility.FactorRow row, Long requests) {
        return FactorRow.newBuilder()
                .setId(id(row))
                .setKind(row.kind().name())
                .setScope(row.scope().label())
                .setKey(row.key() == null ? "" : row.key())
                .setEffectiveFrom(row.effectiveFrom())
                .setValue(row.value())
                .setMarketValue(row.marketValue())
                .setSource(row.source())
                .setRequests(requests)
                .setMarketInstrument(row.marketInstrument() == null ? null : row.marketInstrument().label())
                .build();
    }

    /** The Avro form of a resolved grid row, with its market-based value when it has one. */
    public static FactorRow toAvro(ResolvedGrid grid, Long requests) {
        return toAvro(grid.row(), requests);
    }

    /**
     * The rows of {@code counts} (id to requests), resolved against {@code table}, sorted by id. A row the table no
     * longer holds under that id (a factors-topic row since replaced) keeps its id, with that said as its source.
     */
    public static List<FactorRow> resolve(Map<String, Long> counts, FactorTable table) {
        List<FactorRow> rows = new ArrayList<>();
        for (Map.Entry<String, Long> entry : new TreeMap<>(counts).entrySet()) {
            rows.add(resolve(entry.getKey(), entry.getValue(), table));
        }
        return rows;
    }

    /** The rows of {@code ids}, resolved against {@code table}, sorted by id, with no request counts. */
    public static List<FactorRow> resolveIds(Collection<String> ids, FactorTable table) {
        List<FactorRow> rows = new ArrayList<>();
        for (String id : new TreeSet<>(ids)) {
            rows.add(resolve(id, null, table));
        }
        return rows;
    }

    static FactorRow resolve(String id, Long requests, FactorTable table) {
        Optional<io.carbonllm.payback.methodology.facility.FactorRow> row = row(id, table);
        if (row.isPresent()) {
            return toAvro(row.get(), requests);
        }
        String[] parts = id.split("\\|", -1);
        FactorRow unresolved = FactorRow.newBuilder().setId(id).setKind(parts[0])
                .setScope(parts.length > 1 ? parts[1] : "").setKey(parts.length > 2 ? parts[2] : "")
                .setEffectiveFrom(Instant.EPOCH).setValue(0).setSource("unknown: the factor table no longer holds this row")
                .setRequests(requests).build();
        dateOf(parts).ifPresent(unresolved::setEffectiveFrom);
        return unresolved;
    }

    /**
     * The row {@code id} names ({@code KIND|scope|key|date}), as {@code table} holds it now; empty when the table holds
     * no row under that id (a malformed id, or a factors-topic row since replaced by one of another date).
     */
    public static Optional<io.carbonllm.payback.methodology.facility.FactorRow> row(String id, FactorTable table) {
        String[] parts = id.split("\\|", -1);
        Optional<Instant> date = dateOf(parts);
        if (date.isEmpty()) {
            return Optional.empty();
        }
        Instant from = date.get();
        String key = parts[2];
        io.carbonllm.payback.methodology.facility.FactorRow resolved;
        try {
            if (Kind.GRID.name().equals(parts[0])) {
                ResolvedGrid grid = table.grid(Scope.DEFAULT.label().equals(parts[1]) ? null : key, from);
                resolved = grid.row();
            } else if (Kind.PUE.name().equals(parts[0])) {
                ResolvedPue pue = switch (parts[1].toLowerCase(Locale.ROOT)) {
                    case "provider" -> table.pue(key, null, from);
                    case "region" -> table.pue(null, key, from);
                    default -> table.pue(null, null, from);
                };
                resolved = pue.row();
            } else {
                return Optional.empty();
            }
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return resolved.id().equals(id) ? Optional.of(resolved) : Optional.empty();
    }

    /**
     * The row of {@code row}'s kind, scope and key that {@code table} applies at {@code at}: {@code row} itself, a row
     * of a later date, or the same row with a corrected value; empty when the table applies none of that kind, scope
     * and key there (a row given directly, or one the table has withdrawn).
     */
    public static Optional<io.carbonllm.payback.methodology.facility.FactorRow> inEffect(
            io.carbonllm.payback.methodology.facility.FactorRow row, FactorTable table, Instant at) {
        io.carbonllm.payback.methodology.facility.FactorRow resolved;
        try {
            if (row.kind() == Kind.GRID) {
                resolved = table.grid(row.scope() == Scope.DEFAULT ? null : row.key(), at).row();
            } else {
                resolved = switch (row.scope()) {
                    case PROVIDER -> table.pue(row.key(), null, at).row();
                    case REGION -> table.pue(null, row.key(), at).row();
                    case DEFAULT -> table.pue(null, null, at).row();
                    case GIVEN -> null;
                };
            }
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (resolved == null || resolved.scope() != row.scope() || !Objects.equals(resolved.key(), row.key())) {
            return Optional.empty();
        }
        return Optional.of(resolved);
    }

    /** The methodology row of an Avro {@code row}, as {@link #toAvro} wrote it. */
    public static io.carbonllm.payback.methodology.facility.FactorRow fromAvro(FactorRow row) {
        Scope scope = Scope.valueOf(row.getScope().toUpperCase(Locale.ROOT));
        return new io.carbonllm.payback.methodology.facility.FactorRow(Kind.valueOf(row.getKind()),
                row.getKey().isEmpty() ? null : row.getKey(), scope, row.getEffectiveFrom(), row.getValue(),
                row.getMarketValue(), row.getSource(),
                row.getMarketInstrument() == null ? null : MarketInstrument.parse(row.getMarketInstrument()));
    }

    private static Optional<Instant> dateOf(String[] parts) {
        if (parts.length != 4) {
            return Optional.empty();
        }
        try {
            return Optional.of(LocalDate.parse(parts[3]).atStartOfDay(ZoneOffset.UTC).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** Whether a grid row among {@code rows} has no market-based figure, so the location-based one stood in. */
    public static boolean marketFallback(List<FactorRow> rows) {
        return rows.stream().anyMatch(r -> Kind.GRID.name().equals(r.getKind()) && r.getMarketValue() == null);
    }

    /** Adds {@code more} (id to count) into {@code into}. */
    public static void addAll(Map<String, Long> into, Map<String, Long> more) {
        more.forEach((id, n) -> into.merge(id, n, Long::sum));
    }

    /** The distinct rows of several lists, sorted by id. */
    public static List<FactorRow> distinct(Collection<List<FactorRow>> lists) {
        Map<String, FactorRow> byId = new TreeMap<>();
        for (List<FactorRow> list : lists) {
            for (FactorRow row : list) {
                byId.putIfAbsent(row.getId(), row);
            }
        }
        return new ArrayList<>(byId.values());
    }
}
