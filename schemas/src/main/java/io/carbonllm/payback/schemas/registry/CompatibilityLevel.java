package io.carbonllm.payback.schemas.registry;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A subject's compatibility level, as the Confluent REST API names it ({@code PUT /config/{subject}}). Every registry the
 * client supports (Confluent, Apicurio's ccompat API, Karapace, Redpanda) knows these seven.
 *
 * <p>BACKWARD: a new version reads records written with the previous one. FORWARD: the previous version reads records
 * written with the new one. FULL: both. The {@code _TRANSITIVE} variants check against every version of the subject,
 * not only the latest.
 */
public enum CompatibilityLevel {
    NONE,
    BACKWARD,
    BACKWARD_TRANSITIVE,
    FORWARD,
    FORWARD_TRANSITIVE,
    FULL,
    FULL_TRANSITIVE;

    /** Whether a new version must read records written with older ones. */
    public boolean checksBackward() {
        return this == BACKWARD || this == BACKWARD_TRANSITIVE || this == FULL || this == FULL_TRANSITIVE;
    }

    /** Whether older versions must read records written with a new one. */
    public boolean checksForward() {
        return this == FORWARD || this == FORWARD_TRANSITIVE || this == FULL || this == FULL_TRANSITIVE;
    }

    /** Whether a new version is checked against every version of the subject rather than the latest. */
    public boolean isTransitive() {
        return name().endsWith("_TRANSITIVE");
    }

    /**
     * The level a registry answered with.
     *
     * @throws IllegalArgumentException naming the value and the known levels
     */
    public static CompatibilityLevel parse(String value) {
        String normalized = value == null ? "" : value.trim().toUpperCase(Locale.ROOT);
        for (CompatibilityLevel level : values()) {
            if (level.name().equals(normalized)) {
                return level;
            }
        }
        throw new IllegalArgumentException("Unknown compatibility level '" + value + "': expected one of "
                + Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", ")));
    }
}
