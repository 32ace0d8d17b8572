package io.carbonllm.payback.bench;

import io.carbonllm.payback.bench.streams.StreamsBench;
import io.carbonllm.payback.localstack.EmbeddedKafkaBroker;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs every benchmark of docs/benchmarks.md against one real broker started here, in this JVM, so that the measured
 * JVMs hold no broker:
 * <ol>
 *   <li>{@code jmh}: {@link RecordVsSendBenchmark} (record() and a raw send() side by side, with {@code -prof gc});</li>
 *   <li>{@code broker-down}: {@link BrokerDownHarness} in a fresh JVM;</li>
 *   <li>with {@code jmh}: {@link CallerAllocation}, the caller thread's own allocation, in a fresh JVM;</li>
 *   <li>{@code otlp}: {@link OtlpServer} pinned to core 0 ({@code taskset -c 0}, one available processor), this JVM
 *       (broker and load client) moved to core 1, 100-span JSON batches for 10 s of warm-up and a 20 s window; as
 *       shipped, then with TCP_NODELAY on the server's sockets, then without the tracker.</li>
 * </ol>
 * Usage: {@code java -jar payback-benchmarks.jar [all|jmh|broker-down|otlp] [JMH options]}; JMH options (for example
 * {@code -f 1 -i 3}) go to the JMH run. {@code java -jar payback-benchmarks.jar streams [--help]} measures the streams
 * app against raw consumers instead ({@link StreamsBench}; {@code ./payback bench}).
 */
public final class RunBenchmarks {

    /** The benchmarks' logback configuration (quiet); named so that a logback-test.xml on the class path loses. */
    static final String LOGBACK_CONFIG = "payback-benchmarks-logback.xml";
    private static final Set<String> SECTIONS = Set.of("all", "jmh", "broker-down", "otlp");
    static final int OTLP_SPANS_PER_BATCH = 100;
    private static final int OTLP_CLIENTS = 4;
    private static final Duration OTLP_WARMUP = Duration.ofSeconds(10);
    private static final Duration OTLP_WINDOW = Duration.ofSeconds(20);
    /**
     * The JDK HttpServer leaves Nagle's algorithm on by default; each response (headers, then body) then waits for
     * the client's delayed ACK, about 40 ms on Linux. The endpoint is measured as shipped and with this flag.
     */
    private static final String NODELAY = "-Dsun.net.httpserver.nodelay=true";

    private RunBenchmarks() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("logback.configurationFile", LOGBACK_CONFIG);
        if (args.length > 0 && "streams".equals(args[0])) {
            // The streams app against raw consumers: its own stack, options and report (not part of "all")
            StreamsBench.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        String section = args.length > 0 && SECTIONS.contains(args[0]) ? args[0] : "all";
        String[] jmhArgs = args.length > 0 && SECTIONS.contains(args[0]) ? Arrays.copyOfRange(args, 1, args.length) : args;
        System.out.printf("payback benchmarks (%s): %s, %d processors, Java %s (%s), %s%n", section,
                System.getProperty("os.arch"), Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.runtime.version"), System.getProperty("java.vm.name"), ZonedDateTime.now());
        loadAverage("at start");
        boolean all = "all".equals(section);
        EmbeddedKafkaBroker broker = all || "jmh".equals(section) || "otlp".equals(section) ? BenchStack.startBroker() : null;
        try {
            if (all || "jmh".equals(section)) {
                runJmh(broker.bootstrapServers(), jmhArgs);
            }
            if (all || "broker-down".equals(section)) {
                System.out.printf("%n== record() with the broker down (fresh JVM)%n");
                loadAverage("now");
                javaProcess(List.of(), List.of("-Xms1g", "-Xmx1g"), BrokerDownHarness.class, List.of())
                        .inheritIO().start().waitFor();
            }
            if (all || "jmh".equals(section)) {
                System.out.printf("%n== Bytes allocated per call on the caller's thread (broker up, fresh JVM)%n");
                javaProcess(List.of(), List.of("-Xms1g", "-Xmx1g"), CallerAllocation.class,
                        List.of(broker.bootstrapServers())).inheritIO().start().waitFor();
            }
            if (all || "otlp".equals(section)) {
                runOtlp(broker.bootstrapServers());
            }
            loadAverage("at the end");
        } finally {
            if (broker != null) {
                broker.close();
            }
        }
    }

    /** The machine's load: other processes on these cores move every number here. */
    private static void loadAverage(String when) {
        try {
            System.out.printf("load average %s: %s%n", when, Files.readString(Path.of("/proc/loadavg")).trim());
        } catch (IOException e) {
            System.out.printf("load average %s: unknown (%s)%n", when, e.getMessage());
        }
    }

    private static void runJmh(String bootstrap, String[] jmhArgs) throws Exception {
        System.out.printf("%n== JMH: record() and a raw send() side by side (broker %s)%n", bootstrap);
        CommandLineOptions cli = new CommandLineOptions(jmhArgs);
        ChainedOptionsBuilder options = new OptionsBuilder().parent(cli);
        if (cli.getIncludes().isEmpty()) {
            options.include(RecordVsSendBenchmark.class.getName());
        }
        if (cli.getProfilers().stream().noneMatch(p -> p.getKlass().equals("gc") || p.getKlass().endsWith("GCProfiler"))) {
            options.addProfiler(GCProfiler.class);
        }
        List<String> prepend = new ArrayList<>(cli.getJvmArgsPrepend().orElse(List.of()));
        prepend.add("-D" + BenchStack.BOOTSTRAP_PROPERTY + "=" + bootstrap);
        options.jvmArgsPrepend(prepend.toArray(String[]::new));
        if (cli.getResult().hasValue()) {
            options.result(cli.getResult().get());
        } else {
            options.result(targetDir().resolve("jmh-result.json").toString()).resultFormat(ResultFormatType.JSON);
        }
        new Runner(options.build()).run();
    }

    private static void runOtlp(String bootstrap) throws Exception {
        byte[] body = BenchmarkEvents.otlpJsonBatch(OTLP_SPANS_PER_BATCH);
        boolean pinned = pinThisJvmToCore1();
        loadAverage("now");
        System.out.printf("%n== OTLP endpoint: POST %s, application/json, %d GenAI spans (%,d bytes) per request, "
                        + "%d client threads, %d s warm-up, %d s window; server %s%n", "/v1/traces",
                OTLP_SPANS_PER_BATCH, body.length, OTLP_CLIENTS, OTLP_WARMUP.toSeconds(), OTLP_WINDOW.toSeconds(),
                pinned ? "pinned to core 0 (taskset -c 0), load client and broker on core 1"
                        : "NOT pinned (no taskset, or one core)");
        otlpRound("endpoint + tracker -> broker, JDK HttpServer defaults", List.of(), List.of("tracker", bootstrap),
                body, pinned);
        otlpRound("endpoint + tracker -> broker, " + NODELAY, List.of(NODELAY), List.of("tracker", bootstrap), body,
                pinned);
        otlpRound("endpoint alone (sink discards), " + NODELAY, List.of(NODELAY), List.of("discard"), body, pinned);
    }

    private static void otlpRound(String name, List<String> serverFlags, List<String> serverArgs, byte[] body,
                                  boolean pinned) throws Exception {
        List<String> jvmArgs = new ArrayList<>(List.of("-XX:ActiveProcessorCount=1", "-Xms512m", "-Xmx512m"));
        jvmArgs.addAll(serverFlags);
        Process server = javaProcess(pinned ? List.of("taskset", "-c", "0") : List.of(), jvmArgs, OtlpServer.class,
                serverArgs).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        String first = out.readLine();
        if (first == null || !first.startsWith("PORT ")) {
            server.destroy();
            throw new IllegalStateException("The OTLP server did not start: " + first);
        }
        int port = Integer.parseInt(first.substring(5).trim());
        OtlpLoad.Result r = OtlpLoad.run(port, body, OTLP_SPANS_PER_BATCH, OTLP_CLIENTS, OTLP_WARMUP, OTLP_WINDOW,
                server.toHandle());
        System.out.printf("%s: %,.0f spans/s (%,d requests of %d spans in %.1f s); server CPU %.1f s in the window "
                        + "= %,.0f spans per CPU-second; 503s %d, partial %d, failed %d%n", name, r.spansPerSecond(),
                r.accepted(), OTLP_SPANS_PER_BATCH, r.seconds(), r.serverCpuSeconds(), r.spansPerCpuSecond(),
                r.unavailable(), r.partial(), r.failed());
        try (OutputStream in = server.getOutputStream()) {
            in.write("STOP\n".getBytes(StandardCharsets.UTF_8));
        }
        for (String line = out.readLine(); line != null && !"STOPPED".equals(line); line = out.readLine()) {
            System.out.println(line);
        }
        if (!server.waitFor(90, TimeUnit.SECONDS)) {
            server.destroyForcibly();
        }
    }

    /** Moves every thread of this JVM (broker, load client) to core 1, so that core 0 is the server's alone. */
    private static boolean pinThisJvmToCore1() throws InterruptedException {
        if (Runtime.getRuntime().availableProcessors() < 2) {
            return false;
        }
        try {
            Process taskset = new ProcessBuilder("taskset", "-a", "-p", "-c", "1", Long.toString(ProcessHandle.current().pid()))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return taskset.waitFor() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** A child JVM on this JVM's java and class path. */
    private static ProcessBuilder javaProcess(List<String> prefix, List<String> jvmArgs, Class<?> main, List<String> args) {
        List<String> command = new ArrayList<>(prefix);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        command.add("-Dlogback.configurationFile=" + LOGBACK_CONFIG);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        command.addAll(args);
        return new ProcessBuilder(command);
    }

    /** benchmarks/target: the directory holding this jar (or target/classes), for the JMH result file. */
    private static Path targetDir() throws URISyntaxException {
        Path dir = Path.of(RunBenchmarks.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getParent();
        return dir == null ? Path.of(".") : dir;
    }
}
