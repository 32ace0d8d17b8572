package io.carbonllm.payback.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * How the launcher names a port the registry could not bind. The log lines are Quarkus's, as Apicurio 3.3.3 wrote them
 * when its management port was taken (RegistryPortsIT provokes that for real); Quarkus names neither port.
 */
class ApicurioRegistryBindFailureTest {

    private static final List<String> BIND_FAILED = List.of(
            "2026-11-27 17:08:31 ERROR [io.quarkus.runtime.ApplicationLifecycleManager] (main) Failed to start application: java.lang.RuntimeException: Failed to start quarkus",
            "Caused by: java.lang.RuntimeException: Unable to start HTTP server",
            "Caused by: java.net.BindException: Address already in use",
            "\tat java.base/sun.nio.ch.Net.bind0(Native Method)");

    @Test
    void theHttpPortIsNamedWithTheFlagThatChangesItWhenItIsTheOneTaken() {
        String cause = ApicurioRegistry.bindFailure(BIND_FAILED, 8081, 40123, port -> !Set.of(8081).contains(port));

        assertThat(cause).isEqualTo("its HTTP port 8081 on 127.0.0.1 cannot be bound (Address already in use). Stop "
                + "whatever holds it, or choose another port with --registry-port.");
    }

    @Test
    void theManagementPortIsNamedWhenItIsTheOneTaken() {
        String cause = ApicurioRegistry.bindFailure(BIND_FAILED, 8081, 40123, port -> port != 40123);

        assertThat(cause).startsWith("its management port 40123 on 127.0.0.1").contains("(Address already in use)");
    }

    @Test
    void bothPortsAreNamedWhenNeitherIsTakenAnyMore() {
        String cause = ApicurioRegistry.bindFailure(BIND_FAILED, 8081, 40123, port -> true);

        assertThat(cause).isEqualTo("its HTTP port 8081 or its management port 40123 on 127.0.0.1 cannot be bound "
                + "(Address already in use).");
    }

    @Test
    void aFailureThatIsNotABindFailureNamesNoPort() {
        List<String> log = List.of("ERROR [io.quarkus.runtime.ApplicationLifecycleManager] (main) Failed to start "
                + "application: java.lang.IllegalStateException: database locked");

        assertThat(ApicurioRegistry.bindFailure(log, 8081, 40123, port -> false)).isNull();
    }
}
