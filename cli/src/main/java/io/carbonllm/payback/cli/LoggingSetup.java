package io.carbonllm.payback.cli;

import java.nio.file.Path;

/**
 * Points logback at the data directory and sets the console threshold. It must run before the first logger is
 * created, so the CLI scans its raw arguments for {@code --data-dir} and {@code --verbose} before anything else.
 */
final class LoggingSetup {

    private LoggingSetup() {
    }

    static void configure(String[] args) {
        Path dataDir = DataDirs.defaultDir();
        boolean verbose = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--verbose") || arg.equals("-v")) {
                verbose = true;
            } else if (arg.equals("--data-dir") && i + 1 < args.length) {
                dataDir = Path.of(args[i + 1]);
            } else if (arg.startsWith("--data-dir=")) {
                dataDir = Path.of(arg.substring("--data-dir=".length()));
            }
        }
        System.setProperty("payback.log.dir", dataDir.toAbsolutePath().resolve("logs").toString());
        // Quiet: only this project's errors reach the console. Verbose: every logger's INFO as well.
        System.setProperty("payback.console.level", verbose ? "INFO" : "OFF");
    }
}
