package io.carbonllm.payback.streams.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text exposition format 0.0.4, as Prometheus reads it: every line is a
 * {@code # HELP}, a {@code # TYPE}, another comment, or a sample {@code name{label="value",...} value [timestamp]}.
 * It refuses what Prometheus would refuse (a bad metric or label name, an unknown escape, an unparsable value, a
 * {@code TYPE} after its samples or given twice) and also what would make series ambiguous: a sample of a family
 * without a {@code TYPE}, and the same series twice.
 */
public final class PrometheusText {

    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");
    private static final List<String> SUFFIXES = List.of("_total", "_created", "_bucket", "_sum", "_count", "_info");

    /** One sample: a series and its value. */
    public record Sample(String name, Map<String, String> labels, double value) {
    }

    private final List<Sample> samples;
    private final Map<String, String> types;
    private final Map<String, String> help;

    private PrometheusText(List<Sample> samples, Map<String, String> types, Map<String, String> help) {
        this.samples = samples;
        this.types = types;
        this.help = help;
    }

    /** Parses {@code text}; an {@link IllegalArgumentException} names the line and what is wrong with it. */
    public static PrometheusText parse(String text) {
        List<Sample> samples = new ArrayList<>();
        Map<String, String> types = new LinkedHashMap<>();
        Map<String, String> help = new LinkedHashMap<>();
        Set<String> familiesWithSamples = new HashSet<>();
        Set<String> series = new HashSet<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            int n = i + 1;
            if (line.isBlank()) {
                continue;
            }
            if (line.startsWith("#")) {
                String[] parts = line.split(" ", 4);
                if (parts.length >= 3 && parts[1].equals("TYPE")) {
                    String name = parts[2];
                    String type = parts.length == 4 ? parts[3].trim() : "";
                    require(METRIC_NAME.matcher(name).matches(), n, "bad metric name in TYPE: " + name);
                    require(TYPES.contains(type), n, "unknown type " + type);
                    require(!types.containsKey(name), n, "second TYPE for " + name);
                    require(!familiesWithSamples.contains(name), n, "TYPE after the samples of " + name);
                    types.put(name, type);
                } else if (parts.length >= 3 && parts[1].equals("HELP")) {
                    require(METRIC_NAME.matcher(parts[2]).matches(), n, "bad metric name in HELP: " + parts[2]);
                    require(!help.containsKey(parts[2]), n, "second HELP for " + parts[2]);
                    help.put(parts[2], parts.length == 4 ? parts[3] : "");
                }
                continue;
            }
            Sample sample = sample(line, n);
            String family = familyOf(sample.name(), types);
            require(family != null, n, "sample of a family without TYPE: " + sample.name());
            familiesWithSamples.add(family);
            require(series.add(sample.name() + new TreeMap<>(sample.labels())), n, "duplicate series: " + line);
            samples.add(sample);
        }
        return new PrometheusText(samples, types, help);
    }

    private static String familyOf(String sample, Map<String, String> types) {
        if (types.containsKey(sample)) {
            return sample;
        }
        for (String suffix : SUFFIXES) {
            if (sample.endsWith(suffix) && types.containsKey(sample.substring(0, sample.length() - suffix.length()))) {
                return sample.substring(0, sample.length() - suffix.length());
            }
        }
        return null;
    }

    private static Sample sample(String line, int n) {
        int i = 0;
        while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
            i++;
        }
        String name = line.substring(0, i);
        require(METRIC_NAME.matcher(name).matches(), n, "bad metric name: " + name);
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i++;
            while (true) {
                require(i < line.length(), n, "unterminated labels");
                if (line.charAt(i) == '}') {
                    i++;
                    break;
                }
                int eq = line.indexOf('=', i);
                require(eq > i, n, "label without '='");
                String label = line.substring(i, eq).trim();
                require(LABEL_NAME.matcher(label).matches(), n, "bad label name: " + label);
                i = eq + 1;
                require(i < line.length() && line.charAt(i) == '"', n, "label value not quoted");
                i++;
                StringBuilder value = new StringBuilder();
                while (true) {
                    require(i < line.length(), n, "unterminated label value");
                    char c = line.charAt(i++);
                    if (c == '"') {
                        break;
                    }
                    if (c == '\\') {
                        require(i < line.length(), n, "dangling escape");
                        char e = line.charAt(i++);
                        switch (e) {
                            case '\\' -> value.append('\\');
                            case '"' -> value.append('"');
                            case 'n' -> value.append('\n');
                            default -> throw new IllegalArgumentException("line " + n + ": unknown escape \\" + e);
                        }
                    } else {
                        value.append(c);
                    }
                }
                require(labels.put(label, value.toString()) == null, n, "label given twice: " + label);
                if (i < line.length() && line.charAt(i) == ',') {
                    i++;
                }
            }
        }
        require(i < line.length() && line.charAt(i) == ' ', n, "no value");
        String[] rest = line.substring(i).trim().split(" +");
        require(rest.length == 1 || rest.length == 2, n, "expected a value and an optional timestamp");
        double value = number(rest[0], n);
        if (rest.length == 2) {
            try {
                Long.parseLong(rest[1]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("line " + n + ": bad timestamp " + rest[1], e);
            }
        }
        return new Sample(name, labels, value);
    }

    private static double number(String text, int n) {
        switch (text) {
            case "NaN":
                return Double.NaN;
            case "+Inf":
                return Double.POSITIVE_INFINITY;
            case "-Inf":
                return Double.NEGATIVE_INFINITY;
            default:
                try {
                    return Double.parseDouble(text);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("line " + n + ": bad value " + text, e);
                }
        }
    }

    private static void require(boolean ok, int line, String what) {
        if (!ok) {
            throw new IllegalArgumentException("line " + line + ": " + what);
        }
    }

    public List<Sample> samples() {
        return samples;
    }

    /** The declared type of a family ({@code counter}, {@code gauge} ...), or null. */
    public String type(String family) {
        return types.get(family);
    }

    public String help(String family) {
        return help.get(family);
    }

    /** Every sample name. */
    public Set<String> names() {
        Set<String> names = new HashSet<>();
        samples.forEach(s -> names.add(s.name()));
        return names;
    }

    /** The samples of {@code name} whose labels include all of {@code labels} (pairs: name, value, ...). */
    public List<Sample> find(String name, String... labels) {
        Map<String, String> wanted = new HashMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            wanted.put(labels[i], labels[i + 1]);
        }
        return samples.stream().filter(s -> s.name().equals(name))
                .filter(s -> s.labels().entrySet().containsAll(wanted.entrySet())).toList();
    }

    /** The value of the one sample of {@code name} with {@code labels}; fails when there is none or several. */
    public double value(String name, String... labels) {
        List<Sample> found = find(name, labels);
        if (found.size() != 1) {
            throw new AssertionError("expected one sample " + name + " " + List.of(labels) + ", found " + found);
        }
        return found.get(0).value();
    }
}
