package dev.asnet.runtime.quantize;

import ai.onnxruntime.OrtException;
import dev.asnet.exporter.io.OnnxWriter;
import dev.asnet.exporter.quantize.CalibrationMethod;
import dev.asnet.exporter.quantize.HistogramObserver;
import dev.asnet.exporter.quantize.MinMaxObserver;
import dev.asnet.exporter.quantize.QuantizationPlan;
import dev.asnet.exporter.quantize.QuantizeOptions;
import dev.asnet.exporter.quantize.TensorRange;
import dev.asnet.runtime.AsnetModel;
import dev.asnet.runtime.FloatTensor;
import dev.asnet.runtime.RuntimeOptions;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * Observes the ranges of a {@link QuantizationPlan}'s activations: runs its calibration model (the
 * float model with those activations as outputs) in ONNX Runtime on the calibration images, in
 * batches, and feeds every activation to a {@link MinMaxObserver}; for {@link
 * CalibrationMethod#PERCENTILE} a second pass fills a {@link HistogramObserver} per activation over
 * the first pass's range. Deterministic: the same data gives the same ranges, whatever the batch
 * size or thread count (min, max and histogram counts do not depend on the order values arrive in).
 */
public final class Calibrator {
    /** Images per ONNX Runtime call: large enough to amortize the call, small enough for the outputs. */
    public static final int DEFAULT_BATCH_SIZE = 16;

    private Calibrator() {}

    /**
     * Observes the ranges.
     *
     * @param plan what to observe
     * @param data the calibration images, preprocessed for the model's input
     * @param options the calibration method
     * @param runtime how to run the float model
     * @param batchSize images per call
     * @param progress told the number of images done after each batch (both passes counted), or null
     * @return each calibrated value's range
     * @throws IOException if the model cannot be opened
     * @throws OrtException if ONNX Runtime fails
     * @throws IllegalStateException naming the activation if the float model gives NaN or infinity
     */
    public static Map<String, TensorRange> observe(QuantizationPlan plan, CalibrationData data, QuantizeOptions options,
            RuntimeOptions runtime, int batchSize, IntConsumer progress) throws IOException, OrtException {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        List<String> names = plan.calibratedValues();
        Map<String, MinMaxObserver> minMax = new LinkedHashMap<>();
        for (String n : names) {
            minMax.put(n, new MinMaxObserver(n));
        }
        try (AsnetModel model = AsnetModel.open(OnnxWriter.toBytes(plan.calibrationModel()), runtime)) {
            int[] done = {0};
            run(model, data, batchSize, (name, values) -> minMax.get(name).observe(values), names, progress, done);
            Map<String, TensorRange> ranges = new LinkedHashMap<>();
            if (options.method() == CalibrationMethod.MINMAX) {
                minMax.forEach((n, o) -> ranges.put(n, o.range()));
                return ranges;
            }
            Map<String, HistogramObserver> hist = new LinkedHashMap<>();
            minMax.forEach((n, o) -> hist.put(n, new HistogramObserver(o.range(), HistogramObserver.DEFAULT_BINS)));
            run(model, data, batchSize, (name, values) -> hist.get(name).observe(values), names, progress, done);
            hist.forEach((n, h) -> ranges.put(n, h.percentileRange(options.percentile())));
            return ranges;
        }
    }

    /** Receives one activation's values of one batch. */
    private interface Sink {
        void accept(String name, float[] values);
    }

    private static void run(AsnetModel model, CalibrationData data, int batchSize, Sink sink, List<String> names,
            IntConsumer progress, int[] done) throws OrtException {
        String input = model.input().name();
        long[] dims = model.input().dims();
        int per = data.imageSize();
        for (int start = 0; start < data.size(); start += batchSize) {
            int n = Math.min(batchSize, data.size() - start);
            float[] x = new float[n * per];
            for (int i = 0; i < n; i++) {
                data.fill(start + i, x, i * per);
            }
            long[] shape = dims.clone();
            shape[0] = n;
            Map<String, FloatTensor> out = model.run(Map.of(input, FloatTensor.of(x, shape)));
            for (String name : names) {
                if (name.equals(input)) {
                    sink.accept(name, x);
                } else {
                    FloatTensor t = out.get(name);
                    if (t == null) {
                        throw new IllegalStateException("the calibration model did not return '" + name + "'");
                    }
                    sink.accept(name, t.data());
                }
            }
            done[0] += n;
            if (progress != null) {
                progress.accept(done[0]);
            }
        }
    }
}
