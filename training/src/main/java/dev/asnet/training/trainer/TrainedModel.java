package dev.asnet.training.trainer;

import dev.asnet.exporter.export.ExportOptions;
import dev.asnet.exporter.export.InferenceExport;
import dev.asnet.exporter.io.AtomicFiles;
import dev.asnet.exporter.io.OnnxWriter;
import dev.asnet.exporter.ir.Graph;
import dev.asnet.exporter.ir.InitializerRole;
import dev.asnet.exporter.ir.Model;
import dev.asnet.exporter.ir.Tensor;
import dev.asnet.exporter.ir.Value;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** Puts trained values into a model and exports it for inference. */
public final class TrainedModel {
    private TrainedModel() {}

    /**
     * A copy of a model whose parameters and buffers hold trained values (everything else, names
     * and metadata included, unchanged): the graph is copied once and each trained value replaces
     * its initializer's data.
     *
     * @param source the model as built by the zoo
     * @param state trained values by initializer name
     * @return the trained model
     * @throws IllegalArgumentException naming the initializer if a value is missing or mis-sized
     */
    public static Model withState(Model source, Map<String, float[]> state) {
        Graph src = source.graph();
        src.assignNames();
        Graph g = src.copy();
        for (Value init : g.initializers()) {
            if (init.role() == InitializerRole.CONSTANT) {
                continue;
            }
            float[] v = state.get(init.name());
            if (v == null || v.length != init.data().size()) {
                throw new IllegalArgumentException("trained value of '" + init.name() + "' is "
                        + (v == null ? "missing" : "of size " + v.length + ", expected " + init.data().size()));
            }
            g.replaceInitializerData(init.name(), Tensor.ofFloats(v, init.data().dims()));
        }
        Model m = new Model(g);
        source.metadata().forEach(m::putMetadata);
        return m;
    }

    /**
     * Exports a trained model for inference (BN folded into convs, ASL in the chosen lowering),
     * written atomically.
     *
     * @param trained the model with trained values
     * @param options the lowering and folding choices
     * @param file the ONNX file
     * @return the exported model
     * @throws IOException if writing fails
     */
    public static Model export(Model trained, ExportOptions options, Path file) throws IOException {
        Model inference = InferenceExport.prepare(trained, options);
        AtomicFiles.write(file, OnnxWriter.toBytes(inference));
        return inference;
    }
}
