package io.carbonllm.payback.methodology;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reads the factor files: a header row, {@code #} comments, fields optionally in double quotes. */
public final class Csv {

    private Csv() {
    }

    /** One data row by column name, with its line number for error messages. */
    public record Row(String file, int line, Map<String, String> fields) {

        public String text(String column) {
            String value = fields.get(column);
            if (value == null || value.isBlank()) {
                throw error(column, value, "is required");
            }
            return value.trim();
        }

        public String optionalText(String column) {
            String value = fields.get(column);
            return value == null || value.isBlank() ? null : value.trim();
        }

        public double number(String column) {
            String value = text(column);
            try {
                double parsed = Double.parseDouble(value);
                if (!Double.isFinite(parsed)) {
                    throw error(column, value, "is not a finite number");
                }
                return parsed;
            } catch (NumberFormatException e) {
                throw error(column, value, "is not a number");
            }
        }

        public Double optionalNumber(String column) {
            return optionalText(column) == null ? null : number(column);
        }

        public IllegalArgumentException error(String column, String value, String problem) {
            return new IllegalArgumentException(file + " line " + line + ": column " + column + " value '" + value
                    + "' " + problem);
        }
    }

    public static List<Row> read(InputStream in, String file) {
        List<Row> rows = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            List<String> header = null;
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                if (line.isBlank() || line.stripLeading().startsWith("#")) {
                    continue;
                }
                List<String> fields = split(line);
                if (header == null) {
                    header = fields;
                    continue;
                }
                if (fields.size() > header.size()) {
                    throw new IllegalArgumentException(file + " line " + number + ": " + fields.size()
                            + " fields, but the header has " + header.size());
                }
                Map<String, String> byName = new HashMap<>();
                for (int i = 0; i < fields.size(); i++) {
                    byName.put(header.get(i), fields.get(i));
                }
                rows.add(new Row(file, number, byName));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
        return rows;
    }

    static List<String> split(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                if (quoted && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    current.append('"');
                    i++;
                } else {
                    quoted = !quoted;
                }
            } else if (c == ',' && !quoted) {
                fields.add(current.toString().trim());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        fields.add(current.toString().trim());
        return fields;
    }
}
