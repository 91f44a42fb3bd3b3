package dev.asnet.runtime.dataset;

import java.util.Locale;

/** What a dataset reader does with an image file it cannot decode. */
public enum BadImages {
    /** Stop with an error naming the file (the default). */
    FAIL,
    /** Leave the image out, count it and report the first few. */
    SKIP;

    /**
     * Parses {@code fail} or {@code skip}, case-insensitively.
     *
     * @param s the name
     * @return the policy
     * @throws IllegalArgumentException for another name
     */
    public static BadImages parse(String s) {
        for (BadImages b : values()) {
            if (b.name().equalsIgnoreCase(s.trim())) {
                return b;
            }
        }
        throw new IllegalArgumentException("unknown bad-image policy '" + s + "' (use fail or skip)");
    }

    /**
     * The command-line name.
     *
     * @return {@code fail} or {@code skip}
     */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
