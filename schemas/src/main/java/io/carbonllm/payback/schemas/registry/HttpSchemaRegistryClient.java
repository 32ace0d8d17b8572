package io.carbonllm.payback.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * A client for the Confluent Schema Registry REST API on {@code java.net.http}.
 *
 * <p>It sends {@code application/vnd.schemaregistry.v1+json}, maps 404 and 409 to their own exceptions, treats
 * connection failures and 5xx as {@link SchemaRegistryException.Unavailable} (trying the next base URL if several
 * are configured), and caches schemas by id and ids by (subject, schema). Thread-safe.
 */
public final class HttpSchemaRegistryClient implements SchemaRegistryClient {

    static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final String ACCEPT =
            "application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json, application/json";
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int ATTEMPTS = 3;

    private final RegistryClientConfig config;
    private final HttpClient http;
    private final String authorization;
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    private final Map<SubjectSchema, Integer> idsBySubjectSchema = new ConcurrentHashMap<>();

    public HttpSchemaRegistryClient(RegistryClientConfig config) {
        this.config = config;
        HttpClient.Builder builder = HttpClient.newBuilder()
                .connectTimeout(config.requestTimeout())
                .version(HttpClient.Version.HTTP_1_1);
        if (config.sslContext() != null) {
            builder.sslContext(config.sslContext());
        }
        this.http = builder.build();
        this.authorization = config.basicAuthUserInfo() != null
                ? "Basic " + Base64.getEncoder().encodeToString(config.basicAuthUserInfo().getBytes(StandardCharsets.UTF_8))
                : config.bearerToken() != null ? "Bearer " + config.bearerToken() : null;
    }

    public HttpSchemaRegistryClient(String urls) {
        this(RegistryClientConfig.builder(urls).build());
    }

    @Override
    public int register(String subject, Schema schema) {
        return idOf(subject, schema, "/versions");
    }

    @Override
    public int lookup(String subject, Schema schema) {
        return idOf(subject, schema, "");
    }

    /**
     * Registering and looking up both POST the schema to {@code /subjects/<subject><suffix>} and read back its id; both
     * are cached the same way, and the cache is asked before anything else is built.
     */
    private int idOf(String subject, Schema schema, String suffix) {
        SubjectSchema key = new SubjectSchema(subject, schema);
        Integer cached = idsBySubjectSchema.get(key);
        if (cached != null) {
            return cached;
        }
        String path = "/subjects/" + encode(subject) + suffix;
        JsonNode body = send("POST", path, schemaBody(schema), "subject '" + subject + "'");
        int id = requireInt(body, "id", "subject '" + subject + "'");
        idsBySubjectSchema.put(key, id);
        schemasById.putIfAbsent(id, schema);
        return id;
    }

    @Override
    public Schema schemaById(int id) {
        Schema cached = schemasById.get(id);
        if (cached != null) {
            return cached;
        }
        JsonNode body = send("GET", "/schemas/ids/" + id, null, "schema id " + id);
        JsonNode text = body.get("schema");
        if (text == null || !text.isTextual()) {
            throw new SchemaRegistryException("Registry " + describe() + " answered schema id " + id
                    + " without a 'schema' field", describe(), 200, -1, null);
        }
        Schema schema;
        try {
            schema = new Schema.Parser().parse(text.asText());
        } catch (SchemaParseException e) {
            throw new SchemaRegistryException("Schema id " + id + " from registry " + describe()
                    + " is not a valid Avro schema: " + e.getMessage(), describe(), 200, -1, e);
        }
        Schema previous = schemasById.putIfAbsent(id, schema);
        return previous == null ? schema : previous;
    }

    @Override
    public boolean isCompatible(String subject, Schema schema) {
        try {
            JsonNode body = send("POST", "/compatibility/subjects/" + encode(subject) + "/versions/latest",
                    schemaBody(schema), "subject '" + subject + "'");
            JsonNode answer = body.get("is_compatible");
            if (answer == null || !answer.isBoolean()) {
                throw new SchemaRegistryException("Registry " + describe() + " answered a compatibility check of subject '"
                        + subject + "' without 'is_compatible'", describe(), 200, -1, null);
            }
            return answer.asBoolean();
        } catch (SchemaRegistryException.NotFound e) {
            // Confluent answers 40401 for a subject with no versions yet: nothing to be incompatible with.
            return true;
        }
    }

    @Override
    public void setCompatibility(String subject, CompatibilityLevel level) {
        ObjectNode body = JSON.createObjectNode().put("compatibility", level.name());
        send("PUT", "/config/" + encode(subject), body.toString(),
                "compatibility " + level + " of subject '" + subject + "'");
    }

    @Override
    public Optional<CompatibilityLevel> compatibility(String subject) {
        String what = "the compatibility of subject '" + subject + "'";
        JsonNode body;
        try {
            body = send("GET", "/config/" + encode(subject), null, what);
        } catch (SchemaRegistryException.NotFound e) {
            return Optional.empty();
        }
        // Confluent answers {"compatibilityLevel": ...} to GET; accept the PUT's {"compatibility": ...} too.
        JsonNode level = body.has("compatibilityLevel") ? body.get("compatibilityLevel") : body.get("compatibility");
        if (level == null || !level.isTextual()) {
            throw new SchemaRegistryException("Registry " + describe() + " answered " + what
                    + " without 'compatibilityLevel': " + abbreviate(body.toString()), describe(), 200, -1, null);
        }
        try {
            return Optional.of(CompatibilityLevel.parse(level.asText()));
        } catch (IllegalArgumentException e) {
            throw new SchemaRegistryException("Registry " + describe() + " answered " + what + " with "
                    + e.getMessage(), describe(), 200, -1, e);
        }
    }

    @Override
    public List<String> subjects() {
        JsonNode body = send("GET", "/subjects", null, "subjects");
        List<String> subjects = new ArrayList<>();
        body.forEach(node -> subjects.add(node.asText()));
        return subjects;
    }

    @Override
    public String describe() {
        return config.baseUrls().size() == 1 ? config.baseUrls().get(0).toString() : config.baseUrls().toString();
    }

    private static String schemaBody(Schema schema) {
        return JSON.createObjectNode().put("schema", schema.toString()).toString();
    }

    private static String encode(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static int requireInt(JsonNode body, String field, String what) {
        JsonNode node = body.get(field);
        if (node == null || !node.canConvertToInt()) {
            throw new SchemaRegistryException("Registry answer for " + what + " has no integer '" + field + "': "
                    + body, null, 200, -1, null);
        }
        return node.asInt();
    }

    /**
     * Sends one request, trying each base URL in turn while the registry is unreachable or answers 5xx, for up to
     * {@value #ATTEMPTS} rounds with a growing pause: a registry that is busy starting or restarting is transient.
     */
    private JsonNode send(String method, String path, String body, String what) {
        SchemaRegistryException.Unavailable lastUnavailable = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            if (attempt > 0) {
                try {
                    Thread.sleep(250L << attempt);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw lastUnavailable;
                }
            }
            try {
                return sendOnce(method, path, body, what);
            } catch (SchemaRegistryException.Unavailable e) {
                lastUnavailable = e;
            }
        }
        throw lastUnavailable;
    }

    private JsonNode sendOnce(String method, String path, String body, String what) {
        SchemaRegistryException.Unavailable lastUnavailable = null;
        for (URI base : config.baseUrls()) {
            String url = base + path;
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                    .timeout(config.requestTimeout())
                    .header("Accept", ACCEPT)
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
            if (body != null) {
                request.header("Content-Type", CONTENT_TYPE);
            }
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            HttpResponse<String> response;
            try {
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            } catch (IOException e) {
                lastUnavailable = new SchemaRegistryException.Unavailable("Schema registry at " + url
                        + " is unreachable (" + method + " for " + what + "): " + e, url, -1, e);
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SchemaRegistryException.Unavailable("Interrupted while calling schema registry at " + url
                        + " for " + what, url, -1, e);
            }
            int status = response.statusCode();
            if (status >= 200 && status < 300) {
                return parse(response.body(), url, status, what);
            }
            if (isTransient(status)) {
                lastUnavailable = new SchemaRegistryException.Unavailable("Schema registry at " + url + " answered HTTP "
                        + status + (status == 429 ? " (throttled)" : "") + " for " + what + ": "
                        + abbreviate(response.body()), url, status, null);
                continue;
            }
            throw error(url, status, response.body(), method, what);
        }
        throw lastUnavailable;
    }

    /** 5xx, 429 (throttled) and 408 (request timeout): the registry's state, not the request's; worth a retry. */
    static boolean isTransient(int status) {
        return status >= 500 || status == 429 || status == 408;
    }

    private static JsonNode parse(String text, String url, int status, String what) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new SchemaRegistryException("Schema registry at " + url + " answered HTTP " + status + " for " + what
                    + " with a body that is not JSON: " + abbreviate(text), url, status, -1, e);
        }
    }

    private static SchemaRegistryException error(String url, int status, String text, String method, String what) {
        int errorCode = -1;
        String detail = abbreviate(text);
        try {
            JsonNode node = JSON.readTree(text);
            if (node != null && node.has("error_code")) {
                errorCode = node.get("error_code").asInt(-1);
            }
            if (node != null && node.has("message")) {
                detail = node.get("message").asText();
            }
        } catch (IOException ignored) {
            // Not JSON (a proxy's HTML page, say): the raw body, abbreviated, is the best detail there is.
        }
        String message = "Schema registry at " + url + " answered HTTP " + status
                + (errorCode > 0 ? " (error_code " + errorCode + ")" : "") + " to " + method + " for " + what + ": "
                + detail;
        if (status == 404) {
            return new SchemaRegistryException.NotFound(message, url, status, errorCode);
        }
        if (status == 409) {
            return new SchemaRegistryException.Incompatible(message, url, status, errorCode);
        }
        if (status == 401 || status == 403) {
            return new SchemaRegistryException.Unauthorized(message + " (check basic.auth.user.info and the registry's "
                    + "access rules)", url, status, errorCode);
        }
        return new SchemaRegistryException(message, url, status, errorCode, null);
    }

    private static String abbreviate(String text) {
        if (text == null) {
            return "";
        }
        return text.length() <= 300 ? text : text.substring(0, 300) + "...";
    }

    private record SubjectSchema(String subject, Schema schema) {
    }
}
