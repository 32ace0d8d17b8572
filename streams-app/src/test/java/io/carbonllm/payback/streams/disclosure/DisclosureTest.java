package io.carbonllm.payback.streams.disclosure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.carbonllm.payback.core.disclosure.DayTotalRecords;
import io.carbonllm.payback.core.disclosure.EnergyPart;
import io.carbonllm.payback.core.disclosure.FactorCorrection;
import io.carbonllm.payback.core.disclosure.Ownership;
import io.carbonllm.payback.core.disclosure.PeriodTotal;
import io.carbonllm.payback.core.disclosure.Restatement;
import io.carbonllm.payback.core.disclosure.Restatements;
import io.carbonllm.payback.events.CandidateDefinition;
import io.carbonllm.payback.events.ComparisonDefinition;
import io.carbonllm.payback.events.DayTotal;
import io.carbonllm.payback.events.PeriodRestatement;
import io.carbonllm.payback.events.TrainingRun;
import io.carbonllm.payback.methodology.EvidenceTier;
import io.carbonllm.payback.methodology.facility.FactorRow;
import io.carbonllm.payback.methodology.facility.MarketInstrument;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The disclosure of a hand-computed scenario against its golden file (src/test/resources/disclosure/golden.json: the
 * figures below, worked by hand), its JSON against docs/disclosure.schema.json, its CSV, and its bad input.
 *
 * <p>The scenario, July 2026, comparison cmp-a (use case uc, baseline base-m on the organisation's own hardware,
 * candidate ft on ft-m, charged runs run-owned and run-cloud). Factor rows from 2026-01-01: default PUE 1.5; eu-north-1
 * 20 gCO2e/kWh location-based and 5 market-based (supplier-specific); us-east-1 400, no market figure (later corrected
 * to 380); us-west-2 400, no market figure.
 * <ul>
 *   <li>run-owned, 07-01, owned, metered at the facility: 100,000 Wh on eu-north-1: 2,000 g location, 500 g market
 *   (Scope 2 with a market figure); METERED, so ±10 %.</li>
 *   <li>run-cloud, 07-02, on aws (cloud): 50,000 Wh IT x 1.5 = 75,000 Wh on us-west-2: 30,000 g location, and 30,000 g
 *   market (Scope 3 Category 1 takes the location-based figure), 1,000 g embodied (in Category 1 for cloud);
 *   ESTIMATED, so ÷3 to x3: [25,000, 225,000] Wh.</li>
 *   <li>baseline, 07-01, owned, BENCHMARKED: 1,000 Wh IT on eu-north-1 and 1,000 on us-east-1, each x 1.5 = 1,500 Wh:
 *   location 1,500 x 20 / 1000 + 1,500 x 400 / 1000 = 30 + 600 = 630 g; market 1,500 x 5 / 1000 + 600 (no market
 *   figure: fallback) = 607.5 g. Restated on 07-05 when us-east-1's row is corrected to 380: 30 + 570 = 600 g location,
 *   7.5 + 570 = 577.5 g market. BENCHMARKED ranges −50 %/+100 %: [1,500, 6,000] Wh, [300, 1,200] g, [288.75, 1,155] g.
 *   </li>
 *   <li>ft, 07-01, on aws (no ownership given: cloud by default), ESTIMATED: 200 Wh IT x 1.5 = 300 Wh on eu-north-1:
 *   6 g location, 6 g market (Scope 3); 40 of 50 requests covered (0.8). Avoided that day: 900 Wh, 18 g, estimated;
 *   its range is a difference's: the counterfactual 900 + 300 = 1,200 Wh at the estimated range [400, 3,600], less
 *   ft's own 300 Wh at its range [100, 900]: [400 - 900, 3,600 - 100] = [-500, 3,500] Wh.</li>
 *   <li>cmp-b compares the same baseline in the same use case: its day total is the same inference, so the inventory
 *   counts it once.</li>
 * </ul>
 * Totals: spike 175,000 Wh, 32,000 g location, 30,500 g market, 1,000 g embodied; inference 3,300 Wh, 606 g, 583.5 g;
 * inventory 178,300 Wh, 32,606 g, 31,083.5 g; Scope 2 2,000 + 600 = 2,600 g location, 500 + 577.5 = 1,077.5 g market;
 * Scope 3 Category 1 30,000 + 6 = 30,006 g either way, 1,000 g embodied.
 */
public class DisclosureTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Instant Y2026 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant WRITTEN = Instant.parse("2026-07-03T00:02:00Z");
    private static final LocalDate JULY_1 = LocalDate.parse("2026-07-01");

    private static final FactorRow PUE = new FactorRow(FactorRow.Kind.PUE, "*", FactorRow.Scope.DEFAULT, Y2026, 1.5,
            null, "test: default PUE");
    private static final FactorRow EU_NORTH = new FactorRow(FactorRow.Kind.GRID, "eu-north-1", FactorRow.Scope.REGION,
            Y2026, 20, 5.0, "test: grid and supplier 2026", MarketInstrument.SUPPLIER_SPECIFIC);
    private static final FactorRow US_EAST = new FactorRow(FactorRow.Kind.GRID, "us-east-1", FactorRow.Scope.REGION,
            Y2026, 400, null, "test: grid 2026");
    private static final FactorRow US_EAST_CORRECTED = new FactorRow(FactorRow.Kind.GRID, "us-east-1",
            FactorRow.Scope.REGION, Y2026, 380, null, "test: grid 2026, corrected");
    private static final FactorRow US_WEST = new FactorRow(FactorRow.Kind.GRID, "us-west-2", FactorRow.Scope.REGION,
            Y2026, 400, null, "test: grid 2026");

    /** The scenario above, as the topics would hold it. */
    public static DisclosureInputs scenario() {
        List<DayTotal> totals = new ArrayList<>();
        totals.add(record(PeriodTotal.empty("cmp-a", PeriodTotal.SubjectKind.ONE_OFF_RUN, "run-owned", JULY_1,
                Ownership.OWNED).plus(new EnergyPart(EvidenceTier.METERED, null, null, EU_NORTH), 100_000), "ft", "r1"));
        totals.add(record(PeriodTotal.empty("cmp-a", PeriodTotal.SubjectKind.ONE_OFF_RUN, "run-cloud",
                        JULY_1.plusDays(1), Ownership.CLOUD)
                .plus(new EnergyPart(EvidenceTier.ESTIMATED, "aws", PUE, US_WEST), 50_000).plusEmbodied(1000), "ft",
                "r2"));
        PeriodTotal baseline = PeriodTotal.empty("cmp-a", PeriodTotal.SubjectKind.INFERENCE, "base-m", JULY_1,
                        Ownership.OWNED)
                .plus(new EnergyPart(EvidenceTier.BENCHMARKED, null, PUE, EU_NORTH), 1000)
                .plus(new EnergyPart(EvidenceTier.BENCHMARKED, null, PUE, US_EAST), 1000)
                .plusRequests(100, 100);
        DayTotal baselineRecord = record(baseline, "baseline", null);
        totals.add(baselineRecord);
        totals.add(DayTotal.newBuilder(record(PeriodTotal.empty("cmp-a", PeriodTotal.SubjectKind.INFERENCE, "ft-m",
                        JULY_1, null).plus(new EnergyPart(EvidenceTier.ESTIMATED, "aws", PUE, EU_NORTH), 200)
                .plusRequests(50, 40), "ft", null))
                .setAvoidedWh(900.0).setAvoidedGCo2eLocation(18.0).setAvoidedGCo2eMarket(18.0)
                .setAvoidedTier("ESTIMATED").build());
        // cmp-b: the same baseline inference, written after the correction
        totals.add(record(PeriodTotal.empty("cmp-b", PeriodTotal.SubjectKind.INFERENCE, "base-m", JULY_1,
                        Ownership.OWNED)
                .plus(new EnergyPart(EvidenceTier.BENCHMARKED, null, PUE, EU_NORTH), 1000)
                .plus(new EnergyPart(EvidenceTier.BENCHMARKED, null, PUE, US_EAST_CORRECTED), 1000)
                .plusRequests(100, 100), "baseline", null));

        Restatement restated = Restatements.forFactors(baseline, List.of(new FactorCorrection(US_EAST,
                US_EAST_CORRECTED, "factor corrected: " + US_EAST.id())),
                Instant.parse("2026-07-05T00:00:00Z")).orElseThrow();
        PeriodRestatement restatement = DayTotalRecords.toAvro(restated, baselineRecord, null);

        Map<String, ComparisonDefinition> comparisons = Map.of(
                "cmp-a", ComparisonDefinition.newBuilder().setComparisonId("cmp-a").setUseCase("uc")
                        .setBaselineModel("base-m").setBaselineOwnership("owned")
                        .setCandidates(List.of(CandidateDefinition.newBuilder().setCandidateId("ft").setModelId("ft-m")
                                .setRunIds(List.of("run-owned", "run-cloud")).build())).build(),
                "cmp-b", ComparisonDefinition.newBuilder().setComparisonId("cmp-b").setUseCase("uc")
                        .setBaselineModel("base-m").setBaselineOwnership("owned").setCandidates(List.of()).build());
        Map<String, TrainingRun> runs = Map.of(
                "run-owned", TrainingRun.newBuilder().setRunId("run-owned").setKind("fine_tune").setMeteredKwh(100.0)
                        .setMeteredScope("facility").setRegion("eu-north-1")
                        .setStartedAt(Instant.parse("2026-07-01T06:00:00Z")).build(),
                "run-cloud", TrainingRun.newBuilder().setRunId("run-cloud").setKind("fine_tune").setGpuCount(8)
                        .setHours(10).setAvgPowerWPerGpu(500).setProvider("aws").setRegion("us-west-2")
                        .setStartedAt(Instant.parse("2026-07-02T06:00:00Z")).build());
        return new DisclosureInputs(totals, List.of(restatement), Map.of(), comparisons, runs);
    }

    private static DayTotal record(PeriodTotal total, String variant, String sourceVersion) {
        return DayTotalRecords.toAvro(total, "uc", variant, sourceVersion, WRITTEN);
    }

    static ObjectNode july() {
        return Disclosure.build(scenario(), new Disclosure.Request(JULY_1, LocalDate.parse("2026-07-31"), null),
                new Disclosure.Provenance("test", "./payback disclose --from 2026-07-01 --to 2026-07-31",
                        Instant.parse("2026-08-01T00:00:00Z")));
    }

    @Test
    void theScenarioMatchesItsHandComputedGoldenFile() throws IOException {
        JsonNode golden;
        try (InputStream in = DisclosureTest.class.getResourceAsStream("/disclosure/golden.json")) {
            golden = MAPPER.readTree(in);
        }
        List<String> differences = new ArrayList<>();
        compare("", golden, july(), differences);
        assertThat(differences).isEmpty();
    }

    @Test
    void theGoldenComparisonCanFail() {
        // A wrong figure in the golden tree is found (the comparison is not vacuous)
        ObjectNode wrong = MAPPER.createObjectNode();
        wrong.putObject("inventory").putObject("total").put("facilityWh", 178_301);
        List<String> differences = new ArrayList<>();
        compare("", wrong, july(), differences);
        assertThat(differences).containsExactly("/inventory/total/facilityWh: expected 178301.0, got 178300.0");
    }

    @Test
    void theJsonValidatesAgainstItsSchema() throws IOException {
        Schema schema;
        try (InputStream in = Files.newInputStream(Path.of("..", "docs", "disclosure.schema.json"))) {
            schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(in);
        }
        List<Error> errors = schema.validate(MAPPER.readTree(DisclosureFormats.json(july())));
        assertThat(errors).isEmpty();

        // And the schema refuses what it should: a figure of an unknown scope
        ObjectNode broken = july();
        ((ObjectNode) broken.at("/inventory/total/byScope")).putObject("SCOPE_1").put("label", "direct");
        assertThat(schema.validate(broken)).isNotEmpty();
    }

    @Test
    void theCsvHasOneRowPerFigure() {
        List<String> lines = DisclosureFormats.csv(july()).lines().toList();
        assertThat(lines.get(0)).isEqualTo(DisclosureFormats.CSV_HEADER);
        // the owned run's market-based figure: 500 g, metered, [450, 550]
        assertThat(lines).contains("training_spike,cmp-a,run-owned,ft,co2e_market,500,gCO2e,METERED,450,550,,"
                + "2026-07-01,market-based: market-based");
        // the inventory's Scope 2 electricity, market-based: 1,077.5 g
        assertThat(lines).contains("inventory,,total,,electricity_co2e_market,1077.5,gCO2e,,,,SCOPE_2,,"
                + "Scope 2 (purchased electricity)");
        // avoided emissions, apart: 900 Wh, estimated, [-500, 3500] (a difference's range)
        assertThat(lines).contains("avoided_emissions,cmp-a,,ft,avoided_energy,900,Wh,ESTIMATED,-500,3500,,,"
                + "reported separately; never netted against the inventory");
        // the restatement's before and after
        assertThat(lines).anyMatch(l -> l.startsWith("restatement,cmp-a,base-m,,co2e_location_before_v1,630,"));
        assertThat(lines).anyMatch(l -> l.startsWith("restatement,cmp-a,base-m,,co2e_location_after_v2,600,"));
    }

    @Test
    void theBoAmpsFormatHasOneReportPerRunOfThePeriod() {
        JsonNode reports = DisclosureFormats.boamps(july());
        // run-cloud then run-owned, as the report lists them; run-owned's own energy: 100 kWh metered at the facility
        assertThat(reports).hasSize(2);
        assertThat(reports.get(0).at("/header/reportId").asText()).isEqualTo("disclosure-cmp-a-run-cloud");
        assertThat(reports.get(1).at("/measures/0/powerConsumption").asDouble()).isEqualTo(100.0);
        assertThat(reports.get(1).at("/quality").asText()).isEqualTo("high");
    }

    @Test
    void badInputIsRefusedWithWhatWasWrong() {
        DisclosureInputs inputs = scenario();
        Disclosure.Provenance provenance = new Disclosure.Provenance("test", "test", Instant.EPOCH);
        assertThatThrownBy(() -> new Disclosure.Request(LocalDate.parse("2026-07-31"), JULY_1, null))
                .hasMessage("the period is reversed: --from 2026-07-31 is after --to 2026-07-01");
        assertThatThrownBy(() -> Disclosure.build(inputs, new Disclosure.Request(JULY_1, JULY_1, "cmp-x"),
                provenance)).hasMessage("unknown comparison 'cmp-x'; known: cmp-a, cmp-b");
        assertThatThrownBy(() -> Disclosure.build(inputs, new Disclosure.Request(LocalDate.parse("2026-08-01"),
                LocalDate.parse("2026-08-31"), null), provenance))
                .hasMessageStartingWith("no closed day totals from 2026-08-01 to 2026-08-31")
                .hasMessageEndingWith("closed days held: 2026-07-01 to 2026-07-02");
        assertThatThrownBy(() -> DisclosureFormats.Format.parse("pdf"))
                .hasMessage("format must be one of json, csv, html, boamps; got pdf");
    }

    /** Every field of {@code expected} is in {@code actual}: numbers within 1e-9 relative, arrays of equal length. */
    static void compare(String path, JsonNode expected, JsonNode actual, List<String> differences) {
        if (actual == null || actual.isMissingNode()) {
            differences.add(path + ": missing");
        } else if (expected.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = expected.properties().iterator(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                compare(path + "/" + e.getKey(), e.getValue(), actual.get(e.getKey()), differences);
            }
        } else if (expected.isArray()) {
            if (!actual.isArray() || actual.size() != expected.size()) {
                differences.add(path + ": expected " + expected.size() + " items, got " + actual);
                return;
            }
            for (int i = 0; i < expected.size(); i++) {
                compare(path + "/" + i, expected.get(i), actual.get(i), differences);
            }
        } else if (expected.isNumber()) {
            double want = expected.asDouble();
            double got = actual.asDouble();
            if (!actual.isNumber() || Math.abs(want - got) > 1e-9 * Math.max(1, Math.abs(want))) {
                differences.add(path + ": expected " + want + ", got " + (actual.isNumber() ? got : actual));
            }
        } else if (!expected.equals(actual)) {
            differences.add(path + ": expected " + expected + ", got " + actual);
        }
    }
}
