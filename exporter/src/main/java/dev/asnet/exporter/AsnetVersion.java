package dev.asnet.exporter;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The asnet version, taken from the build (Maven filters {@code version.properties}). */
public final class AsnetVersion {
    /** The version string, such as {@code 0.1.0-SNAPSHOT}. */
    public static final String VERSION = load();

    private AsnetVersion() {}

    private static String load() {
        try (InputStream in = AsnetVersion.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                throw new IllegalStateException("version.properties missing from the asnet-exporter jar");
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
