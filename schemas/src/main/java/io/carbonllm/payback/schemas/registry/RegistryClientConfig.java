package io.carbonllm.payback.schemas.registry;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * How to reach a schema registry: one or more base URLs, optional basic auth, an optional TLS context and a
 * timeout. Built from code or from the Confluent-style property names that Kafka clients already use.
 */
public final class RegistryClientConfig {

    public static final String URL_CONFIG = "schema.registry.url";
    public static final String BASIC_AUTH_USER_INFO_CONFIG = "basic.auth.user.info";
    public static final String TRUSTSTORE_LOCATION_CONFIG = "schema.registry.ssl.truststore.location";
    public static final String TRUSTSTORE_PASSWORD_CONFIG = "schema.registry.ssl.truststore.password";
    public static final String TRUSTSTORE_TYPE_CONFIG = "schema.registry.ssl.truststore.type";
    public static final String REQUEST_TIMEOUT_MS_CONFIG = "schema.registry.request.timeout.ms";
    /** A static bearer token (Confluent's {@code bearer.auth.credentials.source=STATIC_TOKEN}). */
    public static final String BEARER_AUTH_TOKEN_CONFIG = "bearer.auth.token";
    /** A client certificate for mutual TLS: the keystore trio and the key's password. */
    public static final String KEYSTORE_LOCATION_CONFIG = "schema.registry.ssl.keystore.location";
    public static final String KEYSTORE_PASSWORD_CONFIG = "schema.registry.ssl.keystore.password";
    public static final String KEYSTORE_TYPE_CONFIG = "schema.registry.ssl.keystore.type";
    public static final String KEY_PASSWORD_CONFIG = "schema.registry.ssl.key.password";
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);

    private final List<URI> baseUrls;
    private final String basicAuthUserInfo;
    private final String bearerToken;
    private final SSLContext sslContext;
    private final Duration requestTimeout;

    private RegistryClientConfig(Builder builder) {
        this.baseUrls = List.copyOf(builder.baseUrls);
        this.basicAuthUserInfo = builder.basicAuthUserInfo;
        this.bearerToken = builder.bearerToken;
        this.sslContext = builder.sslContext;
        this.requestTimeout = builder.requestTimeout;
    }

    public static Builder builder(String urls) {
        return new Builder(urls);
    }

    /**
     * Reads the Confluent-style properties: {@value #URL_CONFIG} (required, comma-separated),
     * {@value #BASIC_AUTH_USER_INFO_CONFIG} ({@code user:password}) or {@value #BEARER_AUTH_TOKEN_CONFIG}, the
     * truststore trio, the keystore trio with {@value #KEY_PASSWORD_CONFIG} (mutual TLS) and
     * {@value #REQUEST_TIMEOUT_MS_CONFIG}.
     */
    public static RegistryClientConfig fromProperties(Map<String, ?> props) {
        Object url = props.get(URL_CONFIG);
        if (url == null || url.toString().isBlank()) {
            throw new IllegalArgumentException("Missing required config '" + URL_CONFIG
                    + "': the base URL of a Confluent-compatible schema registry, e.g. http://127.0.0.1:8081/apis/ccompat/v7");
        }
        Builder builder = builder(url.toString());
        Object userInfo = props.get(BASIC_AUTH_USER_INFO_CONFIG);
        if (userInfo != null && !userInfo.toString().isBlank()) {
            builder.basicAuth(userInfo.toString());
        }
        Object token = props.get(BEARER_AUTH_TOKEN_CONFIG);
        if (token != null && !token.toString().isBlank()) {
            builder.bearerToken(token.toString());
        }
        KeyStore trust = store(props, TRUSTSTORE_LOCATION_CONFIG, TRUSTSTORE_PASSWORD_CONFIG, TRUSTSTORE_TYPE_CONFIG);
        KeyStore keys = store(props, KEYSTORE_LOCATION_CONFIG, KEYSTORE_PASSWORD_CONFIG, KEYSTORE_TYPE_CONFIG);
        if (trust != null || keys != null) {
            Object keyPassword = props.get(KEY_PASSWORD_CONFIG);
            if (keyPassword == null) {
                keyPassword = props.get(KEYSTORE_PASSWORD_CONFIG);
            }
            builder.sslContext(sslContext(trust, keys, keyPassword == null ? null : keyPassword.toString().toCharArray()));
        }
        Object timeout = props.get(REQUEST_TIMEOUT_MS_CONFIG);
        if (timeout != null) {
            try {
                builder.requestTimeout(Duration.ofMillis(Long.parseLong(timeout.toString().trim())));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("Invalid value '" + timeout + "' for config '"
                        + REQUEST_TIMEOUT_MS_CONFIG + "': expected a positive number of milliseconds", e);
            }
        }
        return builder.build();
    }

    /** The key store named by {@code locationKey}, or null when that key is not set. */
    private static KeyStore store(Map<String, ?> props, String locationKey, String passwordKey, String typeKey) {
        Object location = props.get(locationKey);
        if (location == null || location.toString().isBlank()) {
            return null;
        }
        Object password = props.get(passwordKey);
        Object type = props.get(typeKey);
        try (InputStream in = Files.newInputStream(Path.of(location.toString()))) {
            KeyStore store = KeyStore.getInstance(type == null ? KeyStore.getDefaultType() : type.toString());
            store.load(in, password == null ? null : password.toString().toCharArray());
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("Cannot load '" + location + "' (config '" + locationKey + "'): "
                    + e.getMessage(), e);
        }
    }

    private static SSLContext sslContext(KeyStore trust, KeyStore keys, char[] keyPassword) {
        try {
            TrustManagerFactory tmf = null;
            if (trust != null) {
                tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(trust);
            }
            KeyManagerFactory kmf = null;
            if (keys != null) {
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keys, keyPassword);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf == null ? null : kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("Cannot set up TLS for the registry (configs '" + KEYSTORE_LOCATION_CONFIG
                    + "', '" + KEY_PASSWORD_CONFIG + "', '" + TRUSTSTORE_LOCATION_CONFIG + "'): " + e.getMessage(), e);
        }
    }

    public List<URI> baseUrls() {
        return baseUrls;
    }

    /** {@code user:password}, or null. */
    public String basicAuthUserInfo() {
        return basicAuthUserInfo;
    }

    /** A static bearer token, or null. */
    public String bearerToken() {
        return bearerToken;
    }

    /** The TLS context for https URLs, or null for the JVM default. */
    public SSLContext sslContext() {
        return sslContext;
    }

    public Duration requestTimeout() {
        return requestTimeout;
    }

    public static final class Builder {
        private final List<URI> baseUrls = new ArrayList<>();
        private String basicAuthUserInfo;
        private String bearerToken;
        private SSLContext sslContext;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;

        private Builder(String urls) {
            Objects.requireNonNull(urls, URL_CONFIG);
            for (String part : urls.split(",")) {
                String trimmed = part.trim();
                if (trimmed.isEmpty()) {
                    continue;
                }
                URI uri = URI.create(trimmed.endsWith("/") ? trimmed.substring(0, trimmed.length() - 1) : trimmed);
                if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
                    throw new IllegalArgumentException("Invalid value '" + trimmed + "' for config '" + URL_CONFIG
                            + "': expected an http:// or https:// URL");
                }
                baseUrls.add(uri);
            }
            if (baseUrls.isEmpty()) {
                throw new IllegalArgumentException("Config '" + URL_CONFIG + "' holds no URL: '" + urls + "'");
            }
        }

        /** Basic auth as {@code user:password}. */
        public Builder basicAuth(String userInfo) {
            if (!userInfo.contains(":")) {
                throw new IllegalArgumentException("Invalid value for config '" + BASIC_AUTH_USER_INFO_CONFIG
                        + "': expected user:password");
            }
            this.basicAuthUserInfo = userInfo;
            return this;
        }

        /** A static bearer token ({@code Authorization: Bearer ...}); not together with basic auth. */
        public Builder bearerToken(String token) {
            this.bearerToken = token;
            return this;
        }

        public Builder sslContext(SSLContext sslContext) {
            this.sslContext = sslContext;
            return this;
        }

        public Builder requestTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("Invalid value " + timeout.toMillis() + " for config '"
                        + REQUEST_TIMEOUT_MS_CONFIG + "': must be positive");
            }
            this.requestTimeout = timeout;
            return this;
        }

        public RegistryClientConfig build() {
            if (basicAuthUserInfo != null && bearerToken != null) {
                throw new IllegalArgumentException("Set one of '" + BASIC_AUTH_USER_INFO_CONFIG + "' and '"
                        + BEARER_AUTH_TOKEN_CONFIG + "', not both");
            }
            return new RegistryClientConfig(this);
        }
    }
}
