package dev.asnet.runtime.quantize;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.asnet.exporter.ops.AsnetDomain;
import dev.asnet.runtime.InvalidModelException;
import dev.asnet.runtime.ModelDescription;
import dev.asnet.runtime.RuntimeOptions;
import dev.asnet.runtime.SessionFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The graph ONNX Runtime actually runs: a session is created with {@code
 * SessionOptions.setOptimizedModelFilePath}, and the saved graph's operators are counted. This is
 * how one sees which QDQ groups were fused ({@code QLinearConv}, {@code com.microsoft:QLinearAdd},
 * ...) and which ops stayed float with Transposes around them.
 */
public final class OptimizedGraph {
    private OptimizedGraph() {}

    /**
     * Counts the operators of ONNX Runtime's optimized form of a model.
     *
     * @param model ONNX bytes
     * @param options the session settings (the optimization level chooses what is fused)
     * @return op type (prefixed {@code domain:} outside the standard domain) to count, sorted
     * @throws InvalidModelException if ONNX Runtime cannot load the model
     * @throws IOException if the temporary file cannot be written or read
     * @throws OrtException if ONNX Runtime fails otherwise
     */
    public static Map<String, Integer> operators(byte[] model, RuntimeOptions options) throws IOException, OrtException {
        ModelDescription d = ModelDescription.parse(model, "the model");
        Path dir = Files.createTempDirectory("asnet-optimized");
        Path file = dir.resolve("optimized.onnx");
        try (SessionFactory.Setup setup = SessionFactory.setup(options, d.importsDomain(AsnetDomain.DOMAIN), "the model")) {
            setup.options().setOptimizedModelFilePath(file.toString());
            try (OrtSession ignored = setup.createSession(model)) {
                return ModelDescription.read(file).operators();
            } catch (OrtException e) {
                throw new InvalidModelException("ONNX Runtime cannot load the model: " + e.getMessage(), e);
            }
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
    }
}
