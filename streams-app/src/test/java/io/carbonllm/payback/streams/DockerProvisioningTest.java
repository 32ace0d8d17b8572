package io.carbonllm.payback.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.carbonllm.payback.core.alert.AlertRule;
import io.carbonllm.payback.events.BasisLedger;
import io.carbonllm.payback.events.PaybackAlert;
import io.carbonllm.payback.events.PaybackStatus;
import io.carbonllm.payback.schemas.registry.InMemorySchemaRegistryClient;
import io.carbonllm.payback.streams.alerts.AlertPayloads;
import io.carbonllm.payback.streams.alerts.AlertWebhookConfig;
import io.carbonllm.payback.streams.alerts.AlertWebhookSink;
import io.carbonllm.payback.streams.config.EnvironmentConfig;
import io.carbonllm.payback.streams.config.PaybackStreamsConfig;
import io.carbonllm.payback.streams.dlq.DeadLetterStage;
import io.carbonllm.payback.streams.metrics.LedgerSource;
import io.carbonllm.payback.streams.metrics.PaybackMetrics;
import io.carbonllm.payback.streams.metrics.PrometheusMetrics;
import io.carbonllm.payback.streams.metrics.PrometheusText;
import io.carbonllm.payback.streams.state.Definitions;
import io.carbonllm.payback.streams.topics.Topics;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docker/: the Prometheus rules and scrape config, the Grafana provisioning and dashboard, and compose.yaml that
 * mounts them, checked without a Docker engine: each file parses, has the structure its reader expects, and names
 * only metrics the app really exports. The exported names come from a real scrape of this registry with every kind
 * of meter bound: a ledger with every figure set, Kafka Streams' client metrics (a {@code KafkaStreams} built on the
 * production topology, never started), and the alert webhook's counters.
 */
class DockerProvisioningTest {

    private static final Path DOCKER = Path.of("..", "docker");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DATASOURCE_UID = "payback-prometheus";
    /** PromQL words that are not metric names. */
    private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left",
            "group_right", "and", "or", "unless", "bool", "offset", "inf", "nan");
    private static final Set<String> PANEL_TYPES = Set.of("row", "stat", "table", "timeseries", "state-timeline",
            "gauge", "bargauge", "text");

    @TempDir
    static Path stateDir;
    private static PrometheusText scrape;

    @BeforeAll
    static void scrapeEverythingTheAppExports() {
        Map<String, Object> props = new HashMap<>();
        props.put(PaybackStreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
        props.put(PaybackStreamsConfig.SCHEMA_REGISTRY_URL_CONFIG, "http://127.0.0.1:1");
        props.put(PaybackStreamsConfig.DATA_DIR_CONFIG, stateDir.toString());
        props.put(AlertWebhookConfig.URL_CONFIG, "http://127.0.0.1:1/hook");
        PaybackStreamsConfig config = new PaybackStreamsConfig(props);
        Topics topics = Topics.from(config, new InMemorySchemaRegistryClient());
        PaybackMetrics counts = new PaybackMetrics();
        try (PrometheusMetrics metrics = new PrometheusMetrics("docker-test", counts,
                Arrays.stream(DeadLetterStage.values()).map(DeadLetterStage::header).toList(),
                List.of("comparisons", "training-runs", "factors"));
             KafkaStreams streams = new KafkaStreams(new PaybackTopology(config, topics, new Definitions(), counts)
                     .build(), config.streamsProperties())) {
            // Built, never started: its counters are registered, its consumer never connects
            AlertWebhookSink sink = AlertWebhookSink.create(config.alertWebhook(), config.originals(),
                    config.paybackAlertsTopic(), topics.paybackAlerts().valueSerde().deserializer(), metrics.registry());
            try {
                metrics.bindLedgers(DockerProvisioningTest::everyFigure).bindStreams(streams);
                scrape = PrometheusText.parse(metrics.endpoint().scrape());
            } finally {
                sink.close();
            }
        }
    }

    /** One ledger with every figure the gauges export, and one alert firing on it. */
    private static LedgerSource.Snapshot everyFigure() {
        BasisLedger basis = BasisLedger.newBuilder().setUnit("Wh").setStatus("PAYING_BACK").setSaved(5).setFootprint(10)
                .setPaybackRatio(0.5).setProjectedBreakEvenAt(Instant.parse("2027-01-01T00:00:00Z")).build();
        PaybackStatus status = PaybackStatus.newBuilder().setComparisonId("c").setCandidateId("k").setUseCase("u")
                .setModelId("m").setStatus("PAYING_BACK").setEnergy(basis).setCo2eLocation(basis).setCo2eMarket(basis)
                .setHorizonEnd(Instant.parse("2027-06-01T00:00:00Z")).build();
        PaybackAlert alert = PaybackAlert.newBuilder().setComparisonId("c").setCandidateId("k").setRule("NOT_SAVING")
                .setState("FIRING").setFiredAt(Instant.EPOCH).setWindowStart(Instant.EPOCH).setMessage("m").build();
        return new LedgerSource.Snapshot(List.of(status), List.of(alert));
    }

    @Test
    void theExportedNamesIncludeEveryKindOfMeter() {
        assertThat(scrape.names()).contains("payback_ratio", "payback_status", "payback_ledger_info",
                "payback_projected_break_even_timestamp_seconds", "payback_horizon_end_timestamp_seconds",
                "payback_dead_letters_total", "payback_alert_webhook_failures_total",
                "kafka_stream_alive_stream_threads", "kafka_stream_client_state", "kafka_stream_thread_process_rate",
                "kafka_consumer_fetch_manager_records_lag_max", "jvm_memory_used_bytes", "jvm_gc_pause_seconds_sum",
                "process_cpu_usage");
    }

    @Test
    void theRulesMirrorEveryEngineAlertAndUseOnlyExportedMetrics() throws IOException {
        JsonNode rules = YAML.readTree(DOCKER.resolve("prometheus/alerts.yml").toFile());
        List<String> groups = new ArrayList<>();
        rules.get("groups").forEach(g -> groups.add(g.get("name").asText()));
        assertThat(groups).containsExactly("payback-engine", "payback-pipeline");

        // One Prometheus alert per engine rule, under the name the webhook's Alertmanager payloads use
        JsonNode engine = rules.get("groups").get(0).get("rules");
        Map<String, JsonNode> byName = new HashMap<>();
        engine.forEach(r -> byName.put(r.get("alert").asText(), r));
        assertThat(byName.keySet()).containsExactlyInAnyOrderElementsOf(
                Arrays.stream(AlertRule.values()).map(AlertPayloads::alertName).toList());
        for (AlertRule rule : AlertRule.values()) {
            JsonNode r = byName.get(AlertPayloads.alertName(rule));
            assertThat(r.get("expr").asText()).contains("payback_alert_firing{rule=\"" + rule.name() + "\"}");
            assertThat(r.get("labels").get("rule").asText()).isEqualTo(rule.name());
        }

        // Every rule is complete, and names only what the app exports (or Prometheus's own up)
        Set<String> exported = new HashSet<>(scrape.names());
        exported.add("up");
        for (JsonNode group : rules.get("groups")) {
            for (JsonNode r : group.get("rules")) {
                String name = r.get("alert").asText();
                assertThat(r.get("labels").get("severity").asText()).as(name).isIn("info", "warning", "critical");
                assertThat(r.get("annotations").get("summary").asText()).as(name).isNotBlank();
                assertThat(metricNames(r.get("expr").asText())).as(name).isNotEmpty().isSubsetOf(exported);
            }
        }
    }

    @Test
    void theScrapeConfigLoadsTheRulesAndScrapesTheApp() throws IOException {
        JsonNode prometheus = YAML.readTree(DOCKER.resolve("prometheus/prometheus.yml").toFile());
        assertThat(prometheus.get("rule_files").get(0).asText()).isEqualTo("/etc/prometheus/alerts.yml");
        JsonNode job = prometheus.get("scrape_configs").get(0);
        assertThat(job.get("job_name").asText()).isEqualTo("payback-streams");
        assertThat(job.get("metrics_path").asText()).isEqualTo("/metrics");
        assertThat(job.get("static_configs").get(0).get("targets").get(0).asText()).isEqualTo("streams:8080");

        JsonNode services = YAML.readTree(DOCKER.resolve("compose.yaml").toFile()).get("services");
        assertThat(volumes(services.get("prometheus"))).contains(
                "./prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro",
                "./prometheus/alerts.yml:/etc/prometheus/alerts.yml:ro");
        assertThat(services.get("streams").get("environment").get("PAYBACK_API_HOST").asText()).isEqualTo("0.0.0.0");
    }

    @Test
    void theStreamsServiceEnvironmentIsAConfigurationTheAppAccepts() throws IOException {
        // Given the streams service's environment, as the container gets it (the image sets PAYBACK_DATA_DIR)
        JsonNode environment = YAML.readTree(DOCKER.resolve("compose.yaml").toFile())
                .get("services").get("streams").get("environment");
        Map<String, String> env = new HashMap<>();
        environment.properties().forEach(e -> env.put(e.getKey(), e.getValue().asText()));
        env.put("PAYBACK_DATA_DIR", "/var/lib/payback");

        // When PaybackStreamsMain reads it, then it starts: no ConfigException (the wildcard host needs
        // application.server), and the API listens on every interface of the container at the address Prometheus scrapes
        PaybackStreamsConfig config = new PaybackStreamsConfig(EnvironmentConfig.fromEnvironment(env));
        assertThat(config.api().host()).isEqualTo("0.0.0.0");
        assertThat(config.api().applicationServer()).isEqualTo("streams:8080");
        assertThat(config.api().port()).isEqualTo(8080);
    }

    @Test
    void grafanaIsProvisionedWithTheDatasourceAndTheDashboardAsItsHome() throws IOException {
        JsonNode datasource = YAML.readTree(DOCKER.resolve("grafana/provisioning/datasources/prometheus.yml").toFile())
                .get("datasources").get(0);
        assertThat(datasource.get("uid").asText()).isEqualTo(DATASOURCE_UID);
        assertThat(datasource.get("type").asText()).isEqualTo("prometheus");
        assertThat(datasource.get("url").asText()).isEqualTo("http://prometheus:9090");
        JsonNode provider = YAML.readTree(DOCKER.resolve("grafana/provisioning/dashboards/payback.yml").toFile())
                .get("providers").get(0);
        assertThat(provider.get("type").asText()).isEqualTo("file");
        String dashboards = provider.get("options").get("path").asText();

        JsonNode grafana = YAML.readTree(DOCKER.resolve("compose.yaml").toFile()).get("services").get("grafana");
        assertThat(volumes(grafana)).contains(
                "./grafana/provisioning/datasources:/etc/grafana/provisioning/datasources:ro",
                "./grafana/provisioning/dashboards:/etc/grafana/provisioning/dashboards:ro",
                "./grafana/dashboards:" + dashboards + ":ro");
        String home = grafana.get("environment").get("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH").asText();
        assertThat(home).startsWith(dashboards + "/");
        assertThat(DOCKER.resolve("grafana/dashboards").resolve(home.substring(dashboards.length() + 1))).exists();
        assertThat(grafana.get("environment").get("GF_AUTH_ANONYMOUS_ENABLED").asText()).isEqualTo("true");
    }

    @Test
    void theDashboardHasGrafanasStructureAndQueriesOnlyExportedMetrics() throws IOException {
        JsonNode dashboard = JSON.readTree(DOCKER.resolve("grafana/dashboards/payback.json").toFile());
        assertThat(dashboard.get("uid").asText()).matches("[a-zA-Z0-9_-]{1,40}");
        assertThat(dashboard.get("title").asText()).isNotBlank();
        assertThat(dashboard.get("schemaVersion").isInt()).isTrue();
        assertThat(dashboard.get("schemaVersion").asInt()).isGreaterThanOrEqualTo(36);

        // Template variables: query ones on the provisioned datasource, over labels an exported metric has
        Set<String> variables = new HashSet<>(Set.of("__rate_interval", "__interval", "__range"));
        Pattern labelValues = Pattern.compile("label_values\\((\\w+)(?:\\{[^}]*})?,\\s*(\\w+)\\)");
        for (JsonNode v : dashboard.get("templating").get("list")) {
            variables.add(v.get("name").asText());
            if (v.get("type").asText().equals("query")) {
                assertThat(v.get("datasource").get("uid").asText()).isEqualTo(DATASOURCE_UID);
                Matcher m = labelValues.matcher(v.get("definition").asText());
                assertThat(m.matches()).as(v.get("definition").asText()).isTrue();
                assertThat(scrape.find(m.group(1))).as(m.group(1)).isNotEmpty()
                        .allMatch(s -> s.labels().containsKey(m.group(2)));
            }
        }

        Set<Integer> ids = new HashSet<>();
        Set<String> queried = new HashSet<>();
        JsonNode panels = dashboard.get("panels");
        assertThat(panels.size()).isGreaterThan(5);
        for (JsonNode panel : panels) {
            String title = panel.get("title").asText();
            assertThat(title).isNotBlank();
            assertThat(ids.add(panel.get("id").asInt())).as("unique id of " + title).isTrue();
            assertThat(panel.get("type").asText()).as(title).isIn(PANEL_TYPES);
            JsonNode grid = panel.get("gridPos");
            for (String field : List.of("x", "y", "w", "h")) {
                assertThat(grid.get(field).isInt()).as(title + " gridPos." + field).isTrue();
            }
            assertThat(grid.get("x").asInt() + grid.get("w").asInt()).as(title).isLessThanOrEqualTo(24);
            if (panel.get("type").asText().equals("row")) {
                continue;
            }
            assertThat(panel.get("datasource").get("uid").asText()).as(title).isEqualTo(DATASOURCE_UID);
            assertThat(panel.get("datasource").get("type").asText()).as(title).isEqualTo("prometheus");
            assertThat(panel.get("targets").size()).as(title).isPositive();
            Set<String> refIds = new HashSet<>();
            for (JsonNode target : panel.get("targets")) {
                assertThat(refIds.add(target.get("refId").asText())).as(title + " refId").isTrue();
                assertThat(target.get("datasource").get("uid").asText()).as(title).isEqualTo(DATASOURCE_UID);
                String expr = target.get("expr").asText();
                Set<String> names = metricNames(expr);
                assertThat(names).as(title + ": " + expr).isNotEmpty().isSubsetOf(scrape.names());
                queried.addAll(names);
                Matcher var = Pattern.compile("\\$(\\w+)").matcher(expr);
                while (var.find()) {
                    assertThat(variables).as(title + " uses $" + var.group(1)).contains(var.group(1));
                }
            }
        }
        // And it shows what the issue asks for: each per-ledger figure
        assertThat(queried).contains("payback_ratio", "payback_saved_kwh", "payback_saved_kgco2e",
                "payback_footprint_kwh", "payback_footprint_kgco2e", "payback_status", "payback_firing_alerts",
                "payback_dead_letters_total", "payback_alert_webhook_failures_total");
    }

    @Test
    void theDashboardValidatesAgainstGrafanasDashboardSchema() throws IOException {
        // Given Grafana's own schema of the classic dashboard model, generated from @grafana/schema 11.6.0 (the
        // image's version; how, in src/test/resources/grafana/README.md)
        Schema schema = grafanaDashboardSchema();
        JsonNode dashboard = JSON.readTree(DOCKER.resolve("grafana/dashboards/payback.json").toFile());

        // Then the shipped dashboard has no error
        assertThat(schema.validate(dashboard)).isEmpty();
    }

    @Test
    void grafanasDashboardSchemaRejectsABrokenDashboard() throws IOException {
        // Given copies of the shipped dashboard, each broken in one place: panels not a list, a panel's width a string,
        // a variable of a type Grafana does not have, no schemaVersion
        Schema schema = grafanaDashboardSchema();
        JsonNode dashboard = JSON.readTree(DOCKER.resolve("grafana/dashboards/payback.json").toFile());

        ObjectNode panelsNotAnArray = dashboard.deepCopy();
        panelsNotAnArray.putObject("panels").put("title", "not a list");
        ObjectNode widthAsAString = dashboard.deepCopy();
        JsonNode panel = widthAsAString.get("panels").get(1);
        assertThat(panel.get("type").asText()).isNotEqualTo("row");
        ((ObjectNode) panel.get("gridPos")).put("w", "12");
        ObjectNode unknownVariableType = dashboard.deepCopy();
        ((ObjectNode) unknownVariableType.get("templating").get("list").get(0)).put("type", "querry");
        ObjectNode noSchemaVersion = dashboard.deepCopy();
        noSchemaVersion.remove("schemaVersion");

        // Then the schema rejects each, naming the place and the keyword that failed
        assertThat(errors(schema, panelsNotAnArray)).contains("/panels type");
        assertThat(errors(schema, widthAsAString)).contains("/panels/1/gridPos/w type");
        assertThat(errors(schema, unknownVariableType)).containsExactly("/templating/list/0/type enum");
        assertThat(errors(schema, noSchemaVersion)).containsExactly(" required schemaVersion");
    }

    private static Schema grafanaDashboardSchema() throws IOException {
        try (InputStream in = DockerProvisioningTest.class.getResourceAsStream("/grafana/dashboard.schema.json")) {
            assertThat(in).as("grafana/dashboard.schema.json on the test class path").isNotNull();
            return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7).getSchema(in);
        }
    }

    /**
     * Each error as its instance location, its keyword and the property it names (for {@code required}): not its
     * message, which the validator words in the default locale.
     */
    private static List<String> errors(Schema schema, JsonNode instance) {
        return schema.validate(instance).stream().map(e -> e.getInstanceLocation() + " " + e.getKeyword()
                + (e.getProperty() == null ? "" : " " + e.getProperty())).toList();
    }

    @Test
    void promtoolAcceptsTheRulesAndTheConfigWhereItIsInstalled() throws Exception {
        Path promtool = Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .map(dir -> Path.of(dir, "promtool")).filter(Files::isExecutable).findFirst().orElse(null);
        assumeTrue(promtool != null, "promtool is not installed (Debian: apt-get install prometheus); skipped");
        Path rules = DOCKER.resolve("prometheus/alerts.yml").toAbsolutePath();
        assertThat(run(promtool.toString(), "check", "rules", rules.toString())).contains("SUCCESS: 11 rules found");
        // The config names the rules where the container mounts them: point it at the file here
        Path config = stateDir.resolve("prometheus.yml");
        Files.writeString(config, Files.readString(DOCKER.resolve("prometheus/prometheus.yml"))
                .replace("/etc/prometheus/alerts.yml", rules.toString()));
        assertThat(run(promtool.toString(), "check", "config", config.toString())).contains("is valid prometheus config");
    }

    @Test
    void ciInstallsPromtoolSoThatTheCheckAboveRunsThere() throws Exception {
        // The check above skips without promtool: .ci/run must install Debian's package that ships it when it is
        // missing, as it does Chromium for DashboardIT, or CI never validates the rules
        String ci = Files.readString(Path.of("..", ".ci", "run"));
        Matcher guard = Pattern.compile("if ! command -v promtool >/dev/null 2>&1; then\\n(.*?)\\nfi\\n",
                Pattern.DOTALL).matcher(ci);
        assertThat(guard.find()).as(".ci/run installs promtool when it is missing:%n%s", ci).isTrue();
        assertThat(guard.group(1)).containsPattern("apt-get install [^\\n]*\\bprometheus\\b")
                .as("the package's daemon must not start on the CI machine").contains("policy-rc.d");
    }

    private static String run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(out).isZero();
        return out;
    }

    private static List<String> volumes(JsonNode service) {
        List<String> volumes = new ArrayList<>();
        service.get("volumes").forEach(v -> volumes.add(v.asText()));
        return volumes;
    }

    /**
     * The metric names a PromQL expression reads: strings, label matchers, ranges and the label lists of by / without
     * / on / ignoring taken out, what is left that is followed by "(" is a function, and keywords are not names.
     */
    static Set<String> metricNames(String expr) {
        String text = expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")
                .replaceAll("\\{[^}]*}", " ")
                .replaceAll("\\[[^]]*]", " ")
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
        Set<String> names = new HashSet<>();
        Matcher m = Pattern.compile("(?<![\\w$.])([a-zA-Z_:][a-zA-Z0-9_:]*)(\\s*\\()?").matcher(text);
        while (m.find()) {
            if (m.group(2) == null && !KEYWORDS.contains(m.group(1).toLowerCase())) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    @Test
    void theMetricNameExtractorSkipsFunctionsLabelsAndKeywords() {
        assertThat(metricNames("sum by (stage) (rate(payback_dead_letters_total{stage=~\"a|b\"}[5m])) > 0"))
                .containsExactly("payback_dead_letters_total");
        assertThat(metricNames("max by (instance) (a_b) != 2 and on (application) c_d offset 5m * 1000"))
                .containsExactlyInAnyOrder("a_b", "c_d");
        assertThat(metricNames("payback_ratio{basis=\"$basis\"} * 1e3")).containsExactly("payback_ratio");
    }
}
