package dev.asnet.runtime.nchwc;

import dev.asnet.exporter.io.AtomicFiles;
import dev.asnet.runtime.RuntimeOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The per-machine cache of rewritten models: one file per {@link CacheKey} in a folder (default
 * {@code ~/.cache/asnet/nchwc/}). Each file is a short text header, then the model:
 *
 * <pre>
 * asnet-nchwc-cache-v2
 * key &lt;the key&gt;
 * kind rewritten | unchanged
 * length &lt;model bytes&gt;
 * sha256 &lt;checksum of key, kind, summary and model&gt;
 * summary &lt;what the rewrite did, one line&gt;
 * (empty line)
 * &lt;model bytes&gt;
 * </pre>
 *
 * <p>An {@code unchanged} entry records that the model had nothing to rewrite (it carries no model), so
 * the throwaway optimization is not repeated on every open. Entries are written through
 * {@link AtomicFiles} (a temporary file renamed over the target), so a reader sees a whole entry
 * or none, and processes writing the same key at once simply leave the last one, whose content is
 * the same. Every read is verified: an entry with a wrong header, another key (stale), a wrong
 * length or checksum (corrupt) is reported and rebuilt, never used.
 */
public final class NchwcCache {
    /** System property naming the cache folder. */
    public static final String FOLDER_PROPERTY = "asnet.nchwc.cache";
    /** Environment variable naming the cache folder (the system property wins). */
    public static final String FOLDER_ENV = "ASNET_NCHWC_CACHE";
    /** The largest entry read back; a bigger file is corrupt (asnet refuses models over 2 GiB anyway). */
    private static final long MAX_ENTRY = Integer.MAX_VALUE - 64;
    private static final int MAX_HEADER = 64 * 1024;

    /**
     * A cached result.
     *
     * @param rewritten true when {@link #model()} is the rewritten model; false when the model had
     *     nothing to rewrite and is opened as it is
     * @param model the rewritten model's bytes (empty when not rewritten)
     * @param summary what the rewrite did ({@link RewriteReport#summary()})
     */
    public record Entry(boolean rewritten, byte[] model, String summary) {
        /** Checks the parts. */
        public Entry {
            Objects.requireNonNull(model, "model");
            summary = summary.replace('\n', ' ').replace('\r', ' ');
        }
    }

    /**
     * What a lookup found.
     *
     * @param entry the verified entry, or null
     * @param problem why an existing file was not used (stale or corrupt), or null for a hit or a
     *     plain miss
     */
    public record Lookup(Entry entry, String problem) {}

    private final Path folder;

    /**
     * A cache in a folder (created when the first entry is written).
     *
     * @param folder the folder
     */
    public NchwcCache(Path folder) {
        this.folder = folder.toAbsolutePath().normalize();
    }

    /**
     * The cache folder for options: {@link RuntimeOptions#nchwcCacheDir()}, else the system property
     * {@value #FOLDER_PROPERTY}, else the environment variable {@value #FOLDER_ENV}, else
     * {@code ~/.cache/asnet/nchwc}.
     *
     * @param options the options
     * @return the cache
     */
    public static NchwcCache forOptions(RuntimeOptions options) {
        if (options.nchwcCacheDir().isPresent()) {
            return new NchwcCache(options.nchwcCacheDir().get());
        }
        String set = System.getProperty(FOLDER_PROPERTY);
        if (set == null || set.isBlank()) {
            set = System.getenv(FOLDER_ENV);
        }
        if (set != null && !set.isBlank()) {
            return new NchwcCache(Path.of(set));
        }
        return new NchwcCache(Path.of(System.getProperty("user.home"), ".cache", "asnet", "nchwc"));
    }

    /**
     * The folder.
     *
     * @return the absolute folder
     */
    public Path folder() {
        return folder;
    }

    /**
     * The file holding a key's entry.
     *
     * @param key the key
     * @return the file (which may not exist)
     */
    public Path file(CacheKey key) {
        return folder.resolve(key.hex() + ".nchwc");
    }

    /**
     * Looks an entry up and verifies it.
     *
     * @param key the key
     * @return the entry, or why an existing file was refused
     */
    public Lookup read(CacheKey key) {
        Path f = file(key);
        byte[] bytes;
        try {
            // One look at the file: asking "regular?" and then "exists?" races with a writer's rename.
            java.nio.file.attribute.BasicFileAttributes a = Files.readAttributes(f,
                    java.nio.file.attribute.BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!a.isRegularFile()) {
                return new Lookup(null, f + " is not a regular file");
            }
            if (a.size() > MAX_ENTRY) {
                return new Lookup(null, f + " is too large to be an entry");
            }
            bytes = Files.readAllBytes(f);
        } catch (NoSuchFileException e) {
            return new Lookup(null, null);
        } catch (IOException e) {
            return new Lookup(null, "cannot read " + f + ": " + e.getMessage());
        }
        try {
            return new Lookup(parse(bytes, key), null);
        } catch (IllegalArgumentException e) {
            return new Lookup(null, f + ": " + e.getMessage());
        }
    }

    /**
     * Writes an entry atomically.
     *
     * @param key the key
     * @param entry the entry
     * @throws IOException if the folder or file cannot be written
     */
    public void write(CacheKey key, Entry entry) throws IOException {
        AtomicFiles.write(file(key), serialize(key, entry));
    }

    static byte[] serialize(CacheKey key, Entry e) {
        String header = CacheKey.RECIPE + "\n"
                + "key " + key.hex() + "\n"
                + "kind " + (e.rewritten() ? "rewritten" : "unchanged") + "\n"
                + "length " + e.model().length + "\n"
                + "sha256 " + checksum(key, e) + "\n"
                + "summary " + e.summary() + "\n\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream(header.length() + e.model().length);
        out.writeBytes(header.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(e.model());
        return out.toByteArray();
    }

    static Entry parse(byte[] bytes, CacheKey expected) {
        int end = -1;
        for (int i = 0; i + 1 < Math.min(bytes.length, MAX_HEADER); i++) {
            if (bytes[i] == '\n' && bytes[i + 1] == '\n') {
                end = i;
                break;
            }
        }
        if (end < 0) {
            throw new IllegalArgumentException("corrupt cache entry (no header)");
        }
        String[] lines = new String(bytes, 0, end, StandardCharsets.UTF_8).split("\n", -1);
        if (lines.length != 6 || !lines[0].equals(CacheKey.RECIPE)) {
            throw new IllegalArgumentException("corrupt or old-format cache entry (header '"
                    + (lines.length == 0 ? "" : lines[0]) + "')");
        }
        String key = field(lines[1], "key");
        if (!key.equals(expected.hex())) {
            throw new IllegalArgumentException("stale cache entry (it holds key " + key + ")");
        }
        String kind = field(lines[2], "kind");
        if (!kind.equals("rewritten") && !kind.equals("unchanged")) {
            throw new IllegalArgumentException("corrupt cache entry (kind '" + kind + "')");
        }
        long length;
        try {
            length = Long.parseLong(field(lines[3], "length"));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("corrupt cache entry (length)");
        }
        int start = end + 2;
        if (length != bytes.length - start) {
            throw new IllegalArgumentException("corrupt cache entry (" + (bytes.length - start)
                    + " model bytes, the header says " + length + ")");
        }
        Entry e = new Entry(kind.equals("rewritten"), Arrays.copyOfRange(bytes, start, bytes.length),
                field(lines[5], "summary"));
        if (!checksum(expected, e).equals(field(lines[4], "sha256"))) {
            throw new IllegalArgumentException("corrupt cache entry (checksum mismatch)");
        }
        if (e.rewritten() == (e.model().length == 0)) {
            throw new IllegalArgumentException("corrupt cache entry (kind and length disagree)");
        }
        return e;
    }

    private static String field(String line, String name) {
        if (!line.startsWith(name + " ")) {
            throw new IllegalArgumentException("corrupt cache entry (expected '" + name + "', got '"
                    + (line.length() > 40 ? line.substring(0, 40) + "..." : line) + "')");
        }
        return line.substring(name.length() + 1);
    }

    private static String checksum(CacheKey key, Entry e) {
        MessageDigest sha = NchwcSupport.sha256();
        for (byte[] part : new byte[][] {key.hex().getBytes(StandardCharsets.UTF_8),
                (e.rewritten() ? "rewritten" : "unchanged").getBytes(StandardCharsets.UTF_8),
                e.summary().getBytes(StandardCharsets.UTF_8), e.model()}) {
            sha.update(ByteBuffer.allocate(Long.BYTES).putLong(part.length).array());
            sha.update(part);
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
