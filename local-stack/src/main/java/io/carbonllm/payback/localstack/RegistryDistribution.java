package io.carbonllm.payback.localstack;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * Where the Apicurio Registry server is on disk, and which version it is.
 *
 * <p>The build unpacks Apicurio Registry {@code 3.3.3} from Maven Central and records its location in the
 * {@code payback-local-stack.properties} resource. {@value #HOME_ENV} and {@value #VERSION_ENV} override it, for
 * example to run {@code 3.0.9} (which runs on Java 17) where no Java 21+ runtime is installed.
 */
public record RegistryDistribution(Path home, String version) {

    public static final String HOME_ENV = "PAYBACK_APICURIO_HOME";
    public static final String VERSION_ENV = "PAYBACK_APICURIO_VERSION";

    public static RegistryDistribution locate() {
        String home = System.getenv(HOME_ENV);
        String version = System.getenv(VERSION_ENV);
        if (home == null || home.isBlank()) {
            Properties built = new Properties();
            try (InputStream in = RegistryDistribution.class.getResourceAsStream("/payback-local-stack.properties")) {
                if (in == null) {
                    throw new LocalStackException("payback-local-stack.properties is missing from the classpath: "
                            + "rebuild with 'mvn -DskipTests package' or set " + HOME_ENV);
                }
                built.load(in);
            } catch (IOException e) {
                throw new LocalStackException("Cannot read payback-local-stack.properties", e);
            }
            home = built.getProperty("apicurio.home");
            if (version == null || version.isBlank()) {
                version = built.getProperty("apicurio.version");
            }
        }
        if (version == null || version.isBlank()) {
            throw new LocalStackException(HOME_ENV + " is set, so " + VERSION_ENV + " must name its version (e.g. 3.0.9)");
        }
        RegistryDistribution distribution = new RegistryDistribution(Path.of(home), version);
        distribution.launchJar();
        return distribution;
    }

    /** Java 21 for 3.1 and later; 3.0.x still runs on 17. */
    public int minimumJava() {
        return version.startsWith("3.0.") || version.startsWith("2.") ? 17 : 21;
    }

    /** {@code quarkus-run.jar} of a quarkus-app layout, or the {@code *-runner.jar} of an uber-jar layout. */
    public Path launchJar() {
        Path quarkusRun = home.resolve("quarkus-run.jar");
        if (Files.isRegularFile(quarkusRun)) {
            return quarkusRun;
        }
        if (Files.isDirectory(home)) {
            try (Stream<Path> files = Files.walk(home, 2)) {
                var runner = files.filter(p -> p.getFileName().toString().endsWith("-runner.jar")).findFirst();
                if (runner.isPresent()) {
                    return runner.get();
                }
            } catch (IOException e) {
                throw new LocalStackException("Cannot list " + home, e);
            }
        }
        throw new LocalStackException("No Apicurio Registry " + version + " distribution at " + home
                + " (neither quarkus-run.jar nor *-runner.jar). Build it with 'mvn -DskipTests package', or point "
                + HOME_ENV + " at an unpacked apicurio-registry-app tar.gz from Maven Central.");
    }
}
