package io.carbonllm.payback.streams.api;

import io.carbonllm.payback.schemas.registry.InMemorySchemaRegistryClient;
import io.carbonllm.payback.streams.config.PaybackStreamsConfig;
import io.carbonllm.payback.streams.topics.RepartitionNames;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.streams.state.HostInfo;

/**
 * The API over real HTTP on a free port, its reads answered by {@link OfflineStreams} (no broker, no registry): the
 * stores hold what the test puts in them, and this instance owns the partitions the test says it owns.
 */
final class OfflineApi implements AutoCloseable {

    final OfflineStreams streams;
    final ApiServer server;
    final ApiClient client;
    final HostInfo self;

    /** @param overrides app config on top of {@link ApiServerTest#config}: no auth unless given */
    OfflineApi(Path dir, int partitions, Map<String, Object> overrides) {
        PaybackStreamsConfig config = new PaybackStreamsConfig(ApiServerTest.config(dir, overrides));
        streams = new OfflineStreams(dir.resolve("streams-state"), partitions,
                RepartitionNames.topic(config.applicationId(), RepartitionNames.BY_USE_CASE));
        server = new ApiServer(config, new InMemorySchemaRegistryClient(), () -> streams, null).start();
        self = HostInfo.buildFromEndpoint(server.advertised());
        streams.self(self);
        client = new ApiClient(server.baseUrl());
    }

    /** This instance's active tasks hold every partition. */
    OfflineApi ownAll(int partitions) {
        for (int p = 0; p < partitions; p++) {
            streams.own(p, self);
        }
        return this;
    }

    @Override
    public void close() {
        server.close();
        streams.close();
    }
}
