package io.carbonllm.payback.streams.topics;

import io.carbonllm.payback.schemas.registry.CompatibilityLevel;
import io.carbonllm.payback.schemas.registry.SchemaRegistryClient;
import io.carbonllm.payback.schemas.registry.SchemaRegistryException;
import io.carbonllm.payback.schemas.serde.WireFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's half of the evolution guard. Producers outside this app write {@code inference-events},
 * {@code comparisons}, {@code training-runs} and {@code factors}; the contract's {@code SchemaEvolutionGuardTest}
 * requires their schemas to be compatible both ways with every released version. At start-up their value subjects
 * (TopicNameStrategy: {@code <topic>-value}) get the registry's name for that rule, {@link #LEVEL}, so a producer
 * cannot register a schema that this app, or one on an older release, cannot read.
 *
 * <p>A registry that refuses the call with a 4xx other than 401 and 403 (one that has no per-subject levels, or not
 * this one) is logged at WARN, naming the subject and the level, and start-up goes on: the subject keeps the level the
 * registry gives it. Refused credentials and an unreachable registry stop start-up, as registering the app's own
 * schemas does.
 */
public final class ContractCompatibility {

    private static final Logger log = LoggerFactory.getLogger(ContractCompatibility.class);

    /** Both ways, against every version of the subject: what the guard checks against every released version. */
    public static final CompatibilityLevel LEVEL = CompatibilityLevel.FULL_TRANSITIVE;

    private ContractCompatibility() {
    }

    /** The value subjects of the topics producers write, named from the configured topic names. */
    public static List<String> subjects(Topics topics) {
        return List.of(WireFormat.subject(topics.inferenceEvents().name(), false),
                WireFormat.subject(topics.comparisons().name(), false),
                WireFormat.subject(topics.trainingRuns().name(), false),
                WireFormat.subject(topics.factors().name(), false));
    }

    /**
     * Sets {@link #LEVEL} on each of {@link #subjects}.
     *
     * @return the subjects the registry refused, each with the registry's answer; empty when all were set
     * @throws IllegalStateException when the registry refuses our credentials, cannot be reached, or fails otherwise
     */
    public static Map<String, String> apply(SchemaRegistryClient registry, Topics topics) {
        Map<String, String> refused = new LinkedHashMap<>();
        for (String subject : subjects(topics)) {
            try {
                registry.setCompatibility(subject, LEVEL);
            } catch (SchemaRegistryException e) {
                if (!isRefusal(e)) {
                    throw new IllegalStateException("Cannot set compatibility " + LEVEL + " of subject '" + subject
                            + "' at " + registry.describe() + ": " + e.getMessage(), e);
                }
                log.warn("Registry {} refused compatibility {} for subject {}; the subject keeps the registry's level: {}",
                        registry.describe(), LEVEL, subject, e.getMessage());
                refused.put(subject, e.getMessage());
            }
        }
        return refused;
    }

    /** A 4xx about the request itself; 401 and 403 are about us, and everything else about the registry. */
    private static boolean isRefusal(SchemaRegistryException e) {
        return e.status() >= 400 && e.status() < 500 && !(e instanceof SchemaRegistryException.Unauthorized)
                && !(e instanceof SchemaRegistryException.Unavailable);
    }
}
