package dev.asnet.runtime.nchwc;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.asnet.exporter.onnx.Onnx.ModelProto;
import dev.asnet.ops.AsnetOps;
import dev.asnet.runtime.OptimizationLevel;
import dev.asnet.runtime.RuntimeOptions;
import dev.asnet.runtime.SessionFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * What this process's ONNX Runtime and op library support, each asked once and remembered: whether
 * the op library registers {@code ActiveShiftNchwc} (a one-node session), the NCHWc block size
 * ONNX Runtime uses here (the optimized graph of a one-conv model, read by
 * {@link BlockSizeDetector}), and the identities that key the cache.
 */
public final class NchwcSupport {
    /**
     * The answer to "does the op library register ActiveShiftNchwc?".
     *
     * @param available true when a session with the op could be created and run
     * @param reason why not, when unavailable
     */
    public record OpAvailability(boolean available, String reason) {}

    private static OpAvailability op;
    private static BlockSizeDetector.Result blockSize;
    private static String opLibraryHash;

    private NchwcSupport() {}

    /**
     * Whether the op library provides {@code ActiveShiftNchwc}: a session of one such node is created
     * and run once per process.
     *
     * @return the answer, with the reason when unavailable
     */
    public static synchronized OpAvailability activeShiftNchwc() {
        if (op == null) {
            op = probeOp();
        }
        return op;
    }

    /**
     * The NCHWc block size ONNX Runtime uses on this machine, found once per process from the
     * optimized graph of a one-convolution model.
     *
     * @return the detector's result (empty when ONNX Runtime does not use NCHWc here)
     */
    public static synchronized BlockSizeDetector.Result blockSize() {
        if (blockSize == null) {
            blockSize = probeBlockSize();
        }
        return blockSize;
    }

    /**
     * ONNX Runtime's version.
     *
     * @return the version string, e.g. {@code 1.29.0}
     */
    public static String ortVersion() {
        return SessionFactory.environment().getVersion();
    }

    /**
     * The SHA-256 of the op library file this process loads (so a rebuilt library, which may add or
     * change ActiveShiftNchwc, gets new cache entries).
     *
     * @return the hex digest
     * @throws IOException if the library cannot be found or read
     */
    public static synchronized String opLibraryHash() throws IOException {
        if (opLibraryHash == null) {
            MessageDigest sha = sha256();
            try (InputStream in = Files.newInputStream(AsnetOps.libraryPath())) {
                byte[] buf = new byte[1 << 16];
                for (int n; (n = in.read(buf)) > 0; ) {
                    sha.update(buf, 0, n);
                }
            }
            opLibraryHash = HexFormat.of().formatHex(sha.digest());
        }
        return opLibraryHash;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static OpAvailability probeOp() {
        RuntimeOptions options = RuntimeOptions.builder().optIntraOpThreads(1)
                .optOptimizationLevel(OptimizationLevel.DISABLED).optNchwcRewrite(false).build();
        ModelProto probe = ProbeModels.activeShiftNchwc();
        try (SessionFactory.Setup setup = SessionFactory.setup(options, true, "the ActiveShiftNchwc probe");
                OrtSession session = setup.createSession(probe.toByteArray());
                OnnxTensor x = OnnxTensor.createTensor(SessionFactory.environment(),
                        FloatBuffer.wrap(new float[ProbeModels.CHANNELS * 4]), new long[] {1, ProbeModels.CHANNELS, 2, 2});
                OrtSession.Result ignored = session.run(Map.of("x", x))) {
            return new OpAvailability(true, "");
        } catch (OrtException | IOException | RuntimeException e) {
            String m = String.valueOf(e.getMessage());
            return new OpAvailability(false, m.length() > 300 ? m.substring(0, 300) + "..." : m);
        }
    }

    private static BlockSizeDetector.Result probeBlockSize() {
        ModelProto probe = ProbeModels.conv();
        try {
            ModelProto optimized = ModelProto.parseFrom(OptimizedGraphs.optimize(probe.toByteArray(), false,
                    "the NCHWc block-size probe"));
            return BlockSizeDetector.detect(probe, optimized);
        } catch (OrtException | IOException | RuntimeException e) {
            return new BlockSizeDetector.Result(java.util.OptionalInt.empty(), 0,
                    "ONNX Runtime could not optimize the block-size probe: " + e.getMessage());
        }
    }
}
