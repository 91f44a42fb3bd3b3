package dev.asnet.exporter;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How metadata values are written and read back: numbers in Java's shortest round-trip form, lists
 * comma-separated, class labels (which may hold commas) one per line. Reading names the key and
 * quotes the value in every error, so a broken model says which entry is broken.
 */
final class MetadataValues {
    private final Map<String, String> entries;

    MetadataValues(Map<String, String> entries) {
        this.entries = entries;
    }

    String get(String key) {
        return entries.get(key);
    }

    boolean has(String key) {
        return entries.containsKey(key);
    }

    /** A non-blank text value, or null when absent. */
    String text(String key) {
        String v = entries.get(key);
        if (v != null && v.isBlank()) {
            throw new MetadataException(key, v, "must not be empty");
        }
        return v;
    }

    /** An integer in [min, Long.MAX_VALUE], or null when absent. */
    Long integer(String key, long min) {
        String v = entries.get(key);
        return v == null ? null : parseInteger(key, v, v.trim(), min);
    }

    /** A comma-separated list of integers, each {@code >= min}; null when absent. */
    long[] integers(String key, long min) {
        String v = entries.get(key);
        if (v == null) {
            return null;
        }
        String[] parts = v.split(",", -1);
        long[] out = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = parseInteger(key, v, parts[i].trim(), min);
        }
        return out;
    }

    /** A comma-separated list of finite floats; null when absent. */
    float[] floats(String key) {
        String v = entries.get(key);
        if (v == null) {
            return null;
        }
        String[] parts = v.split(",", -1);
        float[] out = new float[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                out[i] = Float.parseFloat(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new MetadataException(key, v, "'" + parts[i].trim() + "' is not a number");
            }
            if (!Float.isFinite(out[i])) {
                throw new MetadataException(key, v, "values must be finite");
            }
        }
        return out;
    }

    /** A fraction in [0, 1]; null when absent. */
    Double fraction(String key) {
        String v = entries.get(key);
        if (v == null) {
            return null;
        }
        double d;
        try {
            d = Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new MetadataException(key, v, "is not a number");
        }
        if (!(d >= 0 && d <= 1)) {
            throw new MetadataException(key, v, "must be in [0, 1]");
        }
        return d;
    }

    /** {@code true} or {@code false}; null when absent. */
    Boolean bool(String key) {
        String v = entries.get(key);
        if (v == null) {
            return null;
        }
        return switch (v) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw new MetadataException(key, v, "must be true or false");
        };
    }

    /** Labels written by {@link #formatLabels}; null when absent. */
    List<String> labels(String key) {
        String v = entries.get(key);
        return v == null ? null : new ArrayList<>(List.of(v.split("\n", -1)));
    }

    private static long parseInteger(String key, String value, String part, long min) {
        long n;
        try {
            n = Long.parseLong(part);
        } catch (NumberFormatException e) {
            throw new MetadataException(key, value, "'" + part + "' is not an integer");
        }
        if (n < min) {
            throw new MetadataException(key, value, "values must be >= " + min);
        }
        return n;
    }

    static String formatFloats(float[] values) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            sb.append(i == 0 ? "" : ",").append(values[i]);
        }
        return sb.toString();
    }

    static String formatLabels(String key, List<String> labels) {
        for (String l : labels) {
            if (l.contains("\n")) {
                throw new MetadataException(key, l, "a class label must not contain a line break");
            }
        }
        return String.join("\n", labels);
    }
}
