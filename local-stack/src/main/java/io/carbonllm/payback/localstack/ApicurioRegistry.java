package io.carbonllm.payback.localstack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.IntPredicate;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real schema registry: Apicurio Registry, run as a child process and reached through its Confluent-compatible
 * API at {@code /apis/ccompat/v7}. HTTP binds to 127.0.0.1, the management interface is off (on a free port, since
 * Quarkus binds it regardless), global compatibility
 * is BACKWARD (Confluent's default), and with a data directory its H2 database lives on disk, so schema ids survive
 * a restart.
 */
public final class ApicurioRegistry implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ApicurioRegistry.class);
    public static final String CONFLUENT_API_PATH = "/apis/ccompat/v7";

    private final int port;
    private final Path dataDir;
    private final boolean persistent;
    private final Duration startTimeout;
    /** The management interface's port; 0 until {@link #start} picks a free one. */
    private int managementPort;
    private Process process;
    private Thread shutdownHook;

    private ApicurioRegistry(int port, Path dataDir, boolean persistent, Duration startTimeout, int managementPort) {
        this.port = port;
        this.dataDir = dataDir;
        this.persistent = persistent;
        this.startTimeout = startTimeout;
        this.managementPort = managementPort;
    }

    /** A registry whose schemas are kept in {@code dataDir} across restarts. */
    public static ApicurioRegistry persistent(int port, Path dataDir) {
        return new ApicurioRegistry(port, dataDir, true, Duration.ofSeconds(180), 0);
    }

    /** A registry with in-memory storage (for tests); {@code workDir} holds only its log and pid file. */
    public static ApicurioRegistry inMemory(int port, Path workDir) {
        return new ApicurioRegistry(port, workDir, false, Duration.ofSeconds(180), 0);
    }

    /** An in-memory registry whose management interface binds {@code managementPort}, for tests of a port in use. */
    static ApicurioRegistry inMemory(int port, Path workDir, int managementPort) {
        return new ApicurioRegistry(port, workDir, false, Duration.ofSeconds(180), managementPort);
    }

    /** Starts the registry and returns once its Confluent API answers. */
    public ApicurioRegistry start() {
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new LocalStackException("Cannot create registry directory " + dataDir, e);
        }
        stopLeftover();
        Ports.requireFree(port, "schema registry", "--registry-port");
        RegistryDistribution distribution = RegistryDistribution.locate();
        JavaRuntimes.Runtime runtime = JavaRuntimes.find(distribution.minimumJava()).orElseThrow(() ->
                new LocalStackException("Apicurio Registry " + distribution.version() + " needs Java "
                        + distribution.minimumJava() + " or later, and none was found. Looked in: "
                        + JavaRuntimes.candidateHomes().stream().map(Path::toString).collect(Collectors.joining(", "))
                        + ". Install a JDK " + distribution.minimumJava() + "+ next to this one, or set "
                        + JavaRuntimes.OVERRIDE_ENV + " to its home, or run Apicurio 3.0.9 on Java 17 by setting "
                        + RegistryDistribution.HOME_ENV + " and " + RegistryDistribution.VERSION_ENV + "=3.0.9."));

        List<String> command = new ArrayList<>();
        command.add(runtime.javaExecutable().toString());
        command.add("-Xmx384m");
        command.add("-Dquarkus.http.host=127.0.0.1");
        command.add("-Dquarkus.http.port=" + port);
        // Quarkus binds its management interface (default 127.0.0.1:9000, also used by MinIO, SonarQube and
        // php-fpm) even when it is disabled, so it gets a free port of its own and never collides.
        command.add("-Dquarkus.management.enabled=false");
        command.add("-Dquarkus.management.host=127.0.0.1");
        if (managementPort == 0) {
            managementPort = Ports.findFree();
        }
        command.add("-Dquarkus.management.port=" + managementPort);
        command.add("-Dapicurio.rules.global.compatibility=BACKWARD");
        command.add("-Dquarkus.log.file.enabled=false");
        if (persistent) {
            command.add("-Dapicurio.datasource.url=jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("registry"));
        }
        command.add("-jar");
        command.add(distribution.launchJar().toString());

        Path logFile = dataDir.resolve("registry.log");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dataDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new LocalStackException("Cannot start Apicurio Registry with " + runtime.javaExecutable(), e);
        }
        writePid();
        shutdownHook = new Thread(this::stopProcess, "apicurio-registry-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        log.info("Apicurio Registry {} starting on Java {} ({}), log {}", distribution.version(), runtime.feature(),
                runtime.home(), logFile);
        awaitReady(logFile);
        return this;
    }

    private void awaitReady(Path logFile) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest probe = HttpRequest.newBuilder(URI.create(confluentApiUrl() + "/subjects"))
                .timeout(Duration.ofSeconds(5)).GET().build();
        long deadline = System.nanoTime() + startTimeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                String cause = bindFailure(readLog(logFile), port, managementPort, Ports::isFree);
                throw new LocalStackException("Apicurio Registry exited with code " + process.exitValue()
                        + " during start-up" + (cause == null ? "." : ": " + cause) + " Last lines of " + logFile
                        + ":\n" + tail(logFile, 20));
            }
            try {
                HttpResponse<Void> response = http.send(probe, HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // Not listening yet.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                throw new LocalStackException("Interrupted while waiting for Apicurio Registry", e);
            }
            sleep(200);
        }
        close();
        throw new LocalStackException("Apicurio Registry did not answer on " + confluentApiUrl() + " within "
                + startTimeout.toSeconds() + " s. Last lines of " + logFile + ":\n" + tail(logFile, 20));
    }

    /**
     * One line naming the port the registry could not bind and why, if its log shows a bind failure; null otherwise.
     * Quarkus's log names neither port, so the port is the one of the two that is still taken: the HTTP port was free
     * a moment before the child started, and the management port was picked free.
     */
    static String bindFailure(List<String> log, int httpPort, int managementPort, IntPredicate isFree) {
        String reason = null;
        for (String line : log) {
            int at = line.indexOf("BindException");
            if (at >= 0) {
                int colon = line.indexOf(':', at);
                reason = colon < 0 ? "cannot bind" : line.substring(colon + 1).trim();
                break;
            }
            if (line.contains("Address already in use")) {
                reason = "Address already in use";
            }
        }
        if (reason == null) {
            return null;
        }
        boolean httpTaken = !isFree.test(httpPort);
        boolean managementTaken = !isFree.test(managementPort);
        if (httpTaken && !managementTaken) {
            return "its HTTP port " + httpPort + " on 127.0.0.1 cannot be bound (" + reason + "). Stop whatever holds it,"
                    + " or choose another port with --registry-port.";
        }
        if (managementTaken && !httpTaken) {
            return "its management port " + managementPort + " on 127.0.0.1 (Quarkus's management interface, bound"
                    + " even when disabled) cannot be bound (" + reason + "). Something took it after the launcher"
                    + " found it free; the next start picks another.";
        }
        return "its HTTP port " + httpPort + " or its management port " + managementPort + " on 127.0.0.1 cannot be"
                + " bound (" + reason + ").";
    }

    private static List<String> readLog(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            return List.of();
        }
    }

    /** A registry left running by a demo that was killed (kill -9) would hold the port and the H2 file lock. */
    private void stopLeftover() {
        Path pidFile = dataDir.resolve("registry.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        try {
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            Optional<ProcessHandle> leftover = ProcessHandle.of(pid)
                    .filter(ProcessHandle::isAlive)
                    .filter(h -> h.info().commandLine().map(c -> c.contains("apicurio") || c.contains("quarkus-run"))
                            .orElse(false));
            if (leftover.isPresent()) {
                log.warn("Stopping a leftover Apicurio Registry process {}", pid);
                leftover.get().destroy();
                leftover.get().onExit().get(20, java.util.concurrent.TimeUnit.SECONDS);
            }
            Files.deleteIfExists(pidFile);
        } catch (Exception e) {
            log.warn("Could not check the leftover registry pid file {}", pidFile, e);
        }
    }

    private void writePid() {
        try {
            Files.writeString(dataDir.resolve("registry.pid"), Long.toString(process.pid()));
        } catch (IOException e) {
            log.warn("Could not write the registry pid file in {}", dataDir, e);
        }
    }

    private static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The base URL of the Confluent-compatible API, for {@code schema.registry.url}. */
    public String confluentApiUrl() {
        return "http://127.0.0.1:" + port + CONFLUENT_API_PATH;
    }

    public int port() {
        return port;
    }

    private void stopProcess() {
        Process p = process;
        if (p == null) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            Files.deleteIfExists(dataDir.resolve("registry.pid"));
        } catch (IOException e) {
            log.warn("Could not delete the registry pid file in {}", dataDir, e);
        }
    }

    @Override
    public void close() {
        if (process == null) {
            return;
        }
        stopProcess();
        process = null;
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // Already shutting down: the hook is running or has run.
            }
            shutdownHook = null;
        }
        log.info("Apicurio Registry on port {} stopped", port);
    }
}
