package dev.asnet.runtime.nchwc;

import dev.asnet.exporter.export.SortShiftChannels;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

/**
 * The identity of the code that turns a model into its rewritten, machine-specific form: a SHA-256
 * over the compiled classes that decide what the rewritten graph holds (the rewriters, the channel
 * sort, the block-size detection and the driver), nested classes included. {@link CacheKey} hashes
 * it in, so a new asnet whose rewrite differs never reads a model the old one cached, with no
 * version number for anyone to remember to bump.
 */
final class RewriteCode {
    /** The classes whose behaviour the rewritten model depends on. */
    private static final List<Class<?>> CLASSES = List.of(MachineSpecificModels.class, ChannelsLastU8Rewriter.class,
            ActiveShiftNchwcRewriter.class, BlockSizeDetector.class, SortedChannels.class, OptimizedGraphs.class,
            SortShiftChannels.class);
    private static final String HASH = compute();

    private RewriteCode() {}

    /**
     * The hash, computed once per process.
     *
     * @return 64 hex digits
     */
    static String hash() {
        return HASH;
    }

    private static String compute() {
        MessageDigest sha = NchwcSupport.sha256();
        for (Class<?> c : CLASSES) {
            add(sha, c);
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static void add(MessageDigest sha, Class<?> c) {
        String resource = c.getName().substring(c.getName().lastIndexOf('.') + 1) + ".class";
        sha.update(resource.getBytes(StandardCharsets.UTF_8));
        try (InputStream in = c.getResourceAsStream(resource)) {
            // A class loader that hides class files (rare) still gives a stable key per class name.
            if (in != null) {
                sha.update(in.readAllBytes());
            }
        } catch (IOException e) {
            sha.update(("unreadable " + e.getMessage()).getBytes(StandardCharsets.UTF_8));
        }
        for (Class<?> nested : c.getDeclaredClasses()) {
            add(sha, nested);
        }
    }
}
