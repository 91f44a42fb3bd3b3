package dev.asnet.exporter;

import java.util.ArrayList;
import java.util.List;

/**
 * Keys of the ONNX {@code metadata_props} asnet writes, and how their values are formatted. A
 * runtime or CLI reads these to prepare inputs and name predictions without knowing the model.
 *
 * <p>Lists are comma-separated (numbers printed with {@link Float#toString(float)} or as integers);
 * class labels, which may contain commas, are newline-separated.
 */
public final class ModelMetadata {
    /** Architecture name from the model zoo registry, such as {@code as-resnet-w32}. */
    public static final String ARCHITECTURE = "asnet.architecture";
    /** Name of the graph input that takes images. */
    public static final String INPUT_NAME = "asnet.input_name";
    /** Name of the graph output with class scores (logits). */
    public static final String OUTPUT_NAME = "asnet.output_name";
    /** Input size without the batch dimension as {@code C,H,W}, for example {@code 3,224,224}. */
    public static final String INPUT_SHAPE = "asnet.input_shape";
    /**
     * Per-channel mean subtracted from pixels scaled to [0, 1], {@code C} comma-separated floats.
     * The input is {@code (pixel / 255 - mean) / std}.
     */
    public static final String CHANNEL_MEAN = "asnet.channel_mean";
    /** Per-channel standard deviation the centered input is divided by, {@code C} floats. */
    public static final String CHANNEL_STD = "asnet.channel_std";
    /** Number of classes (the width of the output). */
    public static final String NUM_CLASSES = "asnet.num_classes";
    /** Class names, newline-separated, one per class in output order; absent when unknown. */
    public static final String CLASS_LABELS = "asnet.class_labels";
    /**
     * Trainable parameters of the architecture as built (conv/FC weights and biases, BN scale and
     * shift, ASL shifts; not BN running statistics), before any inference folding.
     */
    public static final String PARAMS = "asnet.params";
    /** Multiply-accumulates of convolutions and fully connected layers for one image. */
    public static final String MACS = "asnet.macs";
    /** How Active Shift layers are written: {@code custom}, {@code portable} or {@code depthwise}. */
    public static final String ASL_LOWERING = "asnet.asl_lowering";
    /** For the depthwise lowering: the largest kernel radius r used (kernels are 2r+1 square). */
    public static final String ASL_RADIUS = "asnet.asl_radius";
    /** Whether BatchNormalization was folded into convolutions: {@code true} or {@code false}. */
    public static final String BN_FOLDED = "asnet.bn_folded";
    /**
     * Present on quantized models only (absent means float): the calibration method, {@code
     * minmax} or {@code percentile 99.99}. The model is static QDQ: uint8 activations (asymmetric),
     * int8 weights (symmetric, per output channel), int32 biases.
     */
    public static final String QUANTIZED = "asnet.quantized";
    /** Of a quantized model: what the activations were calibrated on, such as {@code fashion-mnist train}. */
    public static final String QUANTIZATION_CALIBRATION = "asnet.quantization_calibration";
    /** Of a quantized model: how many calibration images were run. */
    public static final String QUANTIZATION_IMAGES = "asnet.quantization_images";
    /** Of a quantized model: the seed that chose (or, for synthetic data, made) the calibration images. */
    public static final String QUANTIZATION_SEED = "asnet.quantization_seed";
    /**
     * Of a quantized model: how Active Shift layers run, {@code float} (DequantizeLinear,
     * ActiveShift, QuantizeLinear with the input's scale and zero point) or {@code uint8} (one
     * {@code dev.asnet::ActiveShiftU8} node).
     */
    public static final String QUANTIZATION_ASL = "asnet.quantization_asl";
    /** The asnet version that wrote the model. */
    public static final String ASNET_VERSION = "asnet.version";

    private ModelMetadata() {}

    /**
     * Formats floats as a comma-separated list.
     *
     * @param values the values
     * @return the list, such as {@code 0.485,0.456,0.406}
     */
    public static String formatFloats(float... values) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            sb.append(i == 0 ? "" : ",").append(values[i]);
        }
        return sb.toString();
    }

    /**
     * Parses a comma-separated float list.
     *
     * @param text the list
     * @return the values
     */
    public static float[] parseFloats(String text) {
        String[] parts = text.split(",");
        float[] out = new float[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = Float.parseFloat(parts[i].trim());
        }
        return out;
    }

    /**
     * Formats longs as a comma-separated list.
     *
     * @param values the values
     * @return the list, such as {@code 3,224,224}
     */
    public static String formatLongs(long... values) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            sb.append(i == 0 ? "" : ",").append(values[i]);
        }
        return sb.toString();
    }

    /**
     * Parses a comma-separated integer list.
     *
     * @param text the list
     * @return the values
     */
    public static long[] parseLongs(String text) {
        String[] parts = text.split(",");
        long[] out = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = Long.parseLong(parts[i].trim());
        }
        return out;
    }

    /**
     * Formats class labels, one per line.
     *
     * @param labels the labels (must not contain line breaks)
     * @return the joined labels
     */
    public static String formatLabels(List<String> labels) {
        for (String l : labels) {
            if (l.contains("\n")) {
                throw new IllegalArgumentException("class label contains a line break: '" + l + "'");
            }
        }
        return String.join("\n", labels);
    }

    /**
     * Parses class labels written by {@link #formatLabels}.
     *
     * @param text the joined labels
     * @return the labels
     */
    public static List<String> parseLabels(String text) {
        return new ArrayList<>(List.of(text.split("\n", -1)));
    }
}
