package io.carbonllm.payback.localstack;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Finds an installed Java runtime of at least a given feature version, without any hard-coded path.
 *
 * <p>It looks, in order, at {@value #OVERRIDE_ENV}, the running JVM, {@code JAVA_HOME}, the {@code java} on the
 * {@code PATH}, and then the other runtimes installed next to any of those (the same parent directory), plus the
 * per-user SDKMAN! and IntelliJ directories. A runtime's version comes from the {@code release} file in its home.
 */
public final class JavaRuntimes {

    public static final String OVERRIDE_ENV = "PAYBACK_REGISTRY_JAVA_HOME";

    private JavaRuntimes() {
    }

    /** A Java home and its feature version (17, 21, 25, ...). */
    public record Runtime(Path home, int feature) {
        public Path javaExecutable() {
            return home.resolve("bin").resolve(isWindows() ? "java.exe" : "java");
        }
    }

    /** The newest runtime of at least {@code minimumFeature}, if any; the override wins when it qualifies. */
    public static Optional<Runtime> find(int minimumFeature) {
        List<Path> candidates = candidateHomes();
        String override = System.getenv(OVERRIDE_ENV);
        if (override != null && !override.isBlank()) {
            Optional<Runtime> chosen = inspect(Path.of(override));
            if (chosen.isEmpty() || chosen.get().feature() < minimumFeature) {
                throw new LocalStackException(OVERRIDE_ENV + "=" + override + " is not a Java " + minimumFeature
                        + "+ home (it needs bin/java and a release file with JAVA_VERSION)");
            }
            return chosen;
        }
        return candidates.stream()
                .map(JavaRuntimes::inspect)
                .flatMap(Optional::stream)
                .filter(r -> r.feature() >= minimumFeature)
                .max((a, b) -> Integer.compare(a.feature(), b.feature()));
    }

    /** Where {@link #find} looked, for error messages. */
    public static List<Path> candidateHomes() {
        Set<Path> direct = new LinkedHashSet<>();
        addIfPresent(direct, System.getProperty("java.home"));
        addIfPresent(direct, System.getenv("JAVA_HOME"));
        javaOnPath().ifPresent(direct::add);

        Set<Path> all = new LinkedHashSet<>(direct);
        Set<Path> parents = new LinkedHashSet<>();
        for (Path home : direct) {
            if (home.getParent() != null) {
                parents.add(home.getParent());
            }
        }
        String userHome = System.getProperty("user.home");
        if (userHome != null) {
            parents.add(Path.of(userHome, ".sdkman", "candidates", "java"));
            parents.add(Path.of(userHome, ".jdks"));
        }
        for (Path parent : parents) {
            try (Stream<Path> siblings = Files.list(parent)) {
                siblings.filter(Files::isDirectory).forEach(p -> {
                    all.add(p);
                    all.add(p.resolve("Contents").resolve("Home"));
                });
            } catch (IOException | SecurityException e) {
                // A directory we may not list is simply not a place with runtimes in it.
            }
        }
        return new ArrayList<>(all);
    }

    private static void addIfPresent(Set<Path> homes, String value) {
        if (value != null && !value.isBlank()) {
            homes.add(Path.of(value).toAbsolutePath().normalize());
        }
    }

    private static Optional<Path> javaOnPath() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (dir.isBlank()) {
                continue;
            }
            Path java = Path.of(dir, isWindows() ? "java.exe" : "java");
            if (Files.isExecutable(java)) {
                try {
                    Path real = java.toRealPath();
                    Path bin = real.getParent();
                    if (bin != null && bin.getParent() != null) {
                        return Optional.of(bin.getParent());
                    }
                } catch (IOException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    static Optional<Runtime> inspect(Path home) {
        Path release = home.resolve("release");
        if (!Files.isRegularFile(release) || !Files.isExecutable(home.resolve("bin").resolve(isWindows() ? "java.exe" : "java"))) {
            return Optional.empty();
        }
        Properties props = new Properties();
        try (InputStream in = Files.newInputStream(release)) {
            props.load(in);
        } catch (IOException e) {
            return Optional.empty();
        }
        String version = props.getProperty("JAVA_VERSION");
        if (version == null) {
            return Optional.empty();
        }
        return parseFeature(version.replace("\"", "").trim()).map(feature -> new Runtime(home, feature));
    }

    /** "25.0.1" gives 25, "17" gives 17, "1.8.0_392" gives 8. */
    static Optional<Integer> parseFeature(String version) {
        String[] parts = version.split("[._+-]");
        try {
            int first = Integer.parseInt(parts[0]);
            if (first == 1 && parts.length > 1) {
                return Optional.of(Integer.parseInt(parts[1]));
            }
            return Optional.of(first);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static boolean isWindows() {
        return System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).startsWith("windows");
    }
}
