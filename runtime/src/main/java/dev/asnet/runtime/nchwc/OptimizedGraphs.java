package dev.asnet.runtime.nchwc;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import dev.asnet.runtime.OptimizationLevel;
import dev.asnet.runtime.RuntimeOptions;
import dev.asnet.runtime.SessionFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * ONNX Runtime's optimized graph of a model on this machine: a throwaway CPU session at level ALL
 * that saves its graph ({@code SessionOptions.setOptimizedModelFilePath}) into a private temporary
 * folder, read back and deleted.
 */
final class OptimizedGraphs {
    private OptimizedGraphs() {}

    /**
     * Optimizes a model.
     *
     * @param model the serialized model (without external data)
     * @param asnetOps whether to register the asnet op library (the model imports {@code dev.asnet})
     * @param source the model's name for messages
     * @return the optimized graph's bytes
     * @throws OrtException if ONNX Runtime refuses the model
     * @throws IOException if the temporary file cannot be written or read
     */
    static byte[] optimize(byte[] model, boolean asnetOps, String source) throws OrtException, IOException {
        // One thread: only the graph is wanted, and the session is closed at once. No rewrite here.
        RuntimeOptions options = RuntimeOptions.builder().optIntraOpThreads(1)
                .optOptimizationLevel(OptimizationLevel.ALL).optNchwcRewrite(false).build();
        Path dir = createPrivateFolder();
        Path file = dir.resolve("optimized.onnx");
        try (SessionFactory.Setup setup = SessionFactory.setup(options, asnetOps, source)) {
            // ONNX Runtime warns that the saved graph is hardware specific; that is the point here.
            setup.options().setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
            setup.options().setOptimizedModelFilePath(file.toString());
            try (OrtSession ignored = setup.createSession(model)) {
                // Creating the session writes the file.
            }
            return Files.readAllBytes(file);
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
    }

    private static Path createPrivateFolder() throws IOException {
        try {
            return Files.createTempDirectory("asnet-nchwc-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (UnsupportedOperationException notPosix) {
            return Files.createTempDirectory("asnet-nchwc-");
        }
    }
}
