package io.carbonllm.payback.schemas.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;

/**
 * A registry client that keeps schemas in memory, for TopologyTestDriver unit tests and tools that run without a
 * registry. It is not a server: nothing else can reach it. Ids are assigned globally, as a real registry does, and
 * registering the same schema again returns the same id. Compatibility is checked with Avro's own
 * {@link SchemaCompatibility}, at the subject's level if one was set and BACKWARD (a registry's usual global default)
 * otherwise: against the latest version, or every version for a {@code _TRANSITIVE} level.
 */
public final class InMemorySchemaRegistryClient implements SchemaRegistryClient {

    private final Map<Integer, Schema> schemasById = new HashMap<>();
    private final Map<Schema, Integer> idsBySchema = new HashMap<>();
    private final Map<String, List<Schema>> versionsBySubject = new HashMap<>();
    private final Map<String, CompatibilityLevel> levelsBySubject = new HashMap<>();

    @Override
    public synchronized int register(String subject, Schema schema) {
        List<Schema> versions = versionsBySubject.computeIfAbsent(subject, s -> new ArrayList<>());
        if (!versions.contains(schema)) {
            if (!compatible(subject, schema, versions)) {
                throw new SchemaRegistryException.Incompatible("Schema being registered is incompatible with "
                        + "subject '" + subject + "' (" + levelOf(subject) + ")", describe(), 409, 409);
            }
            versions.add(schema);
        }
        return idsBySchema.computeIfAbsent(schema, s -> {
            int id = schemasById.size() + 1;
            schemasById.put(id, s);
            return id;
        });
    }

    @Override
    public synchronized int lookup(String subject, Schema schema) {
        List<Schema> versions = versionsBySubject.get(subject);
        if (versions == null || !versions.contains(schema)) {
            throw new SchemaRegistryException.NotFound("Schema not registered under subject '" + subject + "'",
                    describe(), 404, 40403);
        }
        return idsBySchema.get(schema);
    }

    @Override
    public synchronized Schema schemaById(int id) {
        Schema schema = schemasById.get(id);
        if (schema == null) {
            throw new SchemaRegistryException.NotFound("Schema id " + id + " not found", describe(), 404, 40403);
        }
        return schema;
    }

    @Override
    public synchronized boolean isCompatible(String subject, Schema schema) {
        List<Schema> versions = versionsBySubject.get(subject);
        return versions == null || compatible(subject, schema, versions);
    }

    @Override
    public synchronized void setCompatibility(String subject, CompatibilityLevel level) {
        levelsBySubject.put(subject, level);
    }

    /** The level set for the subject; empty if none was, as Confluent answers (404, 40408). */
    @Override
    public synchronized Optional<CompatibilityLevel> compatibility(String subject) {
        return Optional.ofNullable(levelsBySubject.get(subject));
    }

    @Override
    public synchronized List<String> subjects() {
        return List.copyOf(versionsBySubject.keySet());
    }

    @Override
    public String describe() {
        return "in-memory registry";
    }

    private CompatibilityLevel levelOf(String subject) {
        return levelsBySubject.getOrDefault(subject, CompatibilityLevel.BACKWARD);
    }

    private boolean compatible(String subject, Schema schema, List<Schema> versions) {
        if (versions.isEmpty()) {
            return true;
        }
        CompatibilityLevel level = levelOf(subject);
        List<Schema> against = level.isTransitive() ? versions : List.of(versions.get(versions.size() - 1));
        for (Schema existing : against) {
            if (level.checksBackward() && !reads(schema, existing)) {
                return false;
            }
            if (level.checksForward() && !reads(existing, schema)) {
                return false;
            }
        }
        return true;
    }

    private static boolean reads(Schema reader, Schema writer) {
        return SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getType()
                == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE;
    }
}
