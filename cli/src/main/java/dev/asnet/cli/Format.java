package dev.asnet.cli;

import java.util.Locale;

/** Number formatting shared by the commands. */
final class Format {
    private Format() {}

    /** A count with thousands separators and a short form: {@code 190,634 (0.19 M)}. */
    static String count(long n) {
        // Counts saturate there when a model declares absurd dimensions (CostCounter.SATURATED).
        if (n == Long.MAX_VALUE) {
            return "overflow (more than a 64-bit count can hold; the model declares absurd dimensions)";
        }
        return String.format(Locale.ROOT, "%,d (%s)", n, shortCount(n));
    }

    /** A short count: {@code 0.19 M}, {@code 12.3 M}, {@code 1.40 G}. */
    static String shortCount(long n) {
        if (n >= 1_000_000_000L) {
            return String.format(Locale.ROOT, "%.2f G", n / 1e9);
        }
        return String.format(Locale.ROOT, n >= 10_000_000L ? "%.1f M" : "%.3f M", n / 1e6);
    }

    /** A file size: {@code 745.2 KB}. */
    static String bytes(long n) {
        if (n >= 1L << 20) {
            return String.format(Locale.ROOT, "%.1f MB", n / (double) (1L << 20));
        }
        return String.format(Locale.ROOT, "%.1f KB", n / 1024.0);
    }
}
