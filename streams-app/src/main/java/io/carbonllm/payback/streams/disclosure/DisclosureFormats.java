package io.carbonllm.payback.streams.disclosure;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The disclosure's formats: JSON (docs/disclosure.schema.json), CSV (one row per figure) and a self-contained HTML
 * page for people (no script, no network: printable), each from the JSON report, so all three say the same.
 */
public final class DisclosureFormats {

    /** The formats, as {@code --format} and {@code ?format=} name them. */
    public enum Format {
        JSON("application/json"), CSV("text/csv; charset=utf-8"), HTML("text/html; charset=utf-8"),
        /** The one-off runs of the period as BoAmps reports: a JSON array, one report per run. */
        BOAMPS("application/json");

        private final String contentType;

        Format(String contentType) {
            this.contentType = contentType;
        }

        public String contentType() {
            return contentType;
        }

        /** The format named {@code name} (case-insensitive); an error naming the allowed ones. */
        public static Format parse(String name) {
            try {
                return valueOf(name.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new IllegalArgumentException("format must be one of json, csv, html, boamps; got " + name, e);
            }
        }
    }

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private DisclosureFormats() {
    }

    public static String render(JsonNode report, Format format) {
        return switch (format) {
            case JSON -> json(report);
            case CSV -> csv(report);
            case HTML -> html(report);
            case BOAMPS -> json(boamps(report));
        };
    }

    /** The BoAmps report of each one-off run in the report, in its order. */
    public static com.fasterxml.jackson.databind.node.ArrayNode boamps(JsonNode report) {
        com.fasterxml.jackson.databind.node.ArrayNode reports = MAPPER.createArrayNode();
        for (JsonNode c : report.path("comparisons")) {
            for (JsonNode run : c.at("/trainingSpike/runs")) {
                if (run.has("boamps")) {
                    reports.add(run.get("boamps"));
                }
            }
        }
        return reports;
    }

    public static String json(JsonNode report) {
        try {
            return MAPPER.writeValueAsString(report) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the report as JSON", e);
        }
    }

    // CSV: one row per figure

    static final String CSV_HEADER = "section,comparison_id,subject,variant,figure,value,unit,tier,range_low,"
            + "range_high,scope,day,note";

    public static String csv(JsonNode report) {
        StringBuilder out = new StringBuilder(CSV_HEADER).append('\n');
        for (JsonNode c : report.path("comparisons")) {
            String id = c.path("comparisonId").asText();
            for (JsonNode run : c.at("/trainingSpike/runs")) {
                figures(out, "training_spike", id, run.path("runId").asText(), run.path("candidateId").asText(),
                        run, run.path("day").asText());
            }
            for (JsonNode v : c.at("/inference/variants")) {
                figures(out, "inference", id, v.path("model").asText(), v.path("variant").asText(), v, "");
            }
            for (JsonNode a : c.at("/avoidedEmissions/candidates")) {
                JsonNode p = a.path("inPeriod");
                String tier = p.path("tier").asText("");
                row(out, "avoided_emissions", id, "", a.path("candidateId").asText(), "avoided_energy",
                        p.path("avoidedWh"), "Wh", tier, p.at("/avoidedWhRange/0"), p.at("/avoidedWhRange/1"), "", "",
                        "reported separately; never netted against the inventory");
                row(out, "avoided_emissions", id, "", a.path("candidateId").asText(), "avoided_co2e_location",
                        p.path("avoidedGCo2eLocation"), "gCO2e", tier, p.at("/avoidedGCo2eLocationRange/0"),
                        p.at("/avoidedGCo2eLocationRange/1"), "", "", "location-based");
                row(out, "avoided_emissions", id, "", a.path("candidateId").asText(), "avoided_co2e_market",
                        p.path("avoidedGCo2eMarket"), "gCO2e", tier, p.at("/avoidedGCo2eMarketRange/0"),
                        p.at("/avoidedGCo2eMarketRange/1"), "", "", "market-based");
                JsonNode energy = a.at("/cumulativeToDate/energy");
                if (!energy.isMissingNode()) {
                    row(out, "avoided_emissions", id, "", a.path("candidateId").asText(), "cumulative_saving_to_date",
                            energy.path("saved"), energy.path("unit").asText(), a.at("/cumulativeToDate/savingTier")
                                    .asText(""), null, null, "", "", "the live ledger when the report was made");
                    JsonNode perDay = energy.at("/projection/recentSavingPerDay");
                    if (!perDay.isMissingNode()) {
                        row(out, "avoided_emissions", id, "", a.path("candidateId").asText(),
                                "projected_saving_per_day", perDay, energy.path("unit").asText() + "/day", "", null,
                                null, "", "", "projection, not a measurement");
                    }
                }
            }
        }
        figures(out, "inventory", "", "one-off runs", "", report.at("/inventory/oneOffRuns"), "");
        figures(out, "inventory", "", "inference", "", report.at("/inventory/inference"), "");
        figures(out, "inventory", "", "total", "", report.at("/inventory/total"), "");
        for (JsonNode r : report.path("restatements")) {
            String note = r.path("reason").asText() + " (" + r.path("cause").asText() + ")";
            row(out, "restatement", r.path("comparisonId").asText(), r.path("subject").asText(), "",
                    "co2e_location_before_v" + r.at("/before/version").asInt(), r.at("/before/gCo2eLocation"),
                    "gCO2e", "", null, null, "", r.path("day").asText(), note);
            row(out, "restatement", r.path("comparisonId").asText(), r.path("subject").asText(), "",
                    "co2e_location_after_v" + r.at("/after/version").asInt(), r.at("/after/gCo2eLocation"),
                    "gCO2e", "", null, null, "", r.path("day").asText(), note);
            row(out, "restatement", r.path("comparisonId").asText(), r.path("subject").asText(), "",
                    "co2e_market_after_v" + r.at("/after/version").asInt(), r.at("/after/gCo2eMarket"),
                    "gCO2e", "", null, null, "", r.path("day").asText(), note);
        }
        return out.toString();
    }

    /** The rows of one set of figures: energy, both CO2e figures, each scope, embodied. */
    private static void figures(StringBuilder out, String section, String id, String subject, String variant,
                                JsonNode f, String day) {
        String tier = f.path("tier").asText("");
        row(out, section, id, subject, variant, "facility_energy", f.path("facilityWh"), "Wh", tier,
                f.at("/facilityWhRange/0"), f.at("/facilityWhRange/1"), "", day, "tier mix: " + mix(f));
        row(out, section, id, subject, variant, "co2e_location", f.path("gCo2eLocation"), "gCO2e", tier,
                f.at("/gCo2eLocationRange/0"), f.at("/gCo2eLocationRange/1"), "", day, "location-based");
        row(out, section, id, subject, variant, "co2e_market", f.path("gCo2eMarket"), "gCO2e", tier,
                f.at("/gCo2eMarketRange/0"), f.at("/gCo2eMarketRange/1"), "", day,
                "market-based: " + f.path("marketBasis").asText());
        f.path("byScope").properties().forEach(e -> {
            JsonNode s = e.getValue();
            // A scope's share of the total: its tier and range are the total's rows above, not claimed per scope
            if (s.has("electricityGCo2eLocation")) {
                row(out, section, id, subject, variant, "electricity_co2e_location", s.path("electricityGCo2eLocation"),
                        "gCO2e", "", null, null, e.getKey(), day, s.path("label").asText());
                row(out, section, id, subject, variant, "electricity_co2e_market", s.path("electricityGCo2eMarket"),
                        "gCO2e", "", null, null, e.getKey(), day, s.path("label").asText());
            }
            if (s.has("embodiedGCo2e")) {
                row(out, section, id, subject, variant, "embodied_co2e", s.path("embodiedGCo2e"), "gCO2e",
                        "", null, null, e.getKey(), day, s.path("label").asText());
            }
        });
        if (f.has("gCo2eEmbodied")) {
            row(out, section, id, subject, variant, "embodied_co2e_total", f.path("gCo2eEmbodied"), "gCO2e",
                    "ESTIMATED", f.at("/gCo2eEmbodiedRange/0"), f.at("/gCo2eEmbodiedRange/1"), "", day,
                    "embodied, all scopes (the embodied_co2e rows split it by scope)");
        }
        if (f.has("unresolvedItWh")) {
            row(out, section, id, subject, variant, "unresolved_it_energy", f.path("unresolvedItWh"), "Wh", "", null,
                    null, "", day, "IT energy whose factor rows the table no longer held: not in the figures above");
        }
        if (f.has("energyCoverage")) {
            row(out, section, id, subject, variant, "energy_coverage", f.path("energyCoverage"), "share", "", null,
                    null, "", day, f.path("coveredRequests").asText() + " of " + f.path("requests").asText()
                            + " requests with an energy figure");
        }
    }

    private static String mix(JsonNode f) {
        List<String> parts = new ArrayList<>();
        f.path("tierMix").properties().forEach(e -> {
            double share = e.getValue().path("share").asDouble();
            if (share > 0) {
                parts.add(e.getKey().toLowerCase(Locale.ROOT) + " " + percent(share));
            }
        });
        return parts.isEmpty() ? "none" : String.join(", ", parts);
    }

    private static void row(StringBuilder out, String section, String id, String subject, String variant,
                            String figure, JsonNode value, String unit, String tier, JsonNode low, JsonNode high,
                            String scope, String day, String note) {
        out.append(String.join(",", cell(section), cell(id), cell(subject), cell(variant), cell(figure),
                number(value), cell(unit), cell(tier), number(low), number(high), cell(scope), cell(day), cell(note)))
                .append('\n');
    }

    private static String number(JsonNode n) {
        if (n == null || n.isMissingNode() || n.isNull()) {
            return "";
        }
        if (!n.isNumber()) {
            return cell(n.asText());
        }
        // 12 significant digits: a figure, not the noise of its last binary digit (300.00000000000006)
        return n.isIntegralNumber() ? n.asText() : significant(n.asDouble(), 12);
    }

    private static String cell(String text) {
        if (text == null) {
            return "";
        }
        // A leading = + - @ tab or CR would be a formula in a spreadsheet: quoted with a leading apostrophe
        String safe = !text.isEmpty() && "=+-@\t\r".indexOf(text.charAt(0)) >= 0 ? "'" + text : text;
        return safe.contains(",") || safe.contains("\"") || safe.contains("\n") || safe.contains("\r")
                ? "\"" + safe.replace("\"", "\"\"") + "\"" : safe;
    }

    // HTML

    public static String html(JsonNode report) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<title>Disclosure ").append(esc(report.at("/period/from").asText())).append(" to ")
                .append(esc(report.at("/period/to").asText())).append("</title><style>")
                .append("body{font-family:system-ui,sans-serif;color:#111;margin:2rem;max-width:70rem}")
                .append("table{border-collapse:collapse;margin:.5rem 0 1.5rem}th,td{border:1px solid #999;")
                .append("padding:.25rem .5rem;text-align:left;vertical-align:top}td.n{text-align:right;")
                .append("font-variant-numeric:tabular-nums}th{background:#eee}.note{color:#333;font-size:.9rem}")
                .append(".tier{border:1px solid #555;border-radius:3px;padding:0 .25rem;font-size:.8rem}")
                .append("svg text{font-size:11px;font-family:system-ui,sans-serif}")
                .append("@media print{body{margin:0}section{break-inside:avoid}}</style></head><body>\n");
        h.append("<h1>Disclosure: ").append(esc(report.at("/period/from").asText())).append(" to ")
                .append(esc(report.at("/period/to").asText())).append(" (UTC days)</h1>\n");
        h.append("<p class=\"note\">Figures are the latest version of each closed day's total. Ranges follow each ")
                .append("figure's evidence tier (metered ±10%, benchmarked −50%/+100%, estimated ÷3/×3; ")
                .append("see the methodology). Avoided emissions are reported apart and never netted.</p>\n");
        for (JsonNode c : report.path("comparisons")) {
            comparisonHtml(h, c);
        }
        h.append("<section id=\"inventory\"><h2>Inventory</h2><p class=\"note\">")
                .append(esc(report.at("/inventory/note").asText())).append("</p>");
        figureTable(h, List.of(new Labelled("One-off runs", report.at("/inventory/oneOffRuns")),
                new Labelled("Inference", report.at("/inventory/inference")),
                new Labelled("Total", report.at("/inventory/total"))), "inventory");
        scopeTable(h, report.at("/inventory/total"));
        h.append("</section>\n");
        h.append("<section id=\"restatements\"><h2>Restatements made in the period</h2>");
        if (report.path("restatements").isEmpty()) {
            h.append("<p>None.</p>");
        } else {
            h.append("<table><tr><th>Day</th><th>Subject</th><th>Reason</th><th>Cause</th><th>Before</th>")
                    .append("<th>After</th></tr>");
            for (JsonNode r : report.path("restatements")) {
                h.append("<tr><td>").append(esc(r.path("day").asText())).append("</td><td>")
                        .append(esc(r.path("comparisonId").asText() + " / " + r.path("subject").asText()))
                        .append("</td><td>").append(esc(r.path("reason").asText())).append("</td><td>")
                        .append(esc(r.path("cause").asText())).append("</td><td class=\"n\">v")
                        .append(r.at("/before/version").asInt()).append(": ")
                        .append(fmt(r.at("/before/gCo2eLocation").asDouble())).append(" g location, ")
                        .append(fmt(r.at("/before/gCo2eMarket").asDouble())).append(" g market</td><td class=\"n\">v")
                        .append(r.at("/after/version").asInt()).append(": ")
                        .append(fmt(r.at("/after/gCo2eLocation").asDouble())).append(" g location, ")
                        .append(fmt(r.at("/after/gCo2eMarket").asDouble())).append(" g market</td></tr>");
            }
            h.append("</table>");
        }
        h.append("</section>\n<section id=\"provenance\"><h2>Provenance</h2><table>");
        h.append("<tr><th>Software</th><td>").append(esc(report.at("/provenance/softwareVersion").asText()))
                .append("</td></tr><tr><th>Command</th><td><code>")
                .append(esc(report.at("/provenance/command").asText())).append("</code></td></tr><tr><th>Generated")
                .append("</th><td>").append(esc(report.at("/provenance/generatedAt").asText())).append("</td></tr>")
                .append("</table><table><tr><th>Factor row</th><th>Value</th><th>Market-based</th><th>Source</th>")
                .append("</tr>");
        for (JsonNode row : report.at("/provenance/factorRows")) {
            h.append("<tr><td>").append(esc(row.path("id").asText())).append("</td><td class=\"n\">")
                    .append(fmt(row.path("value").asDouble())).append("</td><td>")
                    .append(row.has("marketValue") ? fmt(row.path("marketValue").asDouble()) + " ("
                            + esc(row.path("marketInstrument").asText("instrument not stated")) + ")" : "none")
                    .append("</td><td>").append(esc(row.path("source").asText())).append("</td></tr>");
        }
        h.append("</table></section>\n</body></html>\n");
        return h.toString();
    }

    private record Labelled(String label, JsonNode figures) {
    }

    private static void comparisonHtml(StringBuilder h, JsonNode c) {
        String id = c.path("comparisonId").asText();
        h.append("<section class=\"comparison\" data-comparison=\"").append(esc(id)).append("\"><h2>")
                .append(esc(id)).append(" <span class=\"note\">use case ").append(esc(c.path("useCase").asText()))
                .append("</span></h2>\n");
        chart(h, c);
        h.append("<h3>Training spike: one-off runs in the period</h3>");
        List<Labelled> runs = new ArrayList<>();
        for (JsonNode run : c.at("/trainingSpike/runs")) {
            runs.add(new Labelled(run.path("runId").asText() + " (" + run.path("candidateId").asText() + ", "
                    + run.path("day").asText() + ", " + run.path("ownership").asText() + ", "
                    + run.path("measuredBy").asText("") + ")", run));
        }
        if (runs.isEmpty()) {
            h.append("<p>None started in the period.</p>");
        } else {
            runs.add(new Labelled("Total", c.at("/trainingSpike/total")));
            figureTable(h, runs, "spike");
        }
        h.append("<h3>Inference</h3>");
        List<Labelled> variants = new ArrayList<>();
        for (JsonNode v : c.at("/inference/variants")) {
            variants.add(new Labelled(v.path("variant").asText() + ": " + v.path("model").asText() + " ("
                    + v.path("days").asInt() + " days, " + v.path("ownership").asText() + ")", v));
        }
        figureTable(h, variants, "inference");
        h.append("<h3>Avoided emissions (reported apart, never netted)</h3><p class=\"note\">")
                .append(esc(c.at("/avoidedEmissions/note").asText())).append("</p><table><tr><th>Candidate</th>")
                .append("<th>Avoided in the period</th><th>Cumulative to date (ledger)</th><th>Projection</th></tr>");
        for (JsonNode a : c.at("/avoidedEmissions/candidates")) {
            JsonNode p = a.path("inPeriod");
            JsonNode energy = a.at("/cumulativeToDate/energy");
            h.append("<tr><td>").append(esc(a.path("candidateId").asText())).append("</td><td class=\"n\">")
                    .append(fmt(p.path("avoidedWh").asDouble())).append(" Wh, ")
                    .append(fmt(p.path("avoidedGCo2eLocation").asDouble())).append(" gCO2e location, ")
                    .append(fmt(p.path("avoidedGCo2eMarket").asDouble())).append(" gCO2e market ")
                    .append(tier(p.path("tier").asText("")))
                    .append("</td><td class=\"n\">");
            if (energy.isMissingNode()) {
                h.append("no ledger");
            } else {
                h.append(fmt(energy.path("saved").asDouble())).append(' ').append(esc(energy.path("unit").asText()))
                        .append(" saved of ").append(fmt(energy.path("oneOffFootprint").asDouble())).append(' ')
                        .append(esc(energy.path("unit").asText())).append(" one-off ")
                        .append(tier(a.at("/cumulativeToDate/savingTier").asText("")));
            }
            h.append("</td><td>");
            JsonNode projection = energy.path("projection");
            h.append("PAID_BACK".equals(energy.path("status").asText()) ? "paid back"
                    : projection.has("breakEvenAt") ? "break-even " + esc(projection.path("breakEvenAt").asText())
                    : "no break-even date").append(projection.has("paysBackWithinHorizon")
                    ? projection.path("paysBackWithinHorizon").asBoolean() ? ", within the horizon"
                    : ", not within the horizon" : "").append(" <em>(projection)</em></td></tr>");
        }
        h.append("</table></section>\n");
    }

    private static void figureTable(StringBuilder h, List<Labelled> rows, String name) {
        h.append("<table class=\"figures\" data-table=\"").append(name).append("\"><tr><th>What</th>")
                .append("<th>Facility energy (Wh)</th><th>CO2e location-based (g)</th><th>CO2e market-based (g)</th>")
                .append("<th>Embodied (g)</th><th>Tier mix</th><th>Coverage</th></tr>");
        for (Labelled row : rows) {
            JsonNode f = row.figures();
            h.append("<tr><td>").append(esc(row.label())).append("</td><td class=\"n\" data-figure=\"facilityWh\">")
                    .append(fmt(f.path("facilityWh").asDouble())).append(range(f.path("facilityWhRange")))
                    .append("</td><td class=\"n\" data-figure=\"gCo2eLocation\">")
                    .append(fmt(f.path("gCo2eLocation").asDouble())).append(range(f.path("gCo2eLocationRange")))
                    .append("</td><td class=\"n\" data-figure=\"gCo2eMarket\">")
                    .append(fmt(f.path("gCo2eMarket").asDouble())).append(range(f.path("gCo2eMarketRange")))
                    .append("<br><span class=\"note\">").append(esc(f.path("marketBasis").asText()))
                    .append("</span></td><td class=\"n\">")
                    .append(f.has("gCo2eEmbodied") ? fmt(f.path("gCo2eEmbodied").asDouble())
                            + range(f.path("gCo2eEmbodiedRange")) : "—")
                    .append("</td><td>").append(tier(f.path("tier").asText(""))).append("<br><span class=\"note\">")
                    .append(esc(mix(f))).append(f.has("unresolvedItWh") ? "; plus " + fmt(f.path("unresolvedItWh")
                            .asDouble()) + " Wh IT energy whose factor rows were no longer held (not in these figures)"
                            : "").append("</span></td><td>")
                    .append(f.has("energyCoverage") ? percent(f.path("energyCoverage").asDouble()) : "—")
                    .append("</td></tr>");
        }
        h.append("</table>");
    }

    private static void scopeTable(StringBuilder h, JsonNode total) {
        h.append("<table data-table=\"scopes\"><tr><th>Scope</th><th>Electricity, location-based (g)</th>")
                .append("<th>Electricity, market-based (g)</th><th>Embodied (g)</th></tr>");
        total.path("byScope").properties().forEach(e -> {
            JsonNode s = e.getValue();
            h.append("<tr><td>").append(esc(s.path("label").asText())).append("</td><td class=\"n\">")
                    .append(s.has("electricityGCo2eLocation") ? fmt(s.path("electricityGCo2eLocation").asDouble())
                            : "—").append("</td><td class=\"n\">")
                    .append(s.has("electricityGCo2eMarket") ? fmt(s.path("electricityGCo2eMarket").asDouble()) : "—")
                    .append("</td><td class=\"n\">")
                    .append(s.has("embodiedGCo2e") ? fmt(s.path("embodiedGCo2e").asDouble()) : "—")
                    .append("</td></tr>");
        });
        h.append("</table>");
    }

    /**
     * One chart per comparison, in its basis: each candidate's one-off footprint (the spike, a step where a run
     * started) against its cumulative avoided figure by day, and the projection to the horizon, dashed.
     */
    private static void chart(StringBuilder h, JsonNode c) {
        String basis = c.path("basis").asText("ENERGY");
        String suffix = switch (basis) {
            case "CO2E_LOCATION" -> "GCo2eLocation";
            case "CO2E_MARKET" -> "GCo2eMarket";
            default -> "Wh";
        };
        boolean energy = "Wh".equals(suffix);
        double scale = 1000.0; // Wh -> kWh, g -> kg
        String unit = energy ? "kWh" : "kgCO2e" + ("GCo2eMarket".equals(suffix) ? " (market-based)"
                : " (location-based)");
        String ledgerName = energy ? "energy" : "GCo2eMarket".equals(suffix) ? "co2eMarket" : "co2eLocation";
        List<String> days = new ArrayList<>();
        List<Series> series = new ArrayList<>();
        String[] colours = {"#1b5e20", "#0d47a1", "#6a1b9a", "#e65100"};
        int colour = 0;
        for (JsonNode a : c.at("/avoidedEmissions/candidates")) {
            Series s = new Series(a.path("candidateId").asText(), colours[colour++ % colours.length]);
            for (JsonNode point : a.path("daily")) {
                String day = point.path("day").asText();
                if (!days.contains(day)) {
                    days.add(day);
                }
                s.days.add(day);
                s.saved.add(point.path("cumulativeAvoided" + suffix).asDouble() / scale);
                s.oneOff.add(point.path("oneOff" + suffix).asDouble() / scale);
            }
            s.savingTier = a.at("/inPeriod/tier").asText(a.at("/cumulativeToDate/savingTier").asText("unknown"));
            s.footprintTier = a.at("/cumulativeToDate/footprintTier").asText("unknown");
            JsonNode ledger = a.at("/cumulativeToDate/" + ledgerName);
            JsonNode perDay = ledger.at("/projection/recentSavingPerDay");
            String horizon = a.at("/cumulativeToDate/horizonEnd").asText("");
            if (!perDay.isMissingNode() && !horizon.isEmpty() && !s.days.isEmpty()) {
                LocalDate last = LocalDate.parse(s.days.get(s.days.size() - 1));
                LocalDate end = Instant.parse(horizon).atOffset(ZoneOffset.UTC).toLocalDate();
                long span = Math.max(0, Duration.between(last.atStartOfDay(), end.atStartOfDay()).toDays());
                s.projectionDay = end.toString();
                s.projected = s.saved.get(s.saved.size() - 1) + perDay.asDouble() * span / scale;
            }
            series.add(s);
        }
        days.sort(String::compareTo);
        // The closed days take the plot's width less a strip on the right where a projection runs to its horizon
        List<String> axis = new ArrayList<>(days);
        boolean projecting = series.stream().anyMatch(s -> s.projected != null);
        // The scale is the records' (the spike and the savings): a projection far beyond them is clipped at the top
        // and its value at the horizon written beside it, so the measured days stay readable
        double max = 0;
        for (Series s : series) {
            for (double v : s.saved) {
                max = Math.max(max, v);
            }
            for (double v : s.oneOff) {
                max = Math.max(max, v);
            }
        }
        max = max <= 0 ? 1 : max * 1.5;
        int width = 760;
        int top = 20;
        int plot = 230;
        int bottom = 40 + 16 * series.size();
        int height = top + plot + bottom;
        int left = 70;
        int right = projecting ? 150 : 20;
        h.append("<figure><svg class=\"chart\" role=\"img\" width=\"").append(width).append("\" height=\"")
                .append(height).append("\" viewBox=\"0 0 ").append(width).append(' ').append(height)
                .append("\" aria-label=\"Training spike against cumulative avoided ").append(esc(unit))
                .append(" by day, with the projection to the horizon\">");
        int axisY = top + plot;
        h.append("<line x1=\"").append(left).append("\" y1=\"").append(axisY).append("\" x2=\"")
                .append(width - 20).append("\" y2=\"").append(axisY).append("\" stroke=\"#333\"/>")
                .append("<line x1=\"").append(left).append("\" y1=\"").append(top).append("\" x2=\"").append(left)
                .append("\" y2=\"").append(axisY).append("\" stroke=\"#333\"/>");
        for (int i = 0; i <= 4; i++) {
            double v = max * i / 4;
            double y = y(v, max, top, plot);
            h.append("<text x=\"").append(left - 6).append("\" y=\"").append(fmt1(y + 4))
                    .append("\" text-anchor=\"end\">").append(fmt(v)).append("</text>");
        }
        h.append("<text x=\"12\" y=\"").append(top - 6).append("\">").append(esc(unit)).append("</text>");
        for (int i = 0; i < axis.size(); i++) {
            if (axis.size() > 8 && i % Math.max(1, axis.size() / 8) != 0 && i != axis.size() - 1) {
                continue;
            }
            h.append("<text x=\"").append(fmt1(x(i, axis.size(), width, left, right))).append("\" y=\"")
                    .append(axisY + 16).append("\" text-anchor=\"middle\">").append(esc(axis.get(i)))
                    .append("</text>");
        }
        if (projecting) {
            String horizon = series.stream().filter(s -> s.projectionDay != null).map(s -> s.projectionDay)
                    .findFirst().orElse("");
            h.append("<text x=\"").append(width - 20).append("\" y=\"").append(top + 10)
                    .append("\" text-anchor=\"end\">to the horizon, ").append(esc(horizon)).append("</text>")
                    .append("<line x1=\"").append(width - right).append("\" y1=\"").append(top).append("\" x2=\"")
                    .append(width - right).append("\" y2=\"").append(axisY)
                    .append("\" stroke=\"#999\" stroke-dasharray=\"3 3\"/>");
        }
        int legendY = axisY + 36;
        for (Series s : series) {
            StringBuilder saved = new StringBuilder();
            StringBuilder spike = new StringBuilder();
            for (int i = 0; i < s.days.size(); i++) {
                double x = x(axis.indexOf(s.days.get(i)), axis.size(), width, left, right);
                saved.append(i == 0 ? "M" : "L").append(fmt1(x)).append(',')
                        .append(fmt1(y(s.saved.get(i), max, top, plot)));
                spike.append(i == 0 ? "M" : "L").append(fmt1(x)).append(',')
                        .append(fmt1(y(s.oneOff.get(i), max, top, plot)));
            }
            h.append("<path class=\"spike\" d=\"").append(spike).append("\" fill=\"none\" stroke=\"")
                    .append(s.colour).append("\" stroke-width=\"2\" stroke-dasharray=\"2 3\"/>");
            h.append("<path class=\"saving\" d=\"").append(saved).append("\" fill=\"none\" stroke=\"")
                    .append(s.colour).append("\" stroke-width=\"2.5\"/>");
            for (int i = 0; i < s.days.size(); i++) {
                double x = x(axis.indexOf(s.days.get(i)), axis.size(), width, left, right);
                h.append("<circle cx=\"").append(fmt1(x)).append("\" cy=\"")
                        .append(fmt1(y(s.saved.get(i), max, top, plot))).append("\" r=\"3\" fill=\"")
                        .append(s.colour).append("\"><title>").append(esc(s.days.get(i))).append(": ")
                        .append(fmt(s.saved.get(i))).append(' ').append(esc(unit)).append(" avoided (")
                        .append(esc(s.savingTier.toLowerCase(Locale.ROOT))).append("), ")
                        .append(fmt(s.oneOff.get(i))).append(' ').append(esc(unit)).append(" one-off (")
                        .append(esc(s.footprintTier.toLowerCase(Locale.ROOT))).append(")</title></circle>");
            }
            if (s.projected != null) {
                double x0 = x(axis.indexOf(s.days.get(s.days.size() - 1)), axis.size(), width, left, right);
                double v0 = s.saved.get(s.saved.size() - 1);
                double x1 = width - 20;
                double v1 = s.projected;
                if (v1 > max && v1 > v0) {
                    // clipped where the line leaves the plot
                    x1 = x0 + (x1 - x0) * (max - v0) / (v1 - v0);
                }
                double shown = Math.min(v1, max);
                h.append("<path class=\"projection\" d=\"M").append(fmt1(x0)).append(',')
                        .append(fmt1(y(v0, max, top, plot))).append("L").append(fmt1(x1)).append(',')
                        .append(fmt1(y(shown, max, top, plot))).append("\" fill=\"none\" stroke=\"")
                        .append(s.colour).append("\" stroke-width=\"1.5\" stroke-dasharray=\"8 5\"/>");
            }
            h.append("<text x=\"").append(left).append("\" y=\"").append(legendY).append("\" fill=\"")
                    .append(s.colour).append("\">").append(esc(s.name)).append(": avoided (")
                    .append(esc(s.savingTier.toLowerCase(Locale.ROOT))).append(") solid; one-off (")
                    .append(esc(s.footprintTier.toLowerCase(Locale.ROOT))).append(") dotted")
                    .append(s.projected != null ? "; projected " + fmt(s.projected) + " " + esc(unit)
                            + " by " + esc(s.projectionDay) + ", dashed" : "").append("</text>");
            legendY += 16;
        }
        h.append("</svg><figcaption class=\"note\">The training spike (each candidate's one-off footprint, ")
                .append("cumulative, dotted) against its cumulative avoided ").append(esc(unit))
                .append(" by closed day (solid), and the ledger's recent rate carried to the horizon (dashed: a ")
                .append("projection, not a measurement).</figcaption></figure>");
    }

    private static final class Series {
        final String name;
        final String colour;
        final List<String> days = new ArrayList<>();
        final List<Double> saved = new ArrayList<>();
        final List<Double> oneOff = new ArrayList<>();
        String savingTier = "unknown";
        String footprintTier = "unknown";
        String projectionDay;
        Double projected;

        Series(String name, String colour) {
            this.name = name;
            this.colour = colour;
        }
    }

    private static double x(int index, int count, int width, int left, int right) {
        return count <= 1 ? left + (width - left - right) / 2.0 : left + (width - left - right) * index
                / (double) (count - 1);
    }

    private static double y(double value, double max, int top, int plot) {
        return top + plot - plot * Math.min(value, max) / max;
    }

    private static String range(JsonNode range) {
        return range.isArray() && range.size() == 2 ? "<br><span class=\"note\">" + fmt(range.get(0).asDouble())
                + " – " + fmt(range.get(1).asDouble()) + "</span>" : "";
    }

    private static String tier(String tier) {
        return tier.isEmpty() ? "" : "<span class=\"tier\">" + esc(tier.toLowerCase(Locale.ROOT)) + "</span>";
    }

    /** A figure as the page shows it: six significant digits, so the page's totals read back as the JSON's. */
    static String fmt(double v) {
        return significant(v, 6);
    }

    /** {@code v} to {@code digits} significant digits, never in exponent form. */
    private static String significant(double v, int digits) {
        return v == 0 ? "0" : new BigDecimal(v).round(new MathContext(digits)).stripTrailingZeros().toPlainString();
    }

    private static String fmt1(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String percent(double share) {
        return String.format(Locale.ROOT, "%.1f%%", share * 100);
    }

    private static String esc(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
