package dev.asnet.exporter;

/**
 * An asnet metadata entry that does not hold what its key promises, such as a mean that is not a
 * number or fewer std values than input channels. The message names the key and quotes the value.
 */
public final class MetadataException extends IllegalArgumentException {
    /** Serialization version. */
    private static final long serialVersionUID = 1L;

    /** The offending key. */
    private final String key;

    /**
     * Creates the exception.
     *
     * @param key the offending key, such as {@code asnet.channel_std}
     * @param value the value found, or null when the key is missing
     * @param problem what is wrong with it
     */
    public MetadataException(String key, String value, String problem) {
        super("metadata " + key + (value == null ? "" : " '" + abbreviate(value) + "'") + ": " + problem);
        this.key = key;
    }

    /**
     * The key whose value is wrong (or missing).
     *
     * @return the key
     */
    public String key() {
        return key;
    }

    /** A value is quoted in one line of reasonable length: labels can be long and multi-line. */
    private static String abbreviate(String value) {
        String oneLine = value.replace("\n", "\\n");
        return oneLine.length() <= 120 ? oneLine : oneLine.substring(0, 117) + "...";
    }
}
