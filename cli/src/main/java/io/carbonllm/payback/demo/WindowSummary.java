package io.carbonllm.payback.demo;

import io.carbonllm.payback.core.alert.AlertState;
import io.carbonllm.payback.core.definition.Basis;
import io.carbonllm.payback.events.BasisLedger;
import io.carbonllm.payback.events.PaybackAlert;
import io.carbonllm.payback.events.PaybackStatus;
import io.carbonllm.payback.events.VariantWindow;
import io.carbonllm.payback.schemas.registry.SchemaRegistryClient;
import io.carbonllm.payback.schemas.serde.AvroDeserializer;
import io.carbonllm.payback.streams.metrics.PaybackMetrics;
import io.carbonllm.payback.streams.dlq.DeadLetters;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The live console summary: reads {@code variant-windows} (committed results only) and the DLQ, and prints the
 * latest windows per model at a fixed interval.
 */
public final class WindowSummary implements AutoCloseable {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());
    private static final DateTimeFormatter TIME_AND_DAY = DateTimeFormatter.ofPattern("MMM d HH:mm", Locale.ROOT);
    /** The ledger table: candidate, status, saved and one-off Wh, payback in energy and CO2e, evidence, break-even. */
    private static final String LEDGER_ROW = "  %-30s %-25s %10s %10s %8s %9s  %-27s %s";

    private final KafkaConsumer<String, byte[]> consumer;
    private final AvroDeserializer<VariantWindow> windows;
    private final String windowsTopic;
    private final String dlqTopic;
    private final String statusTopic;
    private final String alertsTopic;
    private final AvroDeserializer<PaybackStatus> statuses;
    private final AvroDeserializer<PaybackAlert> alerts;
    private final Map<String, PaybackStatus> ledger = new TreeMap<>();
    private final Map<String, PaybackAlert> openAlerts = new TreeMap<>();
    private final List<PaybackAlert> recentTransitions = new ArrayList<>();
    private final PrintStream out;
    private final Duration interval;
    private final Map<String, VariantWindow> latest = new TreeMap<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;
    private long deadLetters;
    private final Map<String, Long> deadLettersByStage = new TreeMap<>();
    private String lastDeadLetterReason;
    private volatile long windowResultsSeen;
    private volatile Supplier<Map<String, Long>> definitionsSkipped = Map::of;

    public WindowSummary(String bootstrapServers, SchemaRegistryClient registry, String windowsTopic, String dlqTopic,
                         String statusTopic, String alertsTopic, PrintStream out, Duration interval) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "payback-demo-summary");
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        this.windows = new AvroDeserializer<>(registry, VariantWindow.class);
        this.windowsTopic = windowsTopic;
        this.dlqTopic = dlqTopic;
        this.statusTopic = statusTopic;
        this.alertsTopic = alertsTopic;
        this.statuses = new AvroDeserializer<>(registry, PaybackStatus.class);
        this.alerts = new AvroDeserializer<>(registry, PaybackAlert.class);
        this.out = out;
        this.interval = interval;
        this.thread = new Thread(this::run, "window-summary");
        this.thread.setDaemon(true);
    }

    /** Where the app instance counts the definition records it skipped as invalid (by topic), to show them too. */
    public WindowSummary withDefinitionsSkipped(Supplier<Map<String, Long>> counts) {
        this.definitionsSkipped = counts;
        return this;
    }

    /**
     * Assigns all partitions: new window results from now on; the whole DLQ (to count it); the whole status and
     * alert topics (the latest status per candidate, and which alerts are open).
     */
    public WindowSummary start() {
        List<TopicPartition> windowPartitions = partitions(windowsTopic);
        List<TopicPartition> fromStart = new ArrayList<>(partitions(dlqTopic));
        fromStart.addAll(partitions(statusTopic));
        fromStart.addAll(partitions(alertsTopic));
        List<TopicPartition> all = new ArrayList<>(windowPartitions);
        all.addAll(fromStart);
        consumer.assign(all);
        consumer.seekToEnd(windowPartitions);
        consumer.seekToBeginning(fromStart);
        for (TopicPartition tp : all) {
            consumer.position(tp); // resolve the seeks now, before any traffic is produced
        }
        thread.start();
        return this;
    }

    private List<TopicPartition> partitions(String topic) {
        return consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
    }

    private void run() {
        long nextPrint = System.nanoTime() + interval.toNanos();
        try {
            while (running.get()) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    accept(record);
                }
                if (System.nanoTime() >= nextPrint) {
                    print();
                    nextPrint = System.nanoTime() + interval.toNanos();
                }
            }
        } catch (WakeupException e) {
            // close() woke us up.
        } finally {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        }
    }

    private void accept(ConsumerRecord<String, byte[]> record) {
        if (record.topic().equals(dlqTopic)) {
            deadLetters++;
            Header stage = record.headers().lastHeader(DeadLetters.STAGE);
            deadLettersByStage.merge(stage == null ? "?" : new String(stage.value(), StandardCharsets.UTF_8), 1L, Long::sum);
            Header reason = record.headers().lastHeader(DeadLetters.REASON);
            lastDeadLetterReason = reason == null ? "?" : new String(reason.value(), StandardCharsets.UTF_8);
            return;
        }
        if (record.topic().equals(statusTopic)) {
            if (record.value() == null) {
                ledger.remove(record.key());   // a tombstone: the comparison or candidate is gone
            } else {
                ledger.put(record.key(), statuses.deserialize(record.topic(), record.value()));
            }
            return;
        }
        if (record.topic().equals(alertsTopic)) {
            PaybackAlert alert = alerts.deserialize(record.topic(), record.value());
            if (AlertState.FIRING.name().equals(alert.getState())) {
                openAlerts.put(record.key(), alert);
            } else {
                openAlerts.remove(record.key());
            }
            recentTransitions.add(alert);
            if (recentTransitions.size() > 4) {
                recentTransitions.remove(0);
            }
            return;
        }
        VariantWindow window = windows.deserialize(record.topic(), record.value());
        latest.put(window.getUseCase() + "|" + window.getWindowStart().toEpochMilli() + "|" + window.getModelId(), window);
        windowResultsSeen++;
        // Keep the two most recent windows of each use case: enough for "this minute and the last one".
        if (latest.size() > 64) {
            List<String> keys = new ArrayList<>(latest.keySet());
            keys.subList(keys.size() - 32, keys.size()).clear();
            keys.forEach(latest::remove);
        }
    }

    private void print() {
        if (latest.isEmpty()) {
            out.printf(Locale.ROOT, "%s  waiting for the first window results...%n", TIME.format(Instant.now()));
            return;
        }
        List<VariantWindow> rows = new ArrayList<>(latest.values());
        Instant newest = rows.stream().map(VariantWindow::getWindowStart).max(Comparator.naturalOrder()).orElseThrow();
        Instant previous = rows.stream().map(VariantWindow::getWindowStart).filter(s -> s.isBefore(newest))
                .max(Comparator.naturalOrder()).orElse(null);
        out.println();
        for (Instant start : previous == null ? List.of(newest) : List.of(previous)) {
            List<VariantWindow> inWindow = rows.stream().filter(w -> w.getWindowStart().equals(start))
                    .sorted(Comparator.comparing(VariantWindow::getUseCase).thenComparing(VariantWindow::getModelId))
                    .toList();
            VariantWindow first = inWindow.get(0);
            out.printf(Locale.ROOT, "window %s-%s  %s%s%n", TIME.format(first.getWindowStart()),
                    TIME.format(first.getWindowEnd()), first.getUseCase(), start.equals(newest) ? "  (open)" : "");
            out.printf(Locale.ROOT, "  %-26s %8s %8s %12s %17s %10s %11s  %s%n", "model", "requests", "success",
                    "tokens/task", "(input / output)", "Wh/task", "gCO2e/task", "energy");
            for (VariantWindow w : inWindow) {
                out.printf(Locale.ROOT, "  %-26s %8d %7.1f%% %12s %17s %10s %11s  %s%n", w.getModelId(), w.getRequests(),
                        w.getSuccessRate() == null ? 0.0 : 100 * w.getSuccessRate(),
                        format(w.getTokensPerSuccessfulTask()),
                        "(" + format(w.getInputTokensPerSuccessfulTask()) + " / "
                                + format(w.getOutputTokensPerSuccessfulTask()) + ")",
                        precise(w.getWhPerSuccessfulTask()), precise(w.getGCo2eLocationPerSuccessfulTask()),
                        energyLabel(w));
            }
        }
        printLedger();
        out.printf(Locale.ROOT, "  dead letters in %s: %d%s%s%n", dlqTopic, deadLetters, byStage(deadLettersByStage),
                lastDeadLetterReason == null ? "" : "  (last: " + abbreviate(lastDeadLetterReason) + ")");
        String skipped = skippedLine(definitionsSkipped.get());
        if (!skipped.isEmpty()) {
            out.println(skipped);
        }
    }

    /** "  definitions skipped as invalid: 2 (training-runs 2), see the log": nothing when none were. */
    static String skippedLine(Map<String, Long> byTopic) {
        long total = byTopic.values().stream().mapToLong(Long::longValue).sum();
        return total == 0 ? "" : "  definitions skipped as invalid: " + total + byStage(byTopic)
                + "; the log names each key and offset";
    }

    private void printLedger() {
        if (ledger.isEmpty()) {
            return;
        }
        out.println(String.format(Locale.ROOT, LEDGER_ROW, "ledger", "status", "saved Wh", "one-off Wh", "energy",
                "CO2e", "evidence (saving/one-off)", "projected break-even"));
        for (PaybackStatus s : ledger.values()) {
            out.println(ledgerRow(s, ZoneId.systemDefault()));
        }
        for (PaybackAlert alert : recentTransitions) {
            out.printf(Locale.ROOT, "  alert %-8s %-24s %s (window %s)%n", alert.getState(), alert.getRule(),
                    alert.getMessage(), TIME.format(alert.getWindowStart()));
        }
        recentTransitions.clear();
        if (!openAlerts.isEmpty()) {
            out.printf(Locale.ROOT, "  firing now: %s%n", String.join(", ", openAlerts.keySet()));
        }
    }

    /**
     * One candidate's line of the ledger table. The status and the projected break-even are the comparison's basis;
     * energy and location-based CO2e sit side by side, with the evidence. A basis the status does not carry (the
     * fields are nullable) reads "n/a", and a basis this version does not know is shown as given, with no projection.
     */
    static String ledgerRow(PaybackStatus s, ZoneId zone) {
        BasisLedger energy = s.getEnergy();
        BasisLedger co2e = s.getCo2eLocation();
        Basis basis = basisOrNull(s.getBasis());
        BasisLedger driving = basis == null ? null : switch (basis) {
            case ENERGY -> energy;
            case CO2E_LOCATION -> co2e;
            case CO2E_MARKET -> s.getCo2eMarket();
        };
        Instant breakEven = driving == null ? null : driving.getProjectedBreakEvenAt();
        return String.format(Locale.ROOT, LEDGER_ROW,
                s.getComparisonId() + "/" + s.getCandidateId(),
                s.getStatus() + (basis == Basis.ENERGY ? "" : " (" + s.getBasis() + ")"),
                energy == null ? "n/a" : String.format(Locale.ROOT, "%.1f", energy.getSaved()),
                energy == null ? "n/a" : String.format(Locale.ROOT, "%.1f", energy.getFootprint()),
                energy == null ? "n/a" : percent(energy.getPaybackRatio()),
                co2e == null ? "n/a" : percent(co2e.getPaybackRatio()),
                evidence(s),
                breakEven == null ? "-" : TIME_AND_DAY.withZone(zone).format(breakEven));
    }

    private static Basis basisOrNull(String name) {
        try {
            return Basis.parse(name);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** " (late 1, validate 2)": counts by name (dead letters by stage, skips by topic), when there are any. */
    static String byStage(Map<String, Long> counts) {
        return PaybackMetrics.byName(counts);
    }

    private static String percent(Double ratio) {
        return ratio == null ? "n/a" : String.format(Locale.ROOT, "%.0f%%", 100 * ratio);
    }

    /** The saving's and the footprint's evidence tiers, and the energy coverage when it is partial. */
    private static String evidence(PaybackStatus s) {
        String saving = s.getSavingTier() == null ? "-" : s.getSavingTier().toLowerCase(Locale.ROOT);
        String footprint = s.getFootprintTier() == null ? "-" : s.getFootprintTier().toLowerCase(Locale.ROOT);
        String coverage = s.getEnergyCoverage() == null || s.getEnergyCoverage() >= 1.0 ? ""
                : String.format(Locale.ROOT, ", %.0f%% cov.", 100 * s.getEnergyCoverage());
        return saving + "/" + footprint + coverage;
    }

    private static String format(Double value) {
        return value == null ? "n/a" : String.format(Locale.ROOT, "%,.0f", value);
    }

    private static String precise(Double value) {
        return value == null ? "n/a" : String.format(Locale.ROOT, "%.4f", value);
    }

    /** The evidence tier and, when not every request had a figure, the coverage. */
    private static String energyLabel(VariantWindow w) {
        if (w.getEnergyTier() == null) {
            return "unavailable";
        }
        double coverage = w.getEnergyCoverage() == null ? 0 : w.getEnergyCoverage();
        return coverage >= 1.0 ? w.getEnergyTier().toLowerCase(Locale.ROOT)
                : String.format(Locale.ROOT, "%s, %.0f%% coverage", w.getEnergyTier().toLowerCase(Locale.ROOT), 100 * coverage);
    }

    private static String abbreviate(String text) {
        return text.length() <= 90 ? text : text.substring(0, 87) + "...";
    }

    /** How many window results this summary has read, for tests and start-up checks. */
    public long windowResultsSeen() {
        return windowResultsSeen;
    }

    @Override
    public void close() {
        running.set(false);
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
