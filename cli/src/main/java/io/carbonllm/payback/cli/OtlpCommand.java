package io.carbonllm.payback.cli;

import io.carbonllm.payback.contract.TopicNames;
import io.carbonllm.payback.otlp.OtlpConfig;
import io.carbonllm.payback.otlp.OtlpHttpEndpoint;
import io.carbonllm.payback.otlp.TrackerSink;
import io.carbonllm.payback.sdk.PaybackTracker;
import io.carbonllm.payback.streams.config.ApiConfig;
import io.carbonllm.payback.streams.config.PaybackStreamsConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "otlp",
        mixinStandardHelpOptions = true,
        description = {"Receives OpenTelemetry GenAI spans over OTLP/HTTP (POST /v1/traces, protobuf or JSON, gzip "
                + "allowed) and publishes one InferenceEvent per span through the producer SDK. Point an instrumented "
                + "gateway at it: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=http://HOST:4318/v1/traces."},
        footer = {"", "Example:", "  ./payback otlp --port 4318 --use-case-attribute payback.use_case"})
final class OtlpCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka = new KafkaOptions();

    @Option(names = "--bind", paramLabel = "HOST", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String bind = "127.0.0.1";

    @Option(names = "--port", paramLabel = "PORT", description = "OTLP/HTTP port (default: ${DEFAULT-VALUE}).")
    int port = OtlpConfig.DEFAULT_PORT;

    @Option(names = "--max-body-bytes", paramLabel = "N", description = "Larger requests get 413 (default: ${DEFAULT-VALUE}).")
    int maxBodyBytes = 4 * 1024 * 1024;

    @Option(names = "--token-env", paramLabel = "VAR", description = "Require 'Authorization: Bearer <token>', the token read from this environment variable.")
    String tokenEnv;

    @Option(names = "--use-case-attribute", paramLabel = "KEY", description = "Span or resource attribute naming the use case, then gen_ai.agent.name, then service.name (default: ${DEFAULT-VALUE}).")
    String useCaseAttribute = "payback.use_case";

    @Option(names = "--task-id-attribute", paramLabel = "KEY", description = "Span attribute naming the task, else the trace id (default: ${DEFAULT-VALUE}).")
    String taskIdAttribute = "gen_ai.conversation.id";

    @Option(names = "--topic", paramLabel = "TOPIC", description = "(default: ${DEFAULT-VALUE})")
    String topic = TopicNames.INFERENCE_EVENTS;

    @Option(names = "--queue-capacity", paramLabel = "N", description = "Events held in memory; a batch that does not fit gets 503 (default: ${DEFAULT-VALUE}).")
    int queueCapacity = 100_000;

    @Option(names = "--spool-dir", paramLabel = "DIR", description = "Turn on the on-disk spool in DIR: events survive a broker outage longer than the queue, and a restart (default: off).")
    Path spoolDir;

    @Option(names = "--spool-max-bytes", paramLabel = "N", description = "With --spool-dir: the most its files take; then the newest events are dropped, counted (default: ${DEFAULT-VALUE}).")
    long spoolMaxBytes = 1L << 30;

    @Option(names = "--api-config", paramLabel = "FILE", description = "The streams app's configuration file: the "
            + "receiver follows its payback.api.auth.* (a span export is a write: with auth mode writes or all, it needs "
            + "the API's write token). Not with --token-env.")
    Path apiConfig;

    /** The bearer token requests must carry, or null: from --token-env, or the API's write token in --api-config. */
    String token() {
        if (tokenEnv != null && apiConfig != null) {
            throw new ParameterException(spec.commandLine(), "give --token-env or --api-config, not both");
        }
        if (tokenEnv != null) {
            String token = System.getenv(tokenEnv);
            if (token == null || token.isBlank()) {
                throw new ParameterException(spec.commandLine(), "--token-env " + tokenEnv + " names an unset or empty variable");
            }
            return token;
        }
        if (apiConfig == null) {
            return null;
        }
        ApiConfig api;
        try {
            api = new PaybackStreamsConfig(KafkaOptions.read(apiConfig)).api();
        } catch (ConfigException | IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--api-config " + apiConfig + ": " + e.getMessage());
        }
        return api.authMode() == ApiConfig.AuthMode.NONE ? null : api.writeToken().value();
    }

    @Override
    public Integer call() throws Exception {
        String token = token();
        OtlpConfig config;
        try {
            config = new OtlpConfig(bind, port, maxBodyBytes, token, useCaseAttribute, taskIdAttribute, 2);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        Properties client = new Properties();
        client.putAll(kafka.clientProperties());
        PaybackTracker.Builder builder = PaybackTracker.builder().clientProperties(client)
                .schemaRegistry(kafka.registryClient()).topic(topic).gateway("otlp").queueCapacity(queueCapacity)
                .spoolMaxBytes(spoolMaxBytes);
        if (spoolDir != null) {
            builder.spoolDirectory(spoolDir);
        }
        PaybackTracker tracker;
        try {
            tracker = builder.build();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        OtlpHttpEndpoint endpoint = OtlpHttpEndpoint.start(config, new TrackerSink(tracker));
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            endpoint.close();
            tracker.close(Duration.ofSeconds(10));
            stop.countDown();
        }, "otlp-shutdown"));
        spec.commandLine().getOut().printf("OTLP/HTTP receiver on http://%s:%d%s, publishing to %s at %s%s; Ctrl-C stops it.%n",
                bind, endpoint.port(), OtlpHttpEndpoint.PATH, topic, kafka.bootstrapServers,
                spoolDir == null ? "" : ", spooling to " + spoolDir + " (" + tracker.metrics().spoolDepth()
                        + " events there from an earlier run)");
        spec.commandLine().getOut().flush();
        stop.await();
        return 0;
    }
}
