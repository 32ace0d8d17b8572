package io.carbonllm.payback.streams.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The {@code payback.api.*} keys of {@link PaybackStreamsConfig}: the HTTP API's address, auth, TLS, CORS and limits.
 * They are declared in the same {@link ConfigDef} (so {@code --list-config} shows them and a bad value fails at start-up
 * naming the key and the allowed values); this class adds the checks that span keys, and a typed view.
 *
 * <p>Tokens and passwords are {@link Type#PASSWORD}: Kafka's config logging prints them as {@code [hidden]}.
 */
public final class ApiConfig {

    public static final String ENABLED_CONFIG = "payback.api.enabled";
    private static final String ENABLED_DOC = "Serve the HTTP API (read, write, health) from this instance.";

    public static final String HOST_CONFIG = "payback.api.host";
    private static final String HOST_DOC = "Address the HTTP API binds to. A wildcard (0.0.0.0, ::) needs "
            + StreamsConfig.APPLICATION_SERVER_CONFIG + " set to an address the other instances can reach.";
    public static final String HOST_DEFAULT = "127.0.0.1";

    public static final String PORT_CONFIG = "payback.api.port";
    private static final String PORT_DOC = "Port of the HTTP API; 0 picks a free one. Unless "
            + StreamsConfig.APPLICATION_SERVER_CONFIG + " is set, this instance advertises host:port to the others.";
    public static final int PORT_DEFAULT = 8080;

    public static final String AUTH_MODE_CONFIG = "payback.api.auth.mode";
    private static final String AUTH_MODE_DOC = "none: no token needed; writes: PUT, POST and DELETE need the write "
            + "token; all: reads need the read (or write) token too. /api/health, /api/ready and /api/openapi.json stay "
            + "open for probes. Any mode but none without the tokens it needs fails at start-up.";
    public static final String AUTH_TOKEN_CONFIG = "payback.api.auth.token";
    private static final String AUTH_TOKEN_DOC = "One bearer token for reads and writes (at least "
            + "16 characters). payback.api.auth.read.token and .write.token override it per role.";
    public static final String AUTH_READ_TOKEN_CONFIG = "payback.api.auth.read.token";
    private static final String AUTH_READ_TOKEN_DOC = "Bearer token for reads (mode all).";
    public static final String AUTH_WRITE_TOKEN_CONFIG = "payback.api.auth.write.token";
    private static final String AUTH_WRITE_TOKEN_DOC = "Bearer token for writes; it also reads.";
    public static final int MIN_TOKEN_LENGTH = 16;

    public static final String TLS_KEYSTORE_LOCATION_CONFIG = "payback.api.tls.keystore.location";
    private static final String TLS_KEYSTORE_LOCATION_DOC = "A keystore with the server's key and certificate: the API "
            + "then serves HTTPS only, and instances forward to each other over HTTPS. Empty: plain HTTP.";
    public static final String TLS_KEYSTORE_PASSWORD_CONFIG = "payback.api.tls.keystore.password";
    private static final String TLS_KEYSTORE_PASSWORD_DOC = "Password of the keystore (and of its key).";
    public static final String TLS_KEYSTORE_TYPE_CONFIG = "payback.api.tls.keystore.type";
    private static final String TLS_KEYSTORE_TYPE_DOC = "PKCS12 or JKS.";
    public static final String TLS_TRUSTSTORE_LOCATION_CONFIG = "payback.api.tls.truststore.location";
    private static final String TLS_TRUSTSTORE_LOCATION_DOC = "The certificates this instance trusts when it forwards a "
            + "query to another instance over HTTPS; empty: the JVM's default trust store.";
    public static final String TLS_TRUSTSTORE_PASSWORD_CONFIG = "payback.api.tls.truststore.password";
    private static final String TLS_TRUSTSTORE_PASSWORD_DOC = "Password of the trust store.";
    public static final String TLS_TRUSTSTORE_TYPE_CONFIG = "payback.api.tls.truststore.type";
    private static final String TLS_TRUSTSTORE_TYPE_DOC = "PKCS12 or JKS.";

    public static final String CORS_ALLOWED_ORIGINS_CONFIG = "payback.api.cors.allowed.origins";
    private static final String CORS_ALLOWED_ORIGINS_DOC = "Origins allowed to call the API from a browser "
            + "(https://ops.example.com, comma-separated; * for any). Empty (the default): CORS is off.";

    public static final String MAX_BODY_BYTES_CONFIG = "payback.api.max.body.bytes";
    private static final String MAX_BODY_BYTES_DOC = "Largest request body accepted; a larger one gets 413.";

    public static final String FORWARD_TIMEOUT_MS_CONFIG = "payback.api.forward.timeout.ms";
    private static final String FORWARD_TIMEOUT_MS_DOC = "How long a query forwarded to the instance that owns the key "
            + "(or fanned out to every instance) may take; after it the answer is 503 with Retry-After.";

    public static final String RETRY_AFTER_SECONDS_CONFIG = "payback.api.retry.after.seconds";
    private static final String RETRY_AFTER_SECONDS_DOC = "The Retry-After of a 503 (state rebalancing or migrating, "
            + "owner unreachable).";

    public static final String STREAM_MAX_CLIENTS_CONFIG = "payback.api.stream.max.clients";
    private static final String STREAM_MAX_CLIENTS_DOC = "Clients of GET /api/stream (Server-Sent Events) connected at "
            + "once to this instance; one more gets 503 with Retry-After. Each holds a server thread.";
    public static final String STREAM_CLIENT_BUFFER_EVENTS_CONFIG = "payback.api.stream.client.buffer.events";
    private static final String STREAM_CLIENT_BUFFER_EVENTS_DOC = "Events queued for one stream client and not yet "
            + "written; a client that falls this far behind is slow and is dropped (it may reconnect with Last-Event-ID).";
    public static final String STREAM_REPLAY_EVENTS_CONFIG = "payback.api.stream.replay.events";
    private static final String STREAM_REPLAY_EVENTS_DOC = "Recent changes kept to replay to a client that reconnects "
            + "with Last-Event-ID; one that missed more gets a reset event. 0: no replay.";
    public static final String STREAM_HEARTBEAT_MS_CONFIG = "payback.api.stream.heartbeat.ms";
    private static final String STREAM_HEARTBEAT_MS_DOC = "A comment line is sent to a stream client that got nothing "
            + "for this long, so proxies keep the connection and a dead client is noticed.";

    /** Who may do what. */
    public enum AuthMode {
        NONE, WRITES, ALL
    }

    /** Adds the {@code payback.api.*} keys to {@code def}. */
    static ConfigDef define(ConfigDef def) {
        return def
                .define(ENABLED_CONFIG, Type.BOOLEAN, true, Importance.MEDIUM, ENABLED_DOC)
                .define(HOST_CONFIG, Type.STRING, HOST_DEFAULT, new ConfigDef.NonEmptyString(), Importance.MEDIUM, HOST_DOC)
                .define(PORT_CONFIG, Type.INT, PORT_DEFAULT, Range.between(0, 65_535), Importance.MEDIUM, PORT_DOC)
                .define(AUTH_MODE_CONFIG, Type.STRING, "none", ValidString.in("none", "writes", "all"),
                        Importance.HIGH, AUTH_MODE_DOC)
                .define(AUTH_TOKEN_CONFIG, Type.PASSWORD, null, Importance.HIGH, AUTH_TOKEN_DOC)
                .define(AUTH_READ_TOKEN_CONFIG, Type.PASSWORD, null, Importance.MEDIUM, AUTH_READ_TOKEN_DOC)
                .define(AUTH_WRITE_TOKEN_CONFIG, Type.PASSWORD, null, Importance.MEDIUM, AUTH_WRITE_TOKEN_DOC)
                .define(TLS_KEYSTORE_LOCATION_CONFIG, Type.STRING, "", Importance.MEDIUM, TLS_KEYSTORE_LOCATION_DOC)
                .define(TLS_KEYSTORE_PASSWORD_CONFIG, Type.PASSWORD, null, Importance.MEDIUM, TLS_KEYSTORE_PASSWORD_DOC)
                .define(TLS_KEYSTORE_TYPE_CONFIG, Type.STRING, "PKCS12", ValidString.in("PKCS12", "JKS"),
                        Importance.LOW, TLS_KEYSTORE_TYPE_DOC)
                .define(TLS_TRUSTSTORE_LOCATION_CONFIG, Type.STRING, "", Importance.LOW, TLS_TRUSTSTORE_LOCATION_DOC)
                .define(TLS_TRUSTSTORE_PASSWORD_CONFIG, Type.PASSWORD, null, Importance.LOW, TLS_TRUSTSTORE_PASSWORD_DOC)
                .define(TLS_TRUSTSTORE_TYPE_CONFIG, Type.STRING, "PKCS12", ValidString.in("PKCS12", "JKS"),
                        Importance.LOW, TLS_TRUSTSTORE_TYPE_DOC)
                .define(CORS_ALLOWED_ORIGINS_CONFIG, Type.LIST, "", Importance.MEDIUM, CORS_ALLOWED_ORIGINS_DOC)
                .define(MAX_BODY_BYTES_CONFIG, Type.INT, 1_048_576, Range.between(1_024, 64 * 1_048_576),
                        Importance.LOW, MAX_BODY_BYTES_DOC)
                .define(FORWARD_TIMEOUT_MS_CONFIG, Type.LONG, 5_000L, Range.between(100, 120_000), Importance.LOW,
                        FORWARD_TIMEOUT_MS_DOC)
                .define(RETRY_AFTER_SECONDS_CONFIG, Type.INT, 5, Range.between(1, 300), Importance.LOW,
                        RETRY_AFTER_SECONDS_DOC)
                .define(STREAM_MAX_CLIENTS_CONFIG, Type.INT, 32, Range.between(1, 200), Importance.LOW,
                        STREAM_MAX_CLIENTS_DOC)
                .define(STREAM_CLIENT_BUFFER_EVENTS_CONFIG, Type.INT, 512, Range.between(8, 100_000), Importance.LOW,
                        STREAM_CLIENT_BUFFER_EVENTS_DOC)
                .define(STREAM_REPLAY_EVENTS_CONFIG, Type.INT, 2_048, Range.between(0, 100_000), Importance.LOW,
                        STREAM_REPLAY_EVENTS_DOC)
                // Under Jetty's 30 s idle timeout, so a quiet stream is never cut
                .define(STREAM_HEARTBEAT_MS_CONFIG, Type.LONG, 15_000L, Range.between(100, 25_000), Importance.LOW,
                        STREAM_HEARTBEAT_MS_DOC);
    }

    private final boolean enabled;
    private final String host;
    private final int port;
    private final AuthMode authMode;
    private final Password readToken;
    private final Password writeToken;
    private final Path keystore;
    private final Password keystorePassword;
    private final String keystoreType;
    private final Path truststore;
    private final Password truststorePassword;
    private final String truststoreType;
    private final List<String> corsOrigins;
    private final int maxBodyBytes;
    private final Duration forwardTimeout;
    private final int retryAfterSeconds;
    private final String applicationServer;
    private final int streamMaxClients;
    private final int streamClientBufferEvents;
    private final int streamReplayEvents;
    private final Duration streamHeartbeat;

    /** Reads the keys from {@code config} and checks what spans them; a {@link ConfigException} names the key. */
    ApiConfig(AbstractConfig config) {
        enabled = config.getBoolean(ENABLED_CONFIG);
        host = config.getString(HOST_CONFIG);
        port = config.getInt(PORT_CONFIG);
        authMode = AuthMode.valueOf(config.getString(AUTH_MODE_CONFIG).toUpperCase(Locale.ROOT));
        Password token = token(config, AUTH_TOKEN_CONFIG);
        Password read = token(config, AUTH_READ_TOKEN_CONFIG);
        Password write = token(config, AUTH_WRITE_TOKEN_CONFIG);
        readToken = read != null ? read : token;
        writeToken = write != null ? write : token;
        if (authMode == AuthMode.NONE && (token != null || read != null || write != null)) {
            throw new ConfigException(AUTH_MODE_CONFIG, "none", "a token is set but auth is off: set "
                    + AUTH_MODE_CONFIG + " to writes or all, or remove the token");
        }
        if (authMode != AuthMode.NONE && writeToken == null) {
            throw new ConfigException(AUTH_TOKEN_CONFIG, "[hidden]", AUTH_MODE_CONFIG + " is "
                    + authMode.name().toLowerCase(Locale.ROOT) + " but no write token is set: set " + AUTH_TOKEN_CONFIG
                    + " or " + AUTH_WRITE_TOKEN_CONFIG);
        }
        if (authMode == AuthMode.ALL && readToken == null) {
            throw new ConfigException(AUTH_TOKEN_CONFIG, "[hidden]", AUTH_MODE_CONFIG + " is all but no read token is "
                    + "set: set " + AUTH_TOKEN_CONFIG + " or " + AUTH_READ_TOKEN_CONFIG);
        }
        keystore = optionalFile(config, TLS_KEYSTORE_LOCATION_CONFIG);
        keystorePassword = config.getPassword(TLS_KEYSTORE_PASSWORD_CONFIG);
        keystoreType = config.getString(TLS_KEYSTORE_TYPE_CONFIG);
        if (keystore != null && keystorePassword == null) {
            throw new ConfigException(TLS_KEYSTORE_PASSWORD_CONFIG, "[hidden]", "is required with "
                    + TLS_KEYSTORE_LOCATION_CONFIG);
        }
        truststore = optionalFile(config, TLS_TRUSTSTORE_LOCATION_CONFIG);
        truststorePassword = config.getPassword(TLS_TRUSTSTORE_PASSWORD_CONFIG);
        truststoreType = config.getString(TLS_TRUSTSTORE_TYPE_CONFIG);
        corsOrigins = List.copyOf(config.getList(CORS_ALLOWED_ORIGINS_CONFIG));
        for (String origin : corsOrigins) {
            if (!origin.equals("*") && !origin.startsWith("http://") && !origin.startsWith("https://")) {
                throw new ConfigException(CORS_ALLOWED_ORIGINS_CONFIG, String.join(",", corsOrigins),
                        "each origin must be * or start with http:// or https://, got " + origin);
            }
        }
        maxBodyBytes = config.getInt(MAX_BODY_BYTES_CONFIG);
        forwardTimeout = Duration.ofMillis(config.getLong(FORWARD_TIMEOUT_MS_CONFIG));
        retryAfterSeconds = config.getInt(RETRY_AFTER_SECONDS_CONFIG);
        streamMaxClients = config.getInt(STREAM_MAX_CLIENTS_CONFIG);
        streamClientBufferEvents = config.getInt(STREAM_CLIENT_BUFFER_EVENTS_CONFIG);
        streamReplayEvents = config.getInt(STREAM_REPLAY_EVENTS_CONFIG);
        streamHeartbeat = Duration.ofMillis(config.getLong(STREAM_HEARTBEAT_MS_CONFIG));
        Object server = config.originals().get(StreamsConfig.APPLICATION_SERVER_CONFIG);
        applicationServer = server == null || server.toString().isBlank() ? null : server.toString().trim();
        if (enabled && applicationServer == null && isWildcard(host)) {
            throw new ConfigException(StreamsConfig.APPLICATION_SERVER_CONFIG, null, "must be set (host:port the other "
                    + "instances reach this one at) when " + HOST_CONFIG + " is the wildcard address " + host);
        }
    }

    private static Password token(AbstractConfig config, String key) {
        Password token = config.getPassword(key);
        if (token == null || token.value().isEmpty()) {
            return null;
        }
        if (token.value().length() < MIN_TOKEN_LENGTH || !token.value().strip().equals(token.value())) {
            throw new ConfigException(key, "[hidden]", "a token needs at least " + MIN_TOKEN_LENGTH
                    + " characters and no leading or trailing spaces");
        }
        return token;
    }

    private static Path optionalFile(AbstractConfig config, String key) {
        String value = config.getString(key);
        if (value == null || value.isBlank()) {
            return null;
        }
        Path path = Path.of(value);
        if (!Files.isReadable(path)) {
            throw new ConfigException(key, value, "is not a readable file");
        }
        return path;
    }

    static boolean isWildcard(String host) {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]") || host.equals("*");
    }

    public boolean enabled() {
        return enabled;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public AuthMode authMode() {
        return authMode;
    }

    /** The token that reads (mode all), or null when reads are open. */
    public Password readToken() {
        return authMode == AuthMode.ALL ? readToken : null;
    }

    /** The token that writes (and reads), or null when writes are open. */
    public Password writeToken() {
        return authMode == AuthMode.NONE ? null : writeToken;
    }

    public boolean tls() {
        return keystore != null;
    }

    public Path keystore() {
        return keystore;
    }

    public Password keystorePassword() {
        return keystorePassword;
    }

    public String keystoreType() {
        return keystoreType;
    }

    public Path truststore() {
        return truststore;
    }

    public Password truststorePassword() {
        return truststorePassword;
    }

    public String truststoreType() {
        return truststoreType;
    }

    /** Empty: CORS off. */
    public List<String> corsOrigins() {
        return corsOrigins;
    }

    public int maxBodyBytes() {
        return maxBodyBytes;
    }

    public Duration forwardTimeout() {
        return forwardTimeout;
    }

    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** {@code application.server} as configured, or null: the runner then advertises the API's bound address. */
    public String applicationServer() {
        return applicationServer;
    }

    public int streamMaxClients() {
        return streamMaxClients;
    }

    public int streamClientBufferEvents() {
        return streamClientBufferEvents;
    }

    public int streamReplayEvents() {
        return streamReplayEvents;
    }

    public Duration streamHeartbeat() {
        return streamHeartbeat;
    }
}
