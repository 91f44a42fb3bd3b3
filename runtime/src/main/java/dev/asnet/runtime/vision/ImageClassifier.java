package dev.asnet.runtime.vision;

import ai.onnxruntime.OrtException;
import dev.asnet.exporter.InputSpec;
import dev.asnet.exporter.ModelInfo;
import dev.asnet.runtime.AsnetModel;
import dev.asnet.runtime.FloatTensor;
import dev.asnet.runtime.InputMismatchException;
import dev.asnet.runtime.InvalidModelException;
import dev.asnet.runtime.ModelDescription;
import dev.asnet.runtime.RuntimeOptions;
import dev.asnet.runtime.ValueSpec;
import dev.asnet.runtime.dataset.ImageDataset;
import dev.asnet.runtime.dataset.ImageSize;
import dev.asnet.runtime.dataset.LabeledImages;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Classifies images with a model, preparing them as the model's metadata ({@link ModelInfo}) says:
 * the input size and normalization from {@link ModelInfo#input()} (without it: the graph input's
 * fixed size, mean 0, std 1), the class names from {@link ModelInfo#classLabels()} (without them:
 * {@code class 0}, {@code class 1}, ... for {@link ModelInfo#numClasses()} or the output's width).
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
    private final InputSpec input;
    private final List<String> labels;
    private final ImageToTensor imageToTensor;

    private ImageClassifier(AsnetModel model, boolean ownsModel) throws InvalidModelException {
        this.model = Objects.requireNonNull(model, "model");
        this.ownsModel = ownsModel;
        String src = model.description().source();
        ModelInfo info = model.description().info();
        this.input = inputSpec(info, model.input(), src);
        this.labels = labels(info, model.output(), src);
        try {
            this.imageToTensor = new ImageToTensor(input);
        } catch (IllegalArgumentException e) {
            String from = info.input().isPresent()
                    ? "malformed asnet metadata " + ModelInfo.INPUT_SHAPE + " '" + input.channels() + "," + input.height()
                            + "," + input.width() + "'"
                    : "the input " + model.input().shapeText() + " is not an image batch";
            throw new InvalidModelException(src + ": " + from + ": " + e.getMessage(), e);
        }
        long[] in = model.input().dims();
        long[] expect = {input.channels(), input.height(), input.width()};
        for (int i = 0; i < 3 && in.length == 4; i++) {
            if (in[i + 1] >= 0 && in[i + 1] != expect[i]) {
                throw new InvalidModelException(src + ": the metadata's input size "
                        + expect[0] + "x" + expect[1] + "x" + expect[2] + " contradicts the graph input "
                        + model.input().shapeText());
            }
        }
    }

    /**
     * The input a model's images are prepared for, as {@link #classify} and {@link #evaluate} use
     * it: the metadata's {@link InputSpec}, or the graph input's fixed size without normalization.
     *
     * @param model the model's description
     * @return the input
     * @throws InvalidModelException if the metadata is broken or the input is not a fixed-size image batch
     */
    public static InputSpec inputSpecOf(ModelDescription model) throws InvalidModelException {
        ModelInfo info = model.info();
        ValueSpec in = model.inputs().isEmpty() ? null : model.inputs().get(0);
        for (ValueSpec v : model.inputs()) {
            if (info.inputName().isPresent() && v.name().equals(info.inputName().get())) {
                in = v;
            }
        }
        if (in == null) {
            throw new InvalidModelException(model.source() + ": the model has no graph input");
        }
        return inputSpec(info, in, model.source());
    }

    /** The metadata's input, or the graph input's fixed size without normalization. */
    private static InputSpec inputSpec(ModelInfo info, ValueSpec graphInput, String src) throws InvalidModelException {
        if (info.input().isPresent()) {
            return info.input().get();
        }
        long[] d = graphInput.dims();
        if (d.length != 4 || d[1] < 1 || d[2] < 1 || d[3] < 1 || d[1] > Integer.MAX_VALUE
                || d[2] > Integer.MAX_VALUE || d[3] > Integer.MAX_VALUE) {
            throw new InvalidModelException(src + ": the input " + graphInput.shapeText()
                    + " is not an image batch [N, C, H, W] of fixed size, and the model has no "
                    + ModelInfo.INPUT_SHAPE + " metadata");
        }
        return InputSpec.unnormalized((int) d[1], (int) d[2], (int) d[3]);
    }

    /** The metadata's labels, or numbered ones for the metadata's class count or the output width. */
    private static List<String> labels(ModelInfo info, ValueSpec output, String src) throws InvalidModelException {
        long outWidth = output.rank() == 2 ? output.dims()[1] : -1;
        List<String> labels;
        if (info.classLabels().isPresent()) {
            labels = info.classLabels().get();
        } else {
            long classes = info.numClasses().isPresent() ? info.numClasses().getAsInt() : outWidth;
            if (classes < 1 || classes > Integer.MAX_VALUE) {
                throw new InvalidModelException(src + ": cannot tell the number of classes (output "
                        + output.shapeText() + ", no " + ModelInfo.NUM_CLASSES + " metadata)");
            }
            labels = new ArrayList<>((int) classes);
            for (int i = 0; i < classes; i++) {
                labels.add("class " + i);
            }
        }
        if (outWidth > 0 && outWidth != labels.size()) {
            throw new InvalidModelException(src + ": the metadata names " + labels.size()
                    + " classes but the output " + output.shapeText() + " has " + outWidth);
        }
        return List.copyOf(labels);
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
     * The input images are turned into: size and normalization, from the model's metadata.
     *
     * @return the input specification
     */
    public InputSpec input() {
        return input;
    }

    /**
     * The class names, index = output position.
     *
     * @return the labels
     */
    public List<String> labels() {
        return labels;
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
        return classify(ImageFiles.readForInput(image, input.width(), input.height(),
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
     * Classifies raw 8-bit pixels, preparing them exactly as {@link #classify(BufferedImage, int)}
     * does (scale to cover the input, center crop, grayscale or RGB as the model needs, then the
     * metadata's normalization): for callers holding a camera frame or a decoded buffer rather than
     * a file. Unlike {@link AsnetModel#run(FloatTensor)}, which takes normalized floats, this takes
     * pixel values 0-255.
     *
     * @param pixels row-major pixels, either grayscale (one byte per pixel, {@code width * height}
     *     bytes) or interleaved RGB (three bytes per pixel, R then G then B, {@code 3 * width * height}
     *     bytes); each byte unsigned
     * @param width the image's width, >= 1
     * @param height the image's height, >= 1
     * @param topK how many classes to return (>= 1; capped at the class count)
     * @return the most probable classes, most probable first
     * @throws IllegalArgumentException if the size is not positive or the array is neither
     *     grayscale nor RGB of that size
     * @throws OrtException if ONNX Runtime fails
     */
    public List<Prediction> classifyPixels(byte[] pixels, int width, int height, int topK) throws OrtException {
        return classify(pixelImage(pixels, width, height), topK);
    }

    /** The pixels as an RGB image, the form every other entry point is prepared from. */
    static BufferedImage pixelImage(byte[] pixels, int width, int height) {
        Objects.requireNonNull(pixels, "pixels");
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("image size must be >= 1x1, got " + width + "x" + height);
        }
        long plane = (long) width * height;
        boolean gray = pixels.length == plane;
        if (!gray && pixels.length != 3 * plane) {
            throw new IllegalArgumentException("a " + width + "x" + height + " image has " + plane
                    + " bytes in grayscale or " + 3 * plane + " in RGB, got " + pixels.length);
        }
        int[] rgb = new int[(int) plane];
        for (int i = 0; i < rgb.length; i++) {
            int r;
            int g;
            int b;
            if (gray) {
                // Equal channels: the BT.601 luma that a grayscale model takes gives the value back.
                r = g = b = Byte.toUnsignedInt(pixels[i]);
            } else {
                r = Byte.toUnsignedInt(pixels[3 * i]);
                g = Byte.toUnsignedInt(pixels[3 * i + 1]);
                b = Byte.toUnsignedInt(pixels[3 * i + 2]);
            }
            rgb[i] = r << 16 | g << 8 | b;
        }
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, width, height, rgb, 0, width);
        return image;
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
        int per = input.imageSize();
        for (int start = 0; start < images.size(); start += batch) {
            int n = Math.min(batch, images.size() - start);
            int rows = model.input().hasDynamicBatch() ? n : batch;  // a fixed batch is padded with zeros
            float[] x = new float[rows * per];
            for (int i = 0; i < n; i++) {
                imageToTensor.toInput(images.get(start + i), x, i * per);
            }
            FloatTensor logits = model.run(FloatTensor.of(x, inputShape(rows)));
            for (int i = 0; i < n; i++) {
                out.add(Softmax.topK(Softmax.probabilities(logits.item(i)), topK, labels));
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
        if (data.rows() != input.height() || data.cols() != input.width()) {
            throw new InputMismatchException("wrong input size: the model takes " + input.channels() + "x"
                    + input.height() + "x" + input.width() + " images but the dataset's are " + data.rows() + "x"
                    + data.cols());
        }
        try {
            return evaluate(data.asDataset(input.channels(), "the dataset"), batchSize);
        } catch (IOException inMemory) {
            throw new java.io.UncheckedIOException(inMemory); // cannot happen: the pixels are in memory
        }
    }

    /**
     * Classifies every image of a dataset read at the model's input size (for example a {@link
     * dev.asnet.runtime.dataset.DatasetFolder} part opened with the model's input size). The
     * dataset's classes are matched to the model's by name when every dataset class is one of the
     * model's labels (a model trained on class folders names them), otherwise by index when the
     * counts agree.
     *
     * @param data labeled images of the model's input size
     * @param batchSize images per model call (>= 1)
     * @return accuracy and predictions, with the model's class indices
     * @throws InputMismatchException if the images' size differs from the model's input, or the
     *     classes cannot be matched
     * @throws IOException if an image cannot be read
     * @throws OrtException if ONNX Runtime fails
     */
    public Evaluation evaluate(ImageDataset data, int batchSize) throws IOException, OrtException {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        int h = input.height();
        int w = input.width();
        int c = input.channels();
        ImageSize size = data.imageSize();
        if (size.channels() != c || size.height() != h || size.width() != w) {
            throw new InputMismatchException("wrong input size: the model takes " + c + "x" + h + "x" + w
                    + " images but the dataset's are " + size);
        }
        int[] toModel = classMapping(data.classNames());
        List<String> names = data.classNames().size() == labels.size() && !labels.containsAll(data.classNames())
                ? data.classNames() : labels;
        long t0 = System.nanoTime();
        int batch = batchLimit(batchSize);
        int per = size.bytes();
        int plane = h * w;
        int[] predicted = new int[data.size()];
        int[] expected = new int[data.size()];
        byte[] pixels = new byte[per];
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
                data.read(start + i, pixels, 0);
                expected[start + i] = toModel[data.label(start + i)];
                for (int ch = 0; ch < c; ch++) {
                    int off = ch * plane;
                    for (int p = 0; p < plane; p++) {
                        x[i * per + off + p] = input.normalize(ch, Byte.toUnsignedInt(pixels[off + p]));
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
        return new Evaluation(names, predicted, expected, seconds);
    }

    /** Dataset label to model class: by name when the model knows every name, else by index. */
    private int[] classMapping(List<String> dataNames) {
        int[] map = new int[dataNames.size()];
        if (labels.containsAll(dataNames)) {
            for (int i = 0; i < map.length; i++) {
                map[i] = labels.indexOf(dataNames.get(i));
            }
            return map;
        }
        if (dataNames.size() != labels.size()) {
            throw new InputMismatchException("the model has " + labels.size() + " classes but the dataset has "
                    + dataNames.size() + (dataNames.size() <= 20 ? " (" + String.join(", ", dataNames) + ")" : "")
                    + ", and not every dataset class is one of the model's labels");
        }
        for (int i = 0; i < map.length; i++) {
            map[i] = i;
        }
        return map;
    }

    /** How many images one call may carry: the model's fixed batch size, if it has one. */
    private int batchLimit(int wanted) {
        return model.input().hasDynamicBatch() ? Math.max(1, wanted) : (int) model.input().dims()[0];
    }

    private long[] inputShape(int n) {
        return new long[] {n, input.channels(), input.height(), input.width()};
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
