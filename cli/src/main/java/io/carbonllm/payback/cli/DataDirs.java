package io.carbonllm.payback.cli;

import java.nio.file.Path;

/** The data directory: {@code PAYBACK_DATA_DIR}, else {@code ~/.payback}. */
final class DataDirs {

    static final String ENV = "PAYBACK_DATA_DIR";

    private DataDirs() {
    }

    static Path defaultDir() {
        String env = System.getenv(ENV);
        return env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".payback");
    }
}
