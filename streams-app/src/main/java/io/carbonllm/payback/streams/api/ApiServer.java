package io.carbonllm.payback.streams.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.carbonllm.payback.events.PaybackAlert;
import io.carbonllm.payback.events.PaybackStatus;
import io.carbonllm.payback.schemas.registry.SchemaRegistryClient;
import io.carbonllm.payback.schemas.serde.AvroSerde;
import io.carbonllm.payback.streams.config.ApiConfig;
import io.carbonllm.payback.streams.config.PaybackStreamsConfig;
import io.carbonllm.payback.streams.disclosure.DisclosureInputs;
import io.carbonllm.payback.streams.metrics.PrometheusEndpoint;
import io.carbonllm.payback.streams.query.LocalStores;
import io.carbonllm.payback.streams.query.Routing;
import io.carbonllm.payback.streams.query.Unavailable;
import io.carbonllm.payback.streams.topics.RepartitionNames;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.javalin.http.staticfiles.Location;
import io.javalin.util.JavalinBindException;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API of one instance (Javalin on Jetty): the routes, the guard in front of them (bearer tokens, body size),
 * TLS, CORS and the one error shape. {@link io.carbonllm.payback.streams.PaybackStreamsRunner} starts it before Kafka
 * Streams, so that {@code application.server} can name the port it bound, and stops it first.
 *
 * <p>Every route is in {@link #ROUTES}; {@code /api/openapi.json} describes each (a test checks it).
 */
public final class ApiServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ApiServer.class);

    public static final String COMPARISONS = "/api/comparisons";
    public static final String COMPARISON = "/api/comparisons/{id}";
    public static final String COMPARISON_WINDOWS = "/api/comparisons/{id}/windows";
    public static final String ALERTS = "/api/alerts";
    public static final String TRAINING_RUNS = "/api/training-runs";
    public static final String HEALTH = "/api/health";
    public static final String READY = "/api/ready";
    public static final String OPENAPI = "/api/openapi.json";
    /** Answered from this instance's stores only: what the list endpoints gather from every instance. */
    public static final String INTERNAL_LOCAL_STATE = "/api/internal/local-state";
    /** Prometheus text format: the Kafka Streams, JVM and payback meters of this instance. */
    public static final String METRICS = "/metrics";
    /** Server-Sent Events: payback-status changes and alert transitions of every comparison ({@link LiveFeed}). */
    public static final String STREAM = "/api/stream";
    /** The disclosure of a period ({@link DisclosureEndpoint}). */
    public static final String DISCLOSURE = "/api/disclosure";
    /** The dashboard: redirects to {@link #UI}. */
    public static final String ROOT = "/";
    /** Where the dashboard's static files are served from the class path ({@link #DASHBOARD_RESOURCES}). */
    public static final String UI = "/ui";
    /** The class-path directory of the dashboard's files. */
    static final String DASHBOARD_RESOURCES = "/io/carbonllm/payback/streams/dashboard";
    /** Where Javalin serves the webjars on the class path (uPlot, for the dashboard's charts). */
    static final String WEBJARS = "/webjars";

    /** The stream's meters (see {@link #bindStreamMetrics}). */
    public static final String STREAM_CLIENTS = "payback.api.stream.clients";
    public static final String STREAM_DROPPED = "payback.api.stream.dropped";
    public static final String STREAM_REFUSED = "payback.api.stream.refused";
    public static final String STREAM_EVENTS = "payback.api.stream.events";

    /** A route: method and path (Javalin's {id} syntax, which is also OpenAPI's). */
    public record Route(HandlerType method, String path) {
    }

    /** Every route the API serves. */
    public static final List<Route> ROUTES = List.of(
            new Route(HandlerType.GET, COMPARISONS),
            new Route(HandlerType.GET, COMPARISON),
            new Route(HandlerType.PUT, COMPARISON),
            new Route(HandlerType.DELETE, COMPARISON),
            new Route(HandlerType.GET, COMPARISON_WINDOWS),
            new Route(HandlerType.GET, ALERTS),
            new Route(HandlerType.POST, TRAINING_RUNS),
            new Route(HandlerType.GET, HEALTH),
            new Route(HandlerType.GET, READY),
            new Route(HandlerType.GET, OPENAPI),
            new Route(HandlerType.GET, INTERNAL_LOCAL_STATE),
            new Route(HandlerType.GET, METRICS),
            new Route(HandlerType.GET, STREAM),
            new Route(HandlerType.GET, DISCLOSURE),
            new Route(HandlerType.GET, ROOT));

    /**
     * Open even when reads need a token: probes, the API's own description and the dashboard's static files (which hold
     * no data: the page asks for a token when the API needs one).
     */
    private static final Set<String> OPEN_PATHS = Set.of(HEALTH, READY, OPENAPI, ROOT, UI);
    private static final List<String> OPEN_PREFIXES = List.of(UI + "/", WEBJARS + "/");
    private static final Set<HandlerType> WRITES = Set.of(HandlerType.PUT, HandlerType.POST, HandlerType.DELETE,
            HandlerType.PATCH);

    private final ApiConfig api;
    private final LocalStores local;
    private final ObjectMapper json = new ObjectMapper();
    private final WriteApi writes;
    private final byte[] openApi;
    private final PrometheusEndpoint prometheus;
    private final LiveFeed live;
    private final AlertHistory alertHistory = new AlertHistory();
    private final PaybackStreamsConfig config;
    private final SchemaRegistryClient registry;
    private DisclosureEndpoint disclosure;
    private LiveSource liveSource;
    private volatile StreamEndpoint stream;
    private volatile ReadApi reads;
    private volatile String self;
    private Javalin app;

    /**
     * @param streams Kafka Streams of this instance, once it exists: reads answer 503 until it is RUNNING
     */
    public ApiServer(PaybackStreamsConfig config, SchemaRegistryClient registry, Supplier<KafkaStreams> streams,
                     PrometheusEndpoint prometheus) {
        this.prometheus = prometheus;
        this.config = config;
        this.registry = registry;
        this.api = config.api();
        this.live = new LiveFeed(api.streamMaxClients(), api.streamClientBufferEvents(), api.streamReplayEvents());
        this.local = new LocalStores(streams, config.inputPartitionedByUseCase() ? config.inferenceEventsTopic()
                : RepartitionNames.topic(config.applicationId(), RepartitionNames.BY_USE_CASE));
        this.writes = new WriteApi(producerProps(config), registry, config.comparisonsTopic(), config.trainingRunsTopic(),
                local, json, api.maxBodyBytes());
        this.openApi = resource("openapi.json");
    }

    /** Called with every state Kafka Streams enters (see {@link LocalStores#observe}). */
    public void observe(KafkaStreams.State state) {
        local.observe(state);
    }

    /**
     * Binds the port and serves. Until Kafka Streams is RUNNING, reads answer 503 with Retry-After.
     *
     * @throws IllegalStateException naming the key to change when the port is in use or TLS cannot be set up
     */
    public ApiServer start() {
        try {
            app = Javalin.create(cfg -> {
                cfg.startup.showJavalinBanner = false;
                cfg.startup.showOldJavalinVersionWarning = false;
                cfg.jetty.host = api.host();
                cfg.jetty.port = api.port();
                cfg.http.maxRequestSize = api.maxBodyBytes();
                cfg.router.ignoreTrailingSlashes = true;
                if (api.tls()) {
                    SslContextFactory.Server ssl = serverTls();
                    cfg.jetty.addConnector((server, httpConfig) -> {
                        HttpConfiguration https = new HttpConfiguration(httpConfig);
                        // Instances may be addressed by IP (application.server): the certificate's SAN decides, not SNI
                        https.addCustomizer(new SecureRequestCustomizer(false));
                        ServerConnector connector = new ServerConnector(server,
                                new SslConnectionFactory(ssl, HttpVersion.HTTP_1_1.asString()),
                                new HttpConnectionFactory(https));
                        connector.setHost(api.host());
                        connector.setPort(api.port());
                        return connector;
                    });
                }
                if (!api.corsOrigins().isEmpty()) {
                    cfg.bundledPlugins.enableCors(cors -> cors.addRule(rule -> {
                        if (api.corsOrigins().contains("*")) {
                            rule.anyHost();
                        } else {
                            rule.allowHost(api.corsOrigins().get(0),
                                    api.corsOrigins().subList(1, api.corsOrigins().size()).toArray(String[]::new));
                        }
                        rule.exposeHeader("Retry-After");
                        rule.exposeHeader(Forwarder.SERVED_BY);
                    }));
                }
                cfg.staticFiles.add(files -> {
                    files.hostedPath = UI;
                    files.directory = DASHBOARD_RESOURCES;
                    files.location = Location.CLASSPATH;
                    files.headers = Map.of("Cache-Control", "no-cache");
                });
                cfg.staticFiles.enableWebjars();
                cfg.routes.before(this::guard);
                for (Route route : ROUTES) {
                    cfg.routes.addHttpHandler(route.method(), route.path(), handler(route));
                }
                cfg.routes.exception(ApiException.class, (e, ctx) -> render(ctx, e));
                cfg.routes.exception(Unavailable.class, (e, ctx) -> unavailable(ctx, e.code(), e.getMessage()));
                cfg.routes.exception(InvalidStateStoreException.class, (e, ctx) ->
                        unavailable(ctx, Unavailable.STORE_UNAVAILABLE, "a store is not queryable now ("
                                + e.getClass().getSimpleName() + ")"));
                cfg.routes.exception(HttpResponseException.class, (e, ctx) -> render(ctx, httpError(e, ctx)));
                cfg.routes.exception(Exception.class, (e, ctx) -> {
                    log.error("Unexpected error answering {} {}", ctx.method(), ctx.path(), e);
                    render(ctx, new ApiException(500, "internal_error", "unexpected error: "
                            + e.getClass().getSimpleName() + "; see the app's log", null, List.of(), null));
                });
            }).start();
        } catch (JavalinBindException e) {
            throw new IllegalStateException("Port " + api.port() + " on " + api.host() + " is already in use, so the HTTP "
                    + "API cannot start: set " + ApiConfig.PORT_CONFIG + " (0 picks a free port) or "
                    + ApiConfig.ENABLED_CONFIG + "=false", e);
        } catch (RuntimeException e) {
            if (!api.tls()) {
                throw e;
            }
            throw new IllegalStateException("Cannot serve HTTPS with " + ApiConfig.TLS_KEYSTORE_LOCATION_CONFIG + "="
                    + api.keystore() + ": " + rootMessage(e), e);
        }
        HostInfo host = api.applicationServer() != null ? HostInfo.buildFromEndpoint(api.applicationServer())
                : new HostInfo(api.host(), app.port());
        self = Forwarder.describe(host);
        Forwarder forwarder = new Forwarder(api.tls(), api.tls() ? clientTls() : null, self, api.forwardTimeout());
        int openWindows = (int) ((config.windowGrace().toMillis() + config.windowSize().toMillis() - 1)
                / config.windowSize().toMillis()) + 1;
        reads = new ReadApi(local, new Routing(local, host), forwarder, json, alertHistory, openWindows);
        stream = new StreamEndpoint(live, api.streamHeartbeat(), api.retryAfterSeconds(), self);
        log.info("HTTP API listening on {} (auth {}, TLS {}, CORS {}); advertised to the other instances as {}",
                baseUrl(), api.authMode().name().toLowerCase(Locale.ROOT), api.tls() ? "on" : "off",
                api.corsOrigins().isEmpty() ? "off" : String.join(",", api.corsOrigins()), self);
        return this;
    }

    /** The port bound (the configured one, or the free one picked for 0). */
    public int port() {
        return app.port();
    }

    /** e.g. {@code http://127.0.0.1:8080}: add {@code /api/...}. */
    public String baseUrl() {
        String host = api.host().contains(":") ? "[" + api.host() + "]" : api.host();
        return (api.tls() ? "https" : "http") + "://" + host + ":" + port();
    }

    /** host:port for {@code application.server}: the configured one, else the address bound. */
    public String advertised() {
        return self;
    }

    /**
     * Starts reading {@code payback-status} and {@code payback-alerts} for {@code GET /api/stream} (every partition of
     * both, with no consumer group: see {@link LiveSource}). The runner calls it once Kafka Streams has started; without
     * it the stream sends heartbeats only.
     */
    public synchronized ApiServer startLiveSource() {
        if (liveSource == null) {
            liveSource = LiveSource.create(config.originals(), config.applicationId() + "-live-" + self,
                    config.paybackStatusTopic(), config.paybackAlertsTopic(),
                    AvroSerde.forValues(registry, PaybackStatus.class).deserializer(),
                    AvroSerde.forValues(registry, PaybackAlert.class).deserializer(), live, api.streamReplayEvents(),
                    alertHistory, json).start();
        }
        return this;
    }

    /**
     * Registers the stream's meters: {@value #STREAM_CLIENTS} (connected now), {@value #STREAM_DROPPED} (slow clients
     * dropped), {@value #STREAM_REFUSED} (refused, over the bound) and {@value #STREAM_EVENTS} (changes published).
     */
    public ApiServer bindStreamMetrics(MeterRegistry registry) {
        Gauge.builder(STREAM_CLIENTS, live, LiveFeed::clients)
                .description("Clients of GET /api/stream connected to this instance").register(registry);
        FunctionCounter.builder(STREAM_DROPPED, live, LiveFeed::dropped)
                .description("GET /api/stream clients dropped for falling behind").register(registry);
        FunctionCounter.builder(STREAM_REFUSED, live, LiveFeed::refused)
                .description("GET /api/stream connections refused: too many clients").register(registry);
        FunctionCounter.builder(STREAM_EVENTS, live, LiveFeed::published)
                .description("Changes of payback-status and payback-alerts read back and sent to the stream's clients")
                .register(registry);
        return this;
    }

    /** The hub behind {@code GET /api/stream}. */
    LiveFeed live() {
        return live;
    }

    /** The alert timelines {@link LiveSource} fills, behind the detail's {@code alertHistory}. */
    AlertHistory alertHistory() {
        return alertHistory;
    }

    @Override
    public void close() {
        live.close(); // first: the stream writers return, so Jetty stops without waiting for them
        synchronized (this) {
            if (liveSource != null) {
                liveSource.close();
            }
        }
        if (app != null) {
            app.stop();
        }
        writes.close();
    }

    private Handler handler(Route route) {
        return switch (route.method().name() + " " + route.path()) {
            case "GET " + COMPARISONS -> ctx -> reads().list(ctx);
            case "GET " + COMPARISON -> ctx -> reads().detail(ctx);
            case "PUT " + COMPARISON -> writes::putComparison;
            case "DELETE " + COMPARISON -> writes::deleteComparison;
            case "GET " + COMPARISON_WINDOWS -> ctx -> reads().windows(ctx);
            case "GET " + ALERTS -> ctx -> reads().alerts(ctx);
            case "POST " + TRAINING_RUNS -> writes::postTrainingRun;
            case "GET " + HEALTH -> this::health;
            case "GET " + READY -> this::ready;
            case "GET " + OPENAPI -> ctx -> ctx.contentType("application/json").result(openApi);
            case "GET " + INTERNAL_LOCAL_STATE -> ctx -> reads().localState(ctx);
            case "GET " + STREAM -> ctx -> stream().handle(ctx);
            case "GET " + DISCLOSURE -> ctx -> disclosure().handle(ctx);
            case "GET " + ROOT -> ctx -> ctx.redirect(UI + "/", HttpStatus.FOUND);
            case "GET " + METRICS -> ctx -> {
                if (prometheus == null) {
                    throw new ApiException(404, "not_found", "this server has no metrics registry", null, List.of(), null);
                }
                ctx.contentType(prometheus.contentType()).result(prometheus.scrape());
            };
            default -> throw new IllegalStateException("no handler for " + route);
        };
    }

    /** Serves the disclosure from {@code inputs} instead of the topics (tests). */
    synchronized ApiServer disclosureFrom(Supplier<DisclosureInputs> inputs) {
        disclosure = new DisclosureEndpoint(inputs);
        return this;
    }

    private synchronized DisclosureEndpoint disclosure() {
        if (disclosure == null) {
            disclosure = DisclosureEndpoint.of(config, registry);
        }
        return disclosure;
    }

    private StreamEndpoint stream() {
        StreamEndpoint s = stream;
        if (s == null) {
            throw new Unavailable(Unavailable.NOT_RUNNING, "the API is starting");
        }
        return s;
    }

    private ReadApi reads() {
        ReadApi r = reads;
        if (r == null) {
            throw new Unavailable(Unavailable.NOT_RUNNING, "the API is starting");
        }
        return r;
    }

    private void health(Context ctx) throws IOException {
        ObjectNode body = ReadApi.health(local.state(), self);
        ctx.status("UP".equals(body.get("status").asText()) ? 200 : 503);
        if (ctx.statusCode() == 503) {
            ctx.header("Retry-After", Integer.toString(api.retryAfterSeconds()));
        }
        ctx.contentType("application/json").result(json.writeValueAsBytes(body));
    }

    private void ready(Context ctx) throws IOException {
        KafkaStreams.State state = local.state();
        if (state != KafkaStreams.State.RUNNING) {
            throw new Unavailable("not_ready", "Kafka Streams is " + state + ", not RUNNING");
        }
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("ready", true);
        body.put("streams", state.name());
        body.put("instance", self);
        ctx.contentType("application/json").result(json.writeValueAsBytes(body));
    }

    /**
     * In front of every route: writes need the write token when auth is on, reads the read (or write) token in mode
     * all; a body announced larger than the limit is refused before it is read. Tokens are compared in constant time
     * and never logged.
     */
    private void guard(Context ctx) {
        if (ctx.method() == HandlerType.OPTIONS || OPEN_PATHS.contains(ctx.path())
                || (ctx.method() == HandlerType.GET || ctx.method() == HandlerType.HEAD)
                && OPEN_PREFIXES.stream().anyMatch(ctx.path()::startsWith)) {
            return;
        }
        boolean write = WRITES.contains(ctx.method());
        Password needed = write ? api.writeToken() : api.readToken();
        if (needed != null) {
            String token = bearer(ctx.header("Authorization"));
            if (token == null) {
                ctx.header("WWW-Authenticate", "Bearer realm=\"payback\"");
                throw new ApiException(401, "unauthorized", "this " + (write ? "write" : "read") + " needs a bearer "
                        + "token: Authorization: Bearer <token>", null, List.of(), null);
            }
            boolean allowed = matches(token, needed) || (!write && matches(token, api.writeToken()));
            if (!allowed) {
                if (write && matches(token, api.readToken())) {
                    throw new ApiException(403, "forbidden", "the read token cannot write", null, List.of(), null);
                }
                ctx.header("WWW-Authenticate", "Bearer realm=\"payback\", error=\"invalid_token\"");
                throw new ApiException(401, "unauthorized", "the bearer token is not valid here", null, List.of(), null);
            }
        }
        if (write) {
            long length = ctx.req().getContentLengthLong();
            if (length > api.maxBodyBytes()) {
                // A client sends its whole body before it reads the answer: a body not much over the limit is read
                // and dropped first, so that the 413 reaches it instead of a connection reset under its write
                if (length <= WriteApi.drainLimit(api.maxBodyBytes())) {
                    try {
                        WriteApi.drain(ctx.req().getInputStream(), length);
                    } catch (IOException e) {
                        // the client went away mid-body: the 413 below is all there is to say, if it still listens
                        log.debug("oversized body not read to its end: {}", e.toString());
                    }
                }
                throw new ApiException(413, "payload_too_large", "the body (" + length + " bytes) is larger than "
                        + api.maxBodyBytes() + " bytes (" + ApiConfig.MAX_BODY_BYTES_CONFIG + ")", null, List.of(), null);
            }
        }
    }

    static String bearer(String header) {
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String token = header.substring(7).trim();
        return token.isEmpty() ? null : token;
    }

    private static boolean matches(String token, Password expected) {
        return expected != null && MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8),
                expected.value().getBytes(StandardCharsets.UTF_8));
    }

    private void unavailable(Context ctx, String code, String message) {
        log.debug("503 {} for {} {}: {}", code, ctx.method(), ctx.path(), message);
        render(ctx, new ApiException(503, code, message, null, List.of(), api.retryAfterSeconds()));
    }

    private static ApiException httpError(HttpResponseException e, Context ctx) {
        return switch (e.getStatus()) {
            case 404 -> ApiException.notFound("no route " + ctx.method() + " " + ctx.path() + "; see " + OPENAPI);
            case 405 -> new ApiException(405, "method_not_allowed", ctx.method() + " is not allowed on " + ctx.path(),
                    null, List.of(), null);
            case 413 -> new ApiException(413, "payload_too_large", e.getMessage(), null, List.of(), null);
            default -> new ApiException(e.getStatus(), "http_" + e.getStatus(), e.getMessage(), null, List.of(), null);
        };
    }

    /** The one error shape (see {@link ApiException}). */
    private void render(Context ctx, ApiException e) {
        ObjectNode error = JsonNodeFactory.instance.objectNode();
        ObjectNode body = error.putObject("error");
        body.put("status", e.status());
        body.put("code", e.code());
        body.put("message", e.getMessage());
        if (e.field() != null) {
            body.put("field", e.field());
        }
        if (!e.problems().isEmpty()) {
            ArrayNode problems = body.putArray("problems");
            for (ApiException.Problem p : e.problems()) {
                ObjectNode problem = problems.addObject();
                problem.put("field", p.field());
                problem.put("message", p.message());
            }
        }
        if (e.retryAfterSeconds() != null) {
            body.put("retryAfterSeconds", e.retryAfterSeconds());
            ctx.header("Retry-After", Integer.toString(e.retryAfterSeconds()));
        }
        try {
            ctx.status(e.status()).contentType("application/json").result(json.writeValueAsBytes(error));
        } catch (IOException io) {
            throw new UncheckedIOException(io);
        }
    }

    /** The producer settings of this deployment (bootstrap, security), and its {@code producer.*} overrides. */
    private static Map<String, Object> producerProps(PaybackStreamsConfig config) {
        Map<String, Object> props = new HashMap<>();
        Set<String> names = ProducerConfig.configNames();
        config.originals().forEach((key, value) -> {
            if (names.contains(key)) {
                props.put(key, value);
            }
        });
        config.originals().forEach((key, value) -> {
            if (key.startsWith("producer.") && names.contains(key.substring("producer.".length()))) {
                props.put(key.substring("producer.".length()), value);
            }
        });
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        props.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        return props;
    }

    private SslContextFactory.Server serverTls() {
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStorePath(api.keystore().toString());
        ssl.setKeyStorePassword(api.keystorePassword().value());
        ssl.setKeyStoreType(api.keystoreType());
        return ssl;
    }

    /** What this instance trusts when it forwards over HTTPS: the configured trust store, else the JVM's. */
    private SSLContext clientTls() {
        try {
            if (api.truststore() == null) {
                return SSLContext.getDefault();
            }
            KeyStore trust = KeyStore.getInstance(api.truststoreType());
            try (InputStream in = Files.newInputStream(api.truststore())) {
                trust.load(in, api.truststorePassword() == null ? null : api.truststorePassword().value().toCharArray());
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("Cannot load the trust store " + ApiConfig.TLS_TRUSTSTORE_LOCATION_CONFIG
                    + "=" + api.truststore() + ": " + e.getMessage(), e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    private static byte[] resource(String name) {
        try (InputStream in = ApiServer.class.getResourceAsStream(name)) {
            return Objects.requireNonNull(in, name).readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
