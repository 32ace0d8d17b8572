package io.carbonllm.payback.streams.alerts;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * The alert webhook's settings, keys {@code payback.alerts.webhook.*}: declared on the app's {@code ConfigDef}
 * ({@link #define}) so {@code --list-config} lists them and a bad value fails at start-up naming the key and the
 * allowed values; read back, typed, by {@link #from}. The webhook is off while {@link #URL_CONFIG} is empty.
 */
public record AlertWebhookConfig(URI url, Format format, Duration initialBackoff, Duration maxBackoff,
                                 int maxAttempts, Duration requestTimeout, String groupId, String autoOffsetReset,
                                 Password bearerToken, String applicationId, Map<String, Object> consumerOverrides) {

    public static final String PREFIX = "payback.alerts.webhook.";

    public static final String URL_CONFIG = PREFIX + "url";
    private static final String URL_DOC = "Where alert transitions are POSTed (http or https). Empty: the webhook is "
            + "off. Each FIRING and RESOLVED transition of payback-alerts is delivered at least once, with the header "
            + "Idempotency-Key (alert id + transition; also in the body) so the receiver can drop repeats.";

    public static final String FORMAT_CONFIG = PREFIX + "format";
    private static final String FORMAT_DOC = "The payload: generic (one JSON object per transition, the "
            + "PaybackAlert's fields) or alertmanager (Alertmanager's webhook format, version 4, one alert per post).";

    public static final String BACKOFF_INITIAL_MS_CONFIG = PREFIX + "backoff.initial.ms";
    private static final String BACKOFF_INITIAL_MS_DOC = "Wait after the first failed attempt; each further failure "
            + "doubles it, up to " + PREFIX + "backoff.max.ms.";

    public static final String BACKOFF_MAX_MS_CONFIG = PREFIX + "backoff.max.ms";
    private static final String BACKOFF_MAX_MS_DOC = "The longest wait between two attempts; at least "
            + BACKOFF_INITIAL_MS_CONFIG + ".";

    public static final String MAX_ATTEMPTS_CONFIG = PREFIX + "max.attempts";
    private static final String MAX_ATTEMPTS_DOC = "Attempts per transition before it is given up (logged at ERROR and "
            + "counted as abandoned); 0, the default, never gives up: a receiver that is down holds the following "
            + "transitions back (in order) until it answers.";

    public static final String TIMEOUT_MS_CONFIG = PREFIX + "timeout.ms";
    private static final String TIMEOUT_MS_DOC = "Connect and response timeout of one attempt; a timeout is a failed "
            + "attempt.";

    public static final String GROUP_ID_CONFIG = PREFIX + "group.id";
    private static final String GROUP_ID_DOC = "Consumer group of the webhook's reader of payback-alerts: its committed "
            + "offsets say what was delivered. Empty: <application.id>-alert-webhook. Every instance of a deployment "
            + "shares it, so each transition is delivered by one instance.";

    public static final String AUTO_OFFSET_RESET_CONFIG = PREFIX + "auto.offset.reset";
    private static final String AUTO_OFFSET_RESET_DOC = "Where a group with no committed offset starts: earliest "
            + "delivers every transition still in payback-alerts (what a new deployment wants), latest only those "
            + "published from now on (to turn the webhook on for a deployment with a long history). Either way the "
            + "start is committed at once, so later restarts resume from it.";

    public static final String BEARER_TOKEN_CONFIG = PREFIX + "bearer.token";
    private static final String BEARER_TOKEN_DOC = "Sent as 'Authorization: Bearer <token>' when set; never logged.";

    /** Keys under this prefix override the webhook consumer's settings ({@code ...consumer.max.poll.records}). */
    public static final String CONSUMER_PREFIX = PREFIX + "consumer.";

    /** The payload formats. */
    public enum Format {
        GENERIC, ALERTMANAGER;

        public String configValue() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Declares the webhook's keys on {@code def}, the app's config. */
    public static ConfigDef define(ConfigDef def) {
        return def
                .define(URL_CONFIG, Type.PASSWORD, "", new HttpUrl(), Importance.MEDIUM, URL_DOC)
                .define(FORMAT_CONFIG, Type.STRING, Format.GENERIC.configValue(),
                        ValidString.in(Format.GENERIC.configValue(), Format.ALERTMANAGER.configValue()),
                        Importance.MEDIUM, FORMAT_DOC)
                .define(BACKOFF_INITIAL_MS_CONFIG, Type.LONG, 1_000L, Range.between(1, Duration.ofHours(1).toMillis()),
                        Importance.LOW, BACKOFF_INITIAL_MS_DOC)
                .define(BACKOFF_MAX_MS_CONFIG, Type.LONG, 60_000L, Range.between(1, Duration.ofHours(1).toMillis()),
                        Importance.LOW, BACKOFF_MAX_MS_DOC)
                .define(MAX_ATTEMPTS_CONFIG, Type.INT, 0, Range.atLeast(0), Importance.LOW, MAX_ATTEMPTS_DOC)
                .define(TIMEOUT_MS_CONFIG, Type.LONG, 10_000L, Range.between(1, Duration.ofMinutes(2).toMillis()),
                        Importance.LOW, TIMEOUT_MS_DOC)
                .define(GROUP_ID_CONFIG, Type.STRING, "", Importance.LOW, GROUP_ID_DOC)
                .define(AUTO_OFFSET_RESET_CONFIG, Type.STRING, "earliest", ValidString.in("earliest", "latest"),
                        Importance.LOW, AUTO_OFFSET_RESET_DOC)
                .define(BEARER_TOKEN_CONFIG, Type.PASSWORD, null, Importance.LOW, BEARER_TOKEN_DOC);
    }

    /** The webhook's settings from the app's parsed config; a bad combination fails here, naming the key. */
    public static AlertWebhookConfig from(AbstractConfig parsed, String applicationId) {
        // A PASSWORD, as webhook URLs often carry their secret in the path (Slack's, for one): Kafka's config dump
        // prints [hidden]
        Password secretUrl = parsed.getPassword(URL_CONFIG);
        String url = secretUrl == null ? null : secretUrl.value();
        long initial = parsed.getLong(BACKOFF_INITIAL_MS_CONFIG);
        long max = parsed.getLong(BACKOFF_MAX_MS_CONFIG);
        if (max < initial) {
            throw new ConfigException(BACKOFF_MAX_MS_CONFIG, max, "must be at least " + BACKOFF_INITIAL_MS_CONFIG
                    + " = " + initial);
        }
        String group = parsed.getString(GROUP_ID_CONFIG);
        return new AlertWebhookConfig(url == null || url.isBlank() ? null : URI.create(url.trim()),
                Format.valueOf(parsed.getString(FORMAT_CONFIG).toUpperCase(Locale.ROOT)),
                Duration.ofMillis(initial), Duration.ofMillis(max), parsed.getInt(MAX_ATTEMPTS_CONFIG),
                Duration.ofMillis(parsed.getLong(TIMEOUT_MS_CONFIG)),
                group == null || group.isBlank() ? applicationId + "-alert-webhook" : group.trim(),
                parsed.getString(AUTO_OFFSET_RESET_CONFIG), parsed.getPassword(BEARER_TOKEN_CONFIG), applicationId,
                parsed.originalsWithPrefix(CONSUMER_PREFIX));
    }

    /** Whether a URL is set. */
    public boolean enabled() {
        return url != null;
    }

    /**
     * The wait after {@code failures} failed attempts (1 for the first): initial x 2^(failures - 1), at most the
     * maximum.
     */
    public Duration backoffAfter(int failures) {
        long wait = initialBackoff.toMillis();
        for (int i = 1; i < failures && wait < maxBackoff.toMillis(); i++) {
            wait *= 2;
        }
        return Duration.ofMillis(Math.min(wait, maxBackoff.toMillis()));
    }

    /** Where the URL points, without its path, query or credentials: what logs may say. */
    public String target() {
        return url == null ? "(off)" : url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort());
    }

    @Override
    public String toString() {
        return "AlertWebhookConfig[" + target() + ", " + format.configValue() + ", group " + groupId + "]";
    }

    /** The consumer keys this config sets itself; an override of one of them is ignored. */
    static boolean ownedConsumerKey(String key) {
        return key.equals(ConsumerConfig.GROUP_ID_CONFIG) || key.equals(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG)
                || key.equals(ConsumerConfig.ISOLATION_LEVEL_CONFIG)
                || key.equals(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG)
                || key.equals(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG)
                || key.equals(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG);
    }

    /** Empty, or an absolute http(s) URL with a host. */
    private static final class HttpUrl implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            String text = value instanceof Password secret ? secret.value() : value == null ? "" : value.toString();
            text = text == null ? "" : text.trim();
            if (text.isEmpty()) {
                return;
            }
            String scheme = "";
            try {
                URI uri = new URI(text);
                scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
                if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
                    return;
                }
            } catch (URISyntaxException e) {
                // reported below
            }
            // Not the value itself: it may hold the webhook's secret
            throw new ConfigException(name, Password.HIDDEN, "must be an absolute http or https URL, or empty to turn "
                    + "the webhook off (got " + (scheme.isEmpty() ? "no scheme" : "scheme " + scheme) + "; the value "
                    + "is not shown, it may hold a secret)");
        }

        @Override
        public String toString() {
            return "an absolute http or https URL, or empty (off)";
        }
    }
}
