package dev.asnet.runtime.vision;

import ai.onnxruntime.OrtException;
import dev.asnet.runtime.AsnetModel;
import dev.asnet.runtime.FloatTensor;
import dev.asnet.runtime.InputMismatchException;
import dev.asnet.runtime.InvalidModelException;
import dev.asnet.runtime.RuntimeOptions;
import dev.asnet.runtime.dataset.LabeledImages;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Classifies images with a model, preprocessing them as the model's metadata says.
 *
 * <pre>{@code
 * try (ImageClassifier classifier = ImageClassifier.open(Path.of("model.onnx"), RuntimeOptions.defaults())) {
 *     for (Prediction p : classifier.classify(Path.of("shoe.png"), 3)) {
 *         System.out.println(p.label() + " " + p.probability());
 *     }
 * }
 * }</pre>
 *
 * Thread-safe, like the model underneath.
 */
public final class ImageClassifier implements AutoCloseable {
    /** Images per model call in {@link #evaluate(LabeledImages)}. */
    public static final int DEFAULT_BATCH_SIZE = 64;

    private final AsnetModel model;
    private final boolean ownsModel;
    private final Preprocessing preprocessing;
    private final ImagePreprocessor preprocessor;

    private ImageClassifier(AsnetModel model, boolean ownsModel) throws InvalidModelException {
        this.model = Objects.requireNonNull(model, "model");
        this.ownsModel = ownsModel;
        this.preprocessing = Preprocessing.fromModel(model.description(), model.input(), model.output());
        this.preprocessor = new ImagePreprocessor(preprocessing);
        long[] in = model.input().dims();
        long[] expect = {preprocessing.channels(), preprocessing.height(), preprocessing.width()};
        for (int i = 0; i < 3 && in.length == 4; i++) {
            if (in[i + 1] >= 0 && in[i + 1] != expect[i]) {
                throw new InvalidModelException(model.description().source() + ": the metadata's input size "
                        + expect[0] + "x" + expect[1] + "x" + expect[2] + " contradicts the graph input "
                        + model.input().shapeText());
            }
        }
    }

    /**
     * Opens a model file and wraps it; closing the classifier closes the model.
     *
     * @param file the model
     * @param options session settings
     * @return the classifier
     * @throws IOException as {@link AsnetModel#open(Path, RuntimeOptions)}, or
     *     {@link InvalidModelException} if the model is not an image classifier
     * @throws OrtException as {@link AsnetModel#open(Path, RuntimeOptions)}
     */
    public static ImageClassifier open(Path file, RuntimeOptions options) throws IOException, OrtException {
        AsnetModel model = AsnetModel.open(file, options);
        try {
            return new ImageClassifier(model, true);
        } catch (InvalidModelException | RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /**
     * Wraps an open model; the caller keeps ownership and closes it.
     *
     * @param model the model
     * @return the classifier
     * @throws InvalidModelException if the model is not an image classifier
     */
    public static ImageClassifier of(AsnetModel model) throws InvalidModelException {
        return new ImageClassifier(model, false);
    }

    /**
     * The model underneath.
     *
     * @return the model
     */
    public AsnetModel model() {
        return model;
    }

    /**
     * The preprocessing read from the model.
     *
     * @return the preprocessing
     */
    public Preprocessing preprocessing() {
        return preprocessing;
    }

    /**
     * Classifies an image file. The file is decoded with
     * {@link ImageFiles#readForInput(Path, int, int, long)}: images over {@link ImageFiles#maxPixels()}
     * are refused, and images much larger than the model input are decoded at reduced resolution.
     *
     * @param image a PNG, JPEG or BMP file
     * @param topK how many classes to return (>= 1; capped at the class count)
     * @return the most probable classes, most probable first
     * @throws java.nio.file.NoSuchFileException if the file does not exist
     * @throws ImageDecodeException if it cannot be decoded, is over the pixel limit, or does not fit
     *     in memory
     * @throws IOException if reading fails
     * @throws OrtException if ONNX Runtime fails
     */
    public List<Prediction> classify(Path image, int topK) throws IOException, OrtException {
        return classify(ImageFiles.readForInput(image, preprocessing.width(), preprocessing.height(),
                ImageFiles.maxPixels()), topK);
    }

    /**
     * Classifies a decoded image.
     *
     * @param image the image
     * @param topK how many classes to return (>= 1; capped at the class count)
     * @return the most probable classes, most probable first
     * @throws OrtException if ONNX Runtime fails
     */
    public List<Prediction> classify(BufferedImage image, int topK) throws OrtException {
        return classifyAll(List.of(image), topK).get(0);
    }

    /**
     * Classifies several images in one model call.
     *
     * @param images the images
     * @param topK how many classes to return per image (>= 1; capped at the class count)
     * @return per image, its most probable classes
     * @throws OrtException if ONNX Runtime fails
     */
    public List<List<Prediction>> classifyAll(List<BufferedImage> images, int topK) throws OrtException {
        if (topK < 1) {
            throw new IllegalArgumentException("top-k must be >= 1, got " + topK);
        }
        List<List<Prediction>> out = new ArrayList<>(images.size());
        int batch = batchLimit(images.size());
        int per = preprocessing.imageSize();
        for (int start = 0; start < images.size(); start += batch) {
            int n = Math.min(batch, images.size() - start);
            int rows = model.input().hasDynamicBatch() ? n : batch;  // a fixed batch is padded with zeros
            float[] x = new float[rows * per];
            for (int i = 0; i < n; i++) {
                preprocessor.toInput(images.get(start + i), x, i * per);
            }
            FloatTensor logits = model.run(FloatTensor.of(x, inputShape(rows)));
            for (int i = 0; i < n; i++) {
                out.add(Softmax.topK(Softmax.probabilities(logits.item(i)), topK, preprocessing.labels()));
            }
        }
        return out;
    }

    /**
     * Classifies every image of a dataset in batches of {@link #DEFAULT_BATCH_SIZE}.
     *
     * @param data labeled grayscale images of the model's input size
     * @return accuracy and predictions
     * @throws InputMismatchException if the images' size or the class count differs from the
     *     model's
     * @throws OrtException if ONNX Runtime fails
     */
    public Evaluation evaluate(LabeledImages data) throws OrtException {
        return evaluate(data, DEFAULT_BATCH_SIZE);
    }

    /**
     * Classifies every image of a dataset. Images must already have the model's height and width
     * (resizing would change what is measured); grayscale images feed an RGB model as three equal
     * channels.
     *
     * @param data labeled grayscale images of the model's input size
     * @param batchSize images per model call (>= 1)
     * @return accuracy and predictions
     * @throws InputMismatchException if the images' size or the class count differs from the
     *     model's
     * @throws OrtException if ONNX Runtime fails
     */
    public Evaluation evaluate(LabeledImages data, int batchSize) throws OrtException {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        int h = preprocessing.height();
        int w = preprocessing.width();
        int c = preprocessing.channels();
        if (data.rows() != h || data.cols() != w) {
            throw new InputMismatchException("wrong input size: the model takes " + c + "x" + h + "x" + w
                    + " images but the dataset's are " + data.rows() + "x" + data.cols());
        }
        if (data.classNames().size() != preprocessing.labels().size()) {
            throw new InputMismatchException("the model has " + preprocessing.labels().size()
                    + " classes but the dataset has " + data.classNames().size());
        }
        long t0 = System.nanoTime();
        int batch = batchLimit(batchSize);
        int plane = h * w;
        int per = c * plane;
        int[] predicted = new int[data.size()];
        byte[] pixels = data.images().pixels();
        float[] x = null;
        boolean fixedBatch = !model.input().hasDynamicBatch();
        for (int start = 0; start < data.size(); start += batch) {
            int n = Math.min(batch, data.size() - start);
            // A model with a fixed batch size takes exactly that many images: the last, shorter
            // batch is padded with zeros and the padding's predictions are ignored.
            int rows = fixedBatch ? batch : n;
            if (x == null || x.length != rows * per) {
                x = new float[rows * per];
            } else if (rows != n) {
                java.util.Arrays.fill(x, n * per, rows * per, 0f);
            }
            for (int i = 0; i < n; i++) {
                int src = (start + i) * plane;
                for (int ch = 0; ch < c; ch++) {
                    int dst = i * per + ch * plane;
                    for (int p = 0; p < plane; p++) {
                        x[dst + p] = preprocessing.normalize(ch, Byte.toUnsignedInt(pixels[src + p]));
                    }
                }
            }
            FloatTensor logits = model.run(FloatTensor.of(x, inputShape(rows)));
            int k = (int) logits.dim(1);
            float[] l = logits.data();
            for (int i = 0; i < n; i++) {
                predicted[start + i] = Softmax.argmax(l, i * k, k);
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new Evaluation(data.classNames(), predicted, data.labels(), seconds);
    }

    /** How many images one call may carry: the model's fixed batch size, if it has one. */
    private int batchLimit(int wanted) {
        return model.input().hasDynamicBatch() ? Math.max(1, wanted) : (int) model.input().dims()[0];
    }

    private long[] inputShape(int n) {
        return new long[] {n, preprocessing.channels(), preprocessing.height(), preprocessing.width()};
    }

    /**
     * Closes the model if this classifier opened it.
     *
     * @throws OrtException if ONNX Runtime fails to release it
     */
    @Override
    public void close() throws OrtException {
        if (ownsModel) {
            model.close();
        }
    }
}
