package io.carbonllm.payback.schemas.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;

/**
 * A registry client that keeps schemas in memory, for TopologyTestDriver unit tests and tools that run without a
 * registry. It is not a server: nothing else can reach it. Ids are assigned globally, as a real registry does, and
 * registering the same schema again returns the same id. Compatibility is checked BACKWARD against the latest
 * version, with Avro's own {@link SchemaCompatibility}.
 */
public final class InMemorySchemaRegistryClient implements SchemaRegistryClient {

    private final Map<Integer, Schema> schemasById = new HashMap<>();
    private final Map<Schema, Integer> idsBySchema = new HashMap<>();
    private final Map<String, List<Schema>> versionsBySubject = new HashMap<>();

    @Override
    public synchronized int register(String subject, Schema schema) {
        List<Schema> versions = versionsBySubject.computeIfAbsent(subject, s -> new ArrayList<>());
        if (!versions.contains(schema)) {
            if (!versions.isEmpty() && !backwardCompatible(schema, versions.get(versions.size() - 1))) {
                throw new SchemaRegistryException.Incompatible("Schema being registered is incompatible with the latest "
                        + "version of subject '" + subject + "' (BACKWARD)", describe(), 409, 409);
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
        return versions == null || versions.isEmpty() || backwardCompatible(schema, versions.get(versions.size() - 1));
    }

    @Override
    public void setCompatibility(String subject, String level) {
        if (!"BACKWARD".equals(level)) {
            throw new UnsupportedOperationException("The in-memory registry checks BACKWARD only, not " + level);
        }
    }

    @Override
    public synchronized List<String> subjects() {
        return List.copyOf(versionsBySubject.keySet());
    }

    @Override
    public String describe() {
        return "in-memory registry";
    }

    private static boolean backwardCompatible(Schema reader, Schema writer) {
        return SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getType()
                == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE;
    }
}
