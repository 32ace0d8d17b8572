package io.carbonllm.payback.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.carbonllm.payback.localstack.Ports;
import io.carbonllm.payback.streams.topics.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker goes away while the app runs: stopped for 20 s, then, later, for 45 s (longer than the app producer's
 * delivery timeout, set to 30 s here so the test takes minutes, not the 120 s default, and than the transaction
 * timeout), each time restarted on its own log directory. The app pauses, resumes by itself without a restart, and
 * ends with what the reference publishes for the same input.
 */
class BrokerOutageIT {

    private static final Logger log = LoggerFactory.getLogger(BrokerOutageIT.class);
    private static final long SEED = Long.getLong("outage.seed", 7L);
    private static final Instant T0 = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(40));

    @TempDir
    static Path dir;
    private static RealStack stack;

    @BeforeAll
    static void startStack() {
        stack = new RealStack(dir);
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void theAppPausesThroughBrokerOutagesOf20And45SecondsAndResumesWithNoFigureChanged() throws Exception {
        List<CrashTraffic.Send> sends = CrashTraffic.generate(SEED, T0, 20, 6);
        OutputSnapshot reference = Outputs.reference(dir.resolve("reference"), CrashIT.appConfig("reference"), sends);
        String appId = "outage";
        Map<String, Object> config = stack.appConfig(CrashIT.appConfig(appId));
        // Sends not acknowledged in 30 s fail (the default is 120 s): the second outage outlasts it
        config.put(StreamsConfig.producerPrefix(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG), 30_000);
        config.put(StreamsConfig.producerPrefix(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG), 10_000);
        Topics topics = stack.createTopics(config);
        stack.publishDefinitions();
        StreamsChild app = StreamsChild.start(config, dir.resolve("child"), Ports.findFree());
        try {
            stack.awaitRunning(app, 1);
            // Given traffic flowing for the whole test (the producer retries through the outages)
            // (the closing ticks go last, once everything else is read: with records spread over the partitions, a tick
            // read before a slower partition's last records would close their tasks and windows under them)
            List<CrashTraffic.Send> body = sends.stream().filter(s -> !CrashTraffic.isTick(s)).toList();
            List<CrashTraffic.Send> ticks = sends.stream().filter(CrashTraffic::isTick).toList();
            Thread producer = new Thread(() -> stack.send(body, 5, 100, true), "outage-it-producer");
            producer.start();
            for (int outage : new int[] {20, 45}) {
                // (each outage starts while the app is working through the traffic: 150 more records committed)
                long progress = stack.committedInput(appId) + 150;
                await().atMost(2, TimeUnit.MINUTES).pollInterval(Duration.ofMillis(200))
                        .until(() -> stack.committedInput(appId) >= progress);
                long before = stack.committedInput(appId);
                // When the broker stops for {@code outage} seconds and starts again
                stack.broker.close();
                log.info("Broker stopped for {} s with {} input records committed", outage, before);
                Thread.sleep(TimeUnit.SECONDS.toMillis(outage));
                assertThat(app.isAlive()).as("the app outlives a " + outage + " s outage:\n" + app.tail(60)).isTrue();
                stack.broker.start();
                log.info("Broker started again");
            }
            producer.join(TimeUnit.MINUTES.toMillis(5));

            // Then the same process resumed by itself (it reached RUNNING at start-up, and no restart happened)
            assertThat(app.isAlive()).as("the app is alive after the outages:\n" + app.tail(400)).isTrue();
            stack.awaitAllRead(app, appId, body.size());
            stack.send(ticks, 10, 0, true);
            stack.awaitAllRead(app, appId, sends.size());
            stack.awaitSameAs(reference, config, topics, "seed " + SEED);
        } finally {
            app.close();
        }
    }
}
