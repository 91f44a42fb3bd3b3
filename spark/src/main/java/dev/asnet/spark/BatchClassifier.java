package dev.asnet.spark;

import ai.onnxruntime.OrtException;
import dev.asnet.exporter.InputSpec;
import dev.asnet.runtime.AsnetModel;
import dev.asnet.runtime.FloatTensor;
import dev.asnet.runtime.InvalidModelException;
import dev.asnet.runtime.NonFiniteOutputException;
import dev.asnet.runtime.vision.ImageClassifier;
import dev.asnet.runtime.vision.ImageDecodeException;
import dev.asnet.runtime.vision.ImageFiles;
import dev.asnet.runtime.vision.ImageToTensor;
import dev.asnet.runtime.vision.Prediction;
import dev.asnet.runtime.vision.Softmax;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Classifies a batch of rows with one model, each row on its own terms: an encoded image is
 * decoded and prepared exactly as {@link ImageClassifier#classify(java.nio.file.Path, int)}
 * prepares an image file (same decoder, pixel limit, scaling, channels and normalization), a float
 * array is taken as the model's normalized input; all rows that could be prepared go through
 * ONNX Runtime in one call. A row that cannot be classified gets an error message instead of a
 * prediction, and the others are unaffected. Spark-free, and thread-safe like the model.
 */
public final class BatchClassifier {
    private final AsnetModel model;
    private final ImageClassifier classifier;
    private final ImageToTensor imageToTensor;
    private final InputSpec input;
    private final int sampleSize;

    /**
     * One row to classify.
     *
     * @param value the encoded image ({@code byte[]}), the normalized model input ({@code float[]},
     *     channels x height x width), or null when the row has none
     * @param source what the row is called in error messages (its path, or its position)
     */
    public record Input(Object value, String source) {
        /**
         * Checks the value's type.
         *
         * @param value the image bytes or floats, or null
         * @param source the row's name
         */
        public Input {
            Objects.requireNonNull(source, "source");
            if (value != null && !(value instanceof byte[]) && !(value instanceof float[])) {
                throw new IllegalArgumentException("a row's input is image bytes or a float array, not "
                        + value.getClass().getName());
            }
        }
    }

    /**
     * What became of one row: a prediction, or an error.
     *
     * @param top the most probable classes, most probable first (empty on error)
     * @param logits the model's raw output for the row (null on error, or when not asked for)
     * @param error why the row has no prediction (null when it has one)
     */
    public record Result(List<Prediction> top, float[] logits, String error) {
        /**
         * The most probable class.
         *
         * @return the top prediction
         * @throws IllegalStateException if the row has an error instead
         */
        public Prediction best() {
            if (error != null) {
                throw new IllegalStateException("the row has no prediction: " + error);
            }
            return top.get(0);
        }

        static Result failed(String error) {
            return new Result(List.of(), null, error);
        }
    }

    /**
     * Wraps an open model; the caller keeps ownership.
     *
     * @param model an image classifier (its input is an image batch, its output one score per class)
     * @throws InvalidModelException if the model is not an image classifier
     */
    public BatchClassifier(AsnetModel model) throws InvalidModelException {
        this.model = Objects.requireNonNull(model, "model");
        this.classifier = ImageClassifier.of(model);
        this.input = classifier.input();
        this.imageToTensor = new ImageToTensor(input);
        this.sampleSize = input.imageSize();
    }

    /**
     * The class names, index = class.
     *
     * @return the labels
     */
    public List<String> labels() {
        return classifier.labels();
    }

    /**
     * The input one row becomes: size and normalization from the model's metadata.
     *
     * @return the input specification
     */
    public InputSpec input() {
        return input;
    }

    /**
     * Classifies rows.
     *
     * @param rows the rows, in order
     * @param topK how many classes each result lists (>= 1; capped at the class count)
     * @param keepLogits whether results carry the raw model output
     * @return one result per row, in order
     * @throws OrtException if ONNX Runtime fails (a broken model or machine, not a bad row)
     */
    public List<Result> classify(List<Input> rows, int topK, boolean keepLogits) throws OrtException {
        if (topK < 1) {
            throw new IllegalArgumentException("top-k must be >= 1, got " + topK);
        }
        int n = rows.size();
        Result[] results = new Result[n];
        int[] slotOf = new int[n];
        float[] x = new float[n * sampleSize];
        int prepared = 0;
        long decodeNanos = 0;
        long preprocessNanos = 0;
        for (int i = 0; i < n; i++) {
            Input row = rows.get(i);
            slotOf[i] = -1;
            long t0 = System.nanoTime();
            try {
                if (row.value() == null) {
                    results[i] = Result.failed(row.source() + ": the input is null");
                } else if (row.value() instanceof byte[] encoded) {
                    BufferedImage image = ImageFiles.readForInput(encoded, row.source(), input.width(), input.height(),
                            ImageFiles.maxPixels());
                    long t1 = System.nanoTime();
                    decodeNanos += t1 - t0;
                    t0 = t1;
                    imageToTensor.toInput(image, x, prepared * sampleSize);
                    slotOf[i] = prepared++;
                } else {
                    float[] values = (float[]) row.value();
                    if (values.length != sampleSize) {
                        results[i] = Result.failed(row.source() + ": the array has " + values.length
                                + " values, the model takes " + sampleSize + " (" + input.channels() + "x"
                                + input.height() + "x" + input.width() + ")");
                    } else {
                        System.arraycopy(values, 0, x, prepared * sampleSize, sampleSize);
                        slotOf[i] = prepared++;
                    }
                }
            } catch (ImageDecodeException e) {
                results[i] = Result.failed(e.getMessage());
            } catch (RuntimeException e) {
                // A decoder bug on hostile bytes must cost one row, not the partition.
                results[i] = Result.failed(row.source() + ": cannot decode the image: " + e);
            }
            // Time after decoding (or all of it for arrays and refused rows): preparation.
            preprocessNanos += System.nanoTime() - t0;
        }
        long t0 = System.nanoTime();
        float[][] logits = run(x, prepared);
        for (int i = 0; i < n; i++) {
            if (slotOf[i] < 0) {
                continue;
            }
            float[] l = logits[slotOf[i]];
            try {
                List<Prediction> top = Softmax.topK(Softmax.probabilities(l), topK, classifier.labels());
                results[i] = new Result(top, keepLogits ? l : null, null);
            } catch (NonFiniteOutputException e) {
                results[i] = Result.failed(rows.get(i).source() + ": " + e.getMessage());
            }
        }
        long inferenceNanos = System.nanoTime() - t0;
        long failed = Arrays.stream(results).filter(r -> r.error() != null).count();
        StageTimes.add(n, failed, decodeNanos, preprocessNanos, inferenceNanos);
        return Arrays.asList(results);
    }

    /** Runs the first {@code count} samples of {@code x}, in the model's fixed batch size if it has one. */
    private float[][] run(float[] x, int count) throws OrtException {
        float[][] out = new float[count][];
        if (count == 0) {
            return out;
        }
        boolean fixed = !model.input().hasDynamicBatch();
        int step = fixed ? (int) model.input().dims()[0] : count;
        for (int start = 0; start < count; start += step) {
            int m = Math.min(step, count - start);
            // A fixed-batch model takes exactly `step` samples: the last chunk is padded with zeros.
            int rows = fixed ? step : m;
            float[] chunk = start == 0 && rows * sampleSize == x.length ? x : new float[rows * sampleSize];
            if (chunk != x) {
                System.arraycopy(x, start * sampleSize, chunk, 0, m * sampleSize);
            }
            FloatTensor y = model.run(FloatTensor.of(chunk, rows, input.channels(), input.height(), input.width()));
            for (int j = 0; j < m; j++) {
                out[start + j] = y.item(j);
            }
        }
        return out;
    }
}
