package dev.asnet.bench.suite;

import dev.asnet.bench.latency.BenchModel;
import dev.asnet.runtime.InvalidModelException;
import dev.asnet.runtime.ModelDescription;
import dev.asnet.runtime.ValueSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Turns ONNX files (ours, or a network exported by another framework) into {@link BenchModel}s, so
 * that any models can be timed side by side with the same runner and reports as the suites.
 */
public final class FileModels {
    private FileModels() {}

    /**
     * A model file as a benchmark entry, fed one random float input of the given batch size.
     *
     * @param file the {@code .onnx} file
     * @param batch the batch size (replaces a symbolic or fixed-1 first dimension)
     * @return the entry (the file is read now and its bytes reused by every configuration)
     * @throws InvalidModelException if the file is not a model asnet can time: not ONNX, not one
     *     float input, a dimension besides the batch that is not fixed, a fixed batch other than the
     *     one asked for, or tensors stored as external data
     * @throws IOException if reading fails
     */
    public static BenchModel fromFile(Path file, int batch) throws IOException {
        ModelDescription d = ModelDescription.read(file);
        if (d.usesExternalData()) {
            throw new InvalidModelException(file + ": stores tensors as external data; asnet bench times "
                    + "self-contained models only (save it with its data inside)");
        }
        if (d.inputs().size() != 1 || !d.inputs().get(0).elementType().equals("float")) {
            throw new InvalidModelException(file + ": asnet bench feeds one float input, but the model's inputs are "
                    + d.inputs());
        }
        ValueSpec in = d.inputs().get(0);
        long[] shape = in.dims().clone();
        if (shape.length == 0) {
            throw new InvalidModelException(file + ": the input " + in + " has no batch dimension");
        }
        if (shape[0] > 0 && shape[0] != batch) {
            throw new InvalidModelException(file + ": the input " + in + " has a fixed batch of " + shape[0]
                    + "; use --batch-size " + shape[0]);
        }
        shape[0] = batch;
        for (int i = 1; i < shape.length; i++) {
            if (shape[i] <= 0) {
                throw new InvalidModelException(file + ": the input " + in + " has a symbolic dimension besides the "
                        + "batch; asnet bench needs fixed sizes");
            }
        }
        byte[] bytes = Files.readAllBytes(file);
        String name = file.toString();
        // Each file is its own entry in ratios and charts, even when two share an architecture.
        String family = name;
        String variant = d.architecture().orElse("-") + " " + d.aslLowering().orElse("-")
                + (batch == 1 ? "" : " b" + batch);
        return new BenchModel(name + (batch == 1 ? "" : "/b" + batch), family, variant, shape, d.parameters(),
                d.macs().orElse(-1), () -> bytes);
    }
}
