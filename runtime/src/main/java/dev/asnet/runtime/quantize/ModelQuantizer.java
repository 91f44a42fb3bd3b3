package dev.asnet.runtime.quantize;

import ai.onnxruntime.OrtException;
import dev.asnet.exporter.ModelInfo;
import dev.asnet.exporter.io.OnnxWriter;
import dev.asnet.exporter.ir.Model;
import dev.asnet.exporter.quantize.CalibrationInfo;
import dev.asnet.exporter.quantize.QdqQuantizer;
import dev.asnet.exporter.quantize.QuantizationPlan;
import dev.asnet.exporter.quantize.QuantizeOptions;
import dev.asnet.exporter.quantize.TensorRange;
import dev.asnet.runtime.InvalidModelException;
import dev.asnet.runtime.ModelDescription;
import dev.asnet.runtime.RuntimeOptions;
import dev.asnet.runtime.ValueSpec;
import dev.asnet.exporter.InputSpec;
import dev.asnet.runtime.vision.ImageClassifier;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * Static post-training quantization of a float model, end to end: plan ({@link QdqQuantizer}),
 * calibrate in ONNX Runtime ({@link Calibrator}), write the QDQ model.
 *
 * <pre>{@code
 * Model source = OnnxReader.read(Path.of("model.onnx"));
 * InputSpec pre = ModelQuantizer.preprocessing(source);
 * CalibrationData data = CalibrationSets.fromDataset(FashionMnist.train(), pre, 1000, 1, "fashion-mnist train");
 * QuantizationResult r = ModelQuantizer.quantize(source, data, QuantizeOptions.defaults(), RuntimeOptions.defaults());
 * OnnxWriter.write(r.model(), Path.of("model-int8.onnx"));
 * }</pre>
 */
public final class ModelQuantizer {
    private ModelQuantizer() {}

    /**
     * What a quantization produced.
     *
     * @param model the QDQ model
     * @param plan the plan (what was rewritten, what stays float)
     * @param ranges the calibrated range of each activation
     */
    public record QuantizationResult(Model model, QuantizationPlan plan, Map<String, TensorRange> ranges) {}

    /**
     * The model's input preprocessing (size, normalization) from its metadata, as {@code asnet
     * predict} and {@code eval} use it.
     *
     * @param model the float model
     * @return the preprocessing
     * @throws InvalidModelException if the model is not an image classifier or its metadata is malformed
     */
    public static InputSpec preprocessing(Model model) throws InvalidModelException {
        return ImageClassifier.inputSpecOf(ModelDescription.parse(OnnxWriter.toBytes(model), "the model"));
    }

    /**
     * Quantizes a model.
     *
     * @param source the float model (left unchanged)
     * @param data calibration images prepared for it
     * @param options calibration method and Active Shift form
     * @param runtime how calibration runs the float model
     * @param progress told the number of images done after each batch, or null
     * @return the QDQ model, its plan and ranges
     * @throws dev.asnet.exporter.quantize.QuantizationException if the model cannot be quantized
     *     (naming the node)
     * @throws IOException if the calibration model cannot be opened
     * @throws OrtException if ONNX Runtime fails
     */
    public static QuantizationResult quantize(Model source, CalibrationData data, QuantizeOptions options,
            RuntimeOptions runtime, IntConsumer progress) throws IOException, OrtException {
        QuantizationPlan plan = QdqQuantizer.plan(source, options);
        Map<String, TensorRange> ranges = Calibrator.observe(plan, data, options, runtime, Calibrator.DEFAULT_BATCH_SIZE,
                progress);
        Model q = plan.quantize(ranges, new CalibrationInfo(data.description(), data.size(), data.seed()));
        return new QuantizationResult(q, plan, ranges);
    }
}
