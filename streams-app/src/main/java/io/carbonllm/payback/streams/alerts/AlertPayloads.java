package io.carbonllm.payback.streams.alerts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.carbonllm.payback.core.alert.AlertRule;
import io.carbonllm.payback.core.alert.AlertState;
import io.carbonllm.payback.events.PaybackAlert;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What the webhook posts for one alert transition: the generic JSON or Alertmanager's webhook format, both with the
 * idempotency key. Pure functions of the transition, so a redelivery posts the same bytes.
 */
public final class AlertPayloads {

    /** Alertmanager's "no end yet" for a firing alert. */
    static final String NO_END = "0001-01-01T00:00:00Z";

    private static final ObjectMapper JSON = new ObjectMapper();

    private AlertPayloads() {
    }

    /**
     * The alert's identity: {@code comparisonId/candidateId/rule/firedAt} (firedAt in epoch ms), each id URL-encoded so
     * that a {@code /} in an id cannot make two alerts look alike. A rule that fires again later is a new alert.
     */
    public static String alertId(PaybackAlert alert) {
        return encode(alert.getComparisonId()) + "/" + encode(alert.getCandidateId()) + "/" + alert.getRule() + "/"
                + alert.getFiredAt().toEpochMilli();
    }

    /** The idempotency key: the alert id and the transition ({@code FIRING} or {@code RESOLVED}); ASCII only. */
    public static String idempotencyKey(PaybackAlert alert) {
        return alertId(alert) + "/" + encode(alert.getState());
    }

    /**
     * The alert name the engine's rule has in Alertmanager payloads and in {@code docker/prometheus/alerts.yml}:
     * {@code NOT_SAVING} is {@code PaybackNotSaving}.
     */
    public static String alertName(String rule) {
        StringBuilder name = new StringBuilder("Payback");
        for (String word : rule.toLowerCase(Locale.ROOT).split("_")) {
            if (!word.isEmpty()) {
                name.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
            }
        }
        return name.toString();
    }

    public static String alertName(AlertRule rule) {
        return alertName(rule.name());
    }

    /** The payload in {@code format}. */
    public static String payload(AlertWebhookConfig.Format format, PaybackAlert alert, String applicationId) {
        return format == AlertWebhookConfig.Format.ALERTMANAGER ? alertmanager(alert, applicationId)
                : generic(alert, applicationId);
    }

    /** One JSON object: the idempotency key, the alert id, and the transition's fields as published. */
    public static String generic(PaybackAlert alert, String applicationId) {
        ObjectNode body = JSON.createObjectNode();
        body.put("idempotencyKey", idempotencyKey(alert));
        body.put("alertId", alertId(alert));
        body.put("application", applicationId);
        body.put("comparisonId", alert.getComparisonId());
        body.put("candidateId", alert.getCandidateId());
        body.put("rule", alert.getRule());
        body.put("state", alert.getState());
        body.put("firedAt", alert.getFiredAt().toString());
        body.put("resolvedAt", alert.getResolvedAt() == null ? null : alert.getResolvedAt().toString());
        body.put("windowStart", alert.getWindowStart().toString());
        body.put("message", alert.getMessage());
        ObjectNode figures = body.putObject("figures");
        alert.getFigures().forEach((name, value) -> {
            // JSON has no NaN or infinity
            if (value != null && Double.isFinite(value)) {
                figures.put(name, value);
            } else {
                figures.putNull(name);
            }
        });
        return write(body);
    }

    /**
     * Alertmanager's webhook payload (version 4) with the one alert, as a receiver written for Alertmanager reads it:
     * status {@code firing} or {@code resolved}, labels ({@code alertname}, {@code rule}, {@code comparison},
     * {@code candidate}, {@code application}, {@code severity}), annotations ({@code summary}, {@code description},
     * {@code idempotency_key}), {@code startsAt} (fired) and {@code endsAt} (resolved, or {@code 0001-01-01T00:00:00Z}
     * while firing), and a {@code fingerprint} of the labels. The idempotency key is also a top-level field.
     */
    public static String alertmanager(PaybackAlert alert, String applicationId) {
        boolean firing = AlertState.FIRING.name().equals(alert.getState());
        String status = firing ? "firing" : "resolved";
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("alertname", alertName(alert.getRule()));
        labels.put("rule", alert.getRule());
        labels.put("comparison", alert.getComparisonId());
        labels.put("candidate", alert.getCandidateId());
        labels.put("application", applicationId);
        labels.put("severity", "warning");
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put("summary", alert.getComparisonId() + "/" + alert.getCandidateId() + ": " + alert.getRule());
        annotations.put("description", alert.getMessage());
        annotations.put("idempotency_key", idempotencyKey(alert));

        ObjectNode body = JSON.createObjectNode();
        body.put("version", "4");
        body.put("groupKey", groupKey(labels));
        body.put("truncatedAlerts", 0);
        body.put("status", status);
        body.put("receiver", applicationId);
        ObjectNode groupLabels = body.putObject("groupLabels");
        groupLabels.put("alertname", labels.get("alertname"));
        groupLabels.put("comparison", labels.get("comparison"));
        groupLabels.put("candidate", labels.get("candidate"));
        labels.forEach(body.putObject("commonLabels")::put);
        annotations.forEach(body.putObject("commonAnnotations")::put);
        body.put("externalURL", "");
        body.put("idempotencyKey", idempotencyKey(alert));
        ObjectNode one = body.putArray("alerts").addObject();
        one.put("status", status);
        labels.forEach(one.putObject("labels")::put);
        annotations.forEach(one.putObject("annotations")::put);
        one.put("startsAt", alert.getFiredAt().toString());
        Instant end = alert.getResolvedAt();
        one.put("endsAt", firing || end == null ? NO_END : end.toString());
        one.put("generatorURL", "");
        one.put("fingerprint", fingerprint(labels));
        return write(body);
    }

    private static String groupKey(Map<String, String> labels) {
        return "{}:{alertname=\"" + labels.get("alertname") + "\", candidate=\"" + labels.get("candidate")
                + "\", comparison=\"" + labels.get("comparison") + "\"}";
    }

    /** 16 hex digits of a SHA-256 of the sorted labels, as Alertmanager's fingerprints look (its hash differs). */
    static String fingerprint(Map<String, String> labels) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            new java.util.TreeMap<>(labels).forEach((k, v) -> {
                digest.update(k.getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0xff);
                digest.update(v.getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0xff);
            });
            return HexFormat.of().formatHex(digest.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static String encode(String part) {
        return URLEncoder.encode(part, StandardCharsets.UTF_8);
    }

    private static String write(ObjectNode body) {
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write an alert payload", e);
        }
    }
}
