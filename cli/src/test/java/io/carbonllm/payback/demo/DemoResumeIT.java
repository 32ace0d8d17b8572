package io.carbonllm.payback.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.carbonllm.payback.cli.PaybackCli;
import io.carbonllm.payback.events.VariantWindow;
import io.carbonllm.payback.localstack.Ports;
import io.carbonllm.payback.schemas.registry.HttpSchemaRegistryClient;
import io.carbonllm.payback.schemas.serde.AvroDeserializer;
import io.carbonllm.payback.schemas.serde.TopicContents;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./payback demo}, killed with SIGKILL and started again on the same data directory, carries the story on:
 * its event time resumes after the latest event the first run sent, so its windows follow the first run's, and
 * nothing it sends is late (before, event time restarted at "now", minutes behind the stream time the app had
 * reached, and every event went to the DLQ as late).
 */
class DemoResumeIT {

    @TempDir
    Path dataDir;

    @Test
    void aDemoKilledWithKill9CarriesTheStoryOnWithNothingLate() throws Exception {
        int kafkaPort = Ports.findFree();
        int controllerPort = Ports.findFree();
        int registryPort = Ports.findFree();
        List<String> args = List.of("demo", "--data-dir", dataDir.toString(), "--kafka-port", Integer.toString(kafkaPort),
                "--controller-port", Integer.toString(controllerPort), "--registry-port", Integer.toString(registryPort),
                "--summary-seconds", "5", "--otlp-port", "0", "--api-port", "0");
        String bootstrap = "127.0.0.1:" + kafkaPort;

        // Given a demo that has published a few windows of its story
        Process first = start(args, dataDir.resolve("first.out"));
        try {
            await().atMost(3, TimeUnit.MINUTES).pollInterval(Duration.ofSeconds(2))
                    .until(() -> output(dataDir.resolve("first.out")).matches("(?s).*\\nwindow \\d\\d:\\d\\d:\\d\\d-.*"));
            // It says where the dashboard and the disclosure are (with --api-port 0, on a port of its choosing)
            assertThat(output(dataDir.resolve("first.out")))
                    .containsPattern("\\n  dashboard        http://127\\.0\\.0\\.1:\\d+/ui/ ")
                    .contains("\n  disclosure       ./payback disclose --from ");
            Thread.sleep(10_000);
        } finally {
            // When it is killed with SIGKILL: no clean stop, Kafka and the registry die with it or are left behind
            first.destroyForcibly().waitFor();
        }

        // And it is started again on the same data directory
        Process second = start(args, dataDir.resolve("second.out"));
        try {
            await().atMost(3, TimeUnit.MINUTES).pollInterval(Duration.ofSeconds(2))
                    .until(() -> output(dataDir.resolve("second.out")).contains("resuming the story at event time"));
            String resumedLine = output(dataDir.resolve("second.out")).lines()
                    .filter(l -> l.contains("resuming the story at event time")).findFirst().orElseThrow();
            Instant resumedAt = Instant.parse(resumedLine.replaceAll(".*resuming the story at event time (\\S+) .*", "$1"));
            // and runs long enough for windows after the resume point to close
            Thread.sleep(25_000);
            assertThat(second.isAlive()).as(output(dataDir.resolve("second.out"))).isTrue();

            // Then nothing went to the DLQ: no event of the second run was late
            List<String> stages = new ArrayList<>();
            List<VariantWindow> windows = new ArrayList<>();
            AvroDeserializer<VariantWindow> deserializer = new AvroDeserializer<>(
                    new HttpSchemaRegistryClient("http://127.0.0.1:" + registryPort + "/apis/ccompat/v7"), VariantWindow.class);
            TopicContents.read(bootstrap, "inference-events-dlq", true).forEach(r -> {
                Header stage = r.headers().lastHeader("payback.dlq.stage");
                stages.add(stage == null ? "?" : new String(stage.value(), StandardCharsets.UTF_8));
            });
            TopicContents.read(bootstrap, "variant-windows", true)
                    .forEach(r -> windows.add(deserializer.deserialize("variant-windows", r.value())));
            assertThat(stages).as("dead letters by stage").isEmpty();
            // And the story carried on: windows both before and after the point where the second run resumed
            assertThat(windows).anyMatch(w -> w.getWindowEnd().isBefore(resumedAt));
            assertThat(windows).anyMatch(w -> w.getWindowStart().isAfter(resumedAt));
        } finally {
            second.destroy();
            if (!second.waitFor(90, TimeUnit.SECONDS)) {
                second.destroyForcibly().waitFor();
            }
        }
    }

    private static Process start(List<String> args, Path out) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx1g", "-cp", System.getProperty("java.class.path"),
                PaybackCli.class.getName()));
        command.addAll(args);
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile())).start();
    }

    private static String output(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }
}
