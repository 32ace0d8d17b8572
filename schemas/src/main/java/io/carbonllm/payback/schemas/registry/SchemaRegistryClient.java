package io.carbonllm.payback.schemas.registry;

import java.util.List;
import java.util.Optional;
import org.apache.avro.Schema;

/**
 * The subset of the Confluent Schema Registry REST API that the serdes and tools need.
 *
 * <p>Implementations must work unchanged against Confluent, Apicurio (at {@code /apis/ccompat/v7}),
 * Karapace and Redpanda. Schema ids never change, so implementations cache by id.
 */
public interface SchemaRegistryClient extends AutoCloseable {

    /** Registers {@code schema} under {@code subject}; registering the same schema again returns the same id. */
    int register(String subject, Schema schema);

    /** The id of {@code schema} if it is already registered under {@code subject}, without registering it. */
    int lookup(String subject, Schema schema);

    /** The schema with this id. Cached: an id always names the same schema. */
    Schema schemaById(int id);

    /** Whether {@code schema} is compatible with the latest version under {@code subject}; true if the subject is new. */
    boolean isCompatible(String subject, Schema schema);

    /**
     * Sets the compatibility level of one subject ({@code PUT /config/{subject}}). A subject need not have versions
     * yet: the level applies to the first schema registered under it too.
     */
    void setCompatibility(String subject, CompatibilityLevel level);

    /**
     * The compatibility level the registry reports for one subject ({@code GET /config/{subject}}), or empty when it
     * reports none: Confluent, Karapace and Redpanda answer 404 (error code 40408) for a subject without a level of
     * its own, and Apicurio answers 404 (40401) for a subject it does not know. Apicurio reports its global level for
     * a known subject without one.
     */
    Optional<CompatibilityLevel> compatibility(String subject);

    /** All subjects the registry knows. */
    List<String> subjects();

    /** A description of where this client points, for error messages. */
    String describe();

    @Override
    default void close() {
    }
}
