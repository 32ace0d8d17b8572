package io.carbonllm.payback.schemas.serde;

import io.carbonllm.payback.schemas.registry.HttpSchemaRegistryClient;
import io.carbonllm.payback.schemas.registry.RegistryClientConfig;
import io.carbonllm.payback.schemas.registry.SchemaRegistryClient;
import java.util.Map;

/** Builds a registry client from serde configs, for serdes that Kafka instantiates by class name. */
final class RegistryClients {

    private RegistryClients() {
    }

    static SchemaRegistryClient fromConfigs(Map<String, ?> configs) {
        return new HttpSchemaRegistryClient(RegistryClientConfig.fromProperties(configs));
    }
}
