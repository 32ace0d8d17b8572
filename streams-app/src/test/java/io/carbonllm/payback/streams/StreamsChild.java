package io.carbonllm.payback.streams;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * The streams app as a child JVM ({@link PaybackStreamsMain} with a properties file), so a test can kill it with
 * SIGKILL ({@code destroyForcibly}) as a crash would: no close, no commit, no leave-group. Its JMX is open on a
 * loopback port, for Kafka Streams' own metrics.
 */
final class StreamsChild implements AutoCloseable {

    private final Path log;
    private final int jmxPort;
    private final Process process;

    private StreamsChild(Path log, int jmxPort, Process process) {
        this.log = log;
        this.jmxPort = jmxPort;
        this.process = process;
    }

    /** Starts the app with {@code config}; its output goes to {@code log} (appended, so restarts share one log). */
    static StreamsChild start(Map<String, Object> config, Path workDir, int jmxPort) throws IOException {
        Files.createDirectories(workDir);
        Path file = workDir.resolve("app.properties");
        Properties props = new Properties();
        config.forEach((k, v) -> props.put(k, String.valueOf(v)));
        try (OutputStream out = Files.newOutputStream(file)) {
            props.store(out, "streams app under test");
        }
        Path log = workDir.resolve("app.log");
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx512m",
                "-Dcom.sun.management.jmxremote.port=" + jmxPort,
                "-Dcom.sun.management.jmxremote.rmi.port=" + jmxPort,
                "-Dcom.sun.management.jmxremote.host=127.0.0.1",
                "-Djava.rmi.server.hostname=127.0.0.1",
                "-Dcom.sun.management.jmxremote.authenticate=false",
                "-Dcom.sun.management.jmxremote.ssl=false",
                "-cp", System.getProperty("java.class.path"),
                PaybackStreamsMain.class.getName(), file.toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        return new StreamsChild(log, jmxPort, process);
    }

    /** How many times the log says Kafka Streams reached RUNNING (all runs sharing the log). */
    int runningTransitions() throws IOException {
        if (!Files.exists(log)) {
            return 0;
        }
        String text = Files.readString(log, StandardCharsets.UTF_8);
        int count = 0;
        for (int i = text.indexOf("-> RUNNING"); i >= 0; i = text.indexOf("-> RUNNING", i + 1)) {
            count++;
        }
        return count;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Kafka Streams' dropped-records-total summed over every task of this process, less the records this process
     * sent to the DLQ (Kafka Streams counts a record its exception handler resumed past as dropped): what vanished.
     */
    double droppedOutsideTheDlq() throws IOException {
        JMXServiceURL url = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + jmxPort + "/jmxrmi");
        try (JMXConnector connector = JMXConnectorFactory.connect(url)) {
            MBeanServerConnection server = connector.getMBeanServerConnection();
            Set<ObjectName> names = server.queryNames(new ObjectName("kafka.streams:type=stream-task-metrics,*"), null);
            double total = 0;
            for (ObjectName name : names) {
                Object value = server.getAttribute(name, "dropped-records-total");
                if (value instanceof Number n && !Double.isNaN(n.doubleValue())) {
                    total += n.doubleValue();
                }
            }
            double deadLetters = 0;
            for (ObjectName name : server.queryNames(new ObjectName("io.carbonllm.payback:type=PaybackMetrics,*"), null)) {
                deadLetters += ((Number) server.getAttribute(name, "DeadLetters")).doubleValue();
            }
            return total - deadLetters;
        } catch (javax.management.JMException e) {
            throw new IOException("Cannot read dropped-records-total over JMX on port " + jmxPort, e);
        }
    }

    /** SIGKILL, as a crash: nothing is closed or committed. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** The last lines of the log, for failure messages. */
    String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    /** SIGTERM (the app closes cleanly), then SIGKILL after 60 s. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
