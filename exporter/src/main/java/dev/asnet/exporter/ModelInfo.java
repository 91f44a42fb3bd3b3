package dev.asnet.exporter;

import dev.asnet.exporter.export.AslLowering;
import dev.asnet.exporter.ir.Model;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Everything asnet records about a model in the ONNX {@code metadata_props}, typed: the one
 * definition of every {@code asnet.*} key, of how its value is written ({@link #toMetadata()}) and
 * of how it is read and checked ({@link #fromMetadata(Map)}). The zoo and the exporter write it,
 * the trainer adds {@link #trained()}, the runtime prepares images and names classes from it, and
 * {@code asnet inspect} shows it.
 *
 * <p>Every part is optional: a model written by another program has none, and readers fall back
 * to what the graph says. Values are formatted as follows: numbers as Java prints them ({@link
 * Float#toString(float)}, integers), lists comma-separated, class labels (which may hold commas)
 * newline-separated, the test accuracy with four decimals.
 *
 * <p>Keys this class does not know, other {@code asnet.*} keys (a newer asnet's, such as a
 * machine-specific marker) as well as other programs' keys, are kept unchecked in {@link
 * #otherKeys()} and written back after the known ones, so reading and rewriting a model loses
 * nothing.
 *
 * <pre>{@code
 * ModelInfo info = ModelInfo.fromMetadata(model.metadata());   // MetadataException names a bad key
 * InputSpec input = info.input().orElseThrow();
 * model.setMetadata(info.toBuilder().trained(new TrainingInfo("fashion-mnist", 20, 0.94)).build().toMetadata());
 * }</pre>
 *
 * @param architecture {@value #ARCHITECTURE}: the zoo name, such as {@code as-resnet-w32}
 * @param inputName {@value #INPUT_NAME}: the graph input that takes images
 * @param outputName {@value #OUTPUT_NAME}: the graph output with class scores (logits)
 * @param input {@value #INPUT_SHAPE} ({@code C,H,W}, without the batch dimension), {@value
 *     #CHANNEL_MEAN} and {@value #CHANNEL_STD} ({@code C} floats each; the input is {@code
 *     (pixel / 255 - mean) / std})
 * @param numClasses {@value #NUM_CLASSES}: the width of the output
 * @param classLabels {@value #CLASS_LABELS}: one name per class in output order
 * @param params {@value #PARAMS}: trainable parameters of the network as built (conv/FC weights
 *     and biases, BN scale and shift, ASL shifts; not BN running statistics), before any folding
 * @param macs {@value #MACS}: multiply-accumulates of convolutions and fully connected layers for
 *     one image
 * @param aslLowering {@value #ASL_LOWERING}: how Active Shift layers are written ({@code custom},
 *     {@code portable} or {@code depthwise})
 * @param aslRadius {@value #ASL_RADIUS}: for the depthwise lowering, the largest kernel radius r
 *     used (kernels are 2r+1 square)
 * @param bnFolded {@value #BN_FOLDED}: whether BatchNormalization was folded into convolutions
 * @param asnetVersion {@value #ASNET_VERSION}: the asnet version that wrote the model
 * @param trained the {@code asnet.trained.*} keys: how the weights were trained
 * @param otherKeys keys not listed here, in file order
 */
public record ModelInfo(
        Optional<String> architecture,
        Optional<String> inputName,
        Optional<String> outputName,
        Optional<InputSpec> input,
        OptionalInt numClasses,
        Optional<List<String>> classLabels,
        OptionalLong params,
        OptionalLong macs,
        Optional<AslLowering> aslLowering,
        OptionalInt aslRadius,
        Optional<Boolean> bnFolded,
        Optional<String> asnetVersion,
        Optional<TrainingInfo> trained,
        Map<String, String> otherKeys) {
    /** Architecture name from the model zoo registry. */
    public static final String ARCHITECTURE = "asnet.architecture";
    /** Name of the graph input that takes images. */
    public static final String INPUT_NAME = "asnet.input_name";
    /** Name of the graph output with class scores (logits). */
    public static final String OUTPUT_NAME = "asnet.output_name";
    /** Input size without the batch dimension as {@code C,H,W}, for example {@code 3,224,224}. */
    public static final String INPUT_SHAPE = "asnet.input_shape";
    /**
     * Per-channel mean subtracted from pixels scaled to [0, 1], {@code C} comma-separated floats
     * (one value is read as applying to every channel). Requires {@link #INPUT_SHAPE}.
     */
    public static final String CHANNEL_MEAN = "asnet.channel_mean";
    /** Per-channel standard deviation, like {@link #CHANNEL_MEAN}; values are positive. */
    public static final String CHANNEL_STD = "asnet.channel_std";
    /** Number of classes (the width of the output). */
    public static final String NUM_CLASSES = "asnet.num_classes";
    /** Class names, newline-separated, as many as {@link #NUM_CLASSES}; absent when unknown. */
    public static final String CLASS_LABELS = "asnet.class_labels";
    /** Trainable parameter count. */
    public static final String PARAMS = "asnet.params";
    /** Multiply-accumulates per image. */
    public static final String MACS = "asnet.macs";
    /** ASL lowering: {@code custom}, {@code portable} or {@code depthwise}. */
    public static final String ASL_LOWERING = "asnet.asl_lowering";
    /** Largest depthwise kernel radius. */
    public static final String ASL_RADIUS = "asnet.asl_radius";
    /** {@code true} or {@code false}. */
    public static final String BN_FOLDED = "asnet.bn_folded";
    /** The asnet version that wrote the model. */
    public static final String ASNET_VERSION = "asnet.version";
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
    /**
     * Set by {@code asnet quantize} when the model had BatchNormalizations that could not fold into a
     * conv: {@code uint8} (each is one {@code dev.asnet::ChannelAffineU8} node) or {@code conv} (a
     * depthwise 1x1 convolution).
     */
    public static final String QUANTIZATION_BATCH_NORM = "asnet.quantization_batch_norm";
    /**
     * Set by {@code asnet quantize} when the model's stem (a conv reading the image) was kept float
     * ({@code float}, with the conv's name in parentheses); absent when every conv is int8.
     */
    public static final String QUANTIZATION_STEM = "asnet.quantization_stem";
    /**
     * Set by {@code asnet optimize} on a model rewritten for one machine's ONNX Runtime layout (what
     * it was made for: ONNX Runtime version, CPU, block size). Free text, kept as written.
     */
    public static final String MACHINE_SPECIFIC = "asnet.machine_specific";
    /** The dataset the weights were trained on, such as {@code fashion-mnist}. */
    public static final String TRAINED_DATASET = "asnet.trained.dataset";
    /** Epochs trained. */
    public static final String TRAINED_EPOCHS = "asnet.trained.epochs";
    /** Test accuracy after the last epoch, four decimals, such as {@code 0.9416}. */
    public static final String TRAINED_TEST_ACCURACY = "asnet.trained.test_accuracy";

    /**
     * The keys this class reads and writes, in the order {@link #toMetadata()} writes them: the
     * order asnet has always written them in (zoo keys, training, then what the inference export
     * adds), which keeps exported files byte for byte the same.
     */
    public static final List<String> KEYS = List.of(ARCHITECTURE, INPUT_NAME, OUTPUT_NAME, INPUT_SHAPE, CHANNEL_MEAN,
            CHANNEL_STD, NUM_CLASSES, CLASS_LABELS, PARAMS, MACS, ASL_LOWERING, ASNET_VERSION, TRAINED_DATASET,
            TRAINED_EPOCHS, TRAINED_TEST_ACCURACY, ASL_RADIUS, BN_FOLDED);

    private static final Set<String> KNOWN = Set.copyOf(KEYS);

    /** No metadata at all, as in a model written by another program. */
    public static final ModelInfo EMPTY = builder().build();

    /**
     * Checks that the parts agree and copies the collections.
     *
     * @throws IllegalArgumentException naming the key whose value is impossible
     */
    public ModelInfo {
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(inputName, "inputName");
        Objects.requireNonNull(outputName, "outputName");
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(numClasses, "numClasses");
        Objects.requireNonNull(params, "params");
        Objects.requireNonNull(macs, "macs");
        Objects.requireNonNull(aslLowering, "aslLowering");
        Objects.requireNonNull(aslRadius, "aslRadius");
        Objects.requireNonNull(bnFolded, "bnFolded");
        Objects.requireNonNull(asnetVersion, "asnetVersion");
        Objects.requireNonNull(trained, "trained");
        classLabels = classLabels.map(List::copyOf);
        for (String key : otherKeys.keySet()) {
            if (KNOWN.contains(key)) {
                throw new IllegalArgumentException(key + " is a known key, not one of the other keys");
            }
        }
        otherKeys = Collections.unmodifiableMap(new LinkedHashMap<>(otherKeys));
        if (numClasses.isPresent() && numClasses.getAsInt() < 1) {
            throw new MetadataException(NUM_CLASSES, Integer.toString(numClasses.getAsInt()), "must be >= 1");
        }
        if (classLabels.isPresent() && numClasses.isPresent() && classLabels.get().size() != numClasses.getAsInt()) {
            throw new MetadataException(CLASS_LABELS, null, classLabels.get().size() + " labels but "
                    + NUM_CLASSES + " is " + numClasses.getAsInt());
        }
        negative(PARAMS, params);
        negative(MACS, macs);
        if (aslRadius.isPresent() && aslRadius.getAsInt() < 0) {
            throw new MetadataException(ASL_RADIUS, Integer.toString(aslRadius.getAsInt()), "must be >= 0");
        }
    }

    private static void negative(String key, OptionalLong value) {
        if (value.isPresent() && value.getAsLong() < 0) {
            throw new MetadataException(key, Long.toString(value.getAsLong()), "must be >= 0");
        }
    }

    /**
     * A builder with nothing set.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder holding this information, to change parts of it.
     *
     * @return the builder
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.architecture = architecture.orElse(null);
        b.inputName = inputName.orElse(null);
        b.outputName = outputName.orElse(null);
        b.input = input.orElse(null);
        b.numClasses = numClasses.isPresent() ? numClasses.getAsInt() : null;
        b.classLabels = classLabels.orElse(null);
        b.params = params.isPresent() ? params.getAsLong() : null;
        b.macs = macs.isPresent() ? macs.getAsLong() : null;
        b.aslLowering = aslLowering.orElse(null);
        b.aslRadius = aslRadius.isPresent() ? aslRadius.getAsInt() : null;
        b.bnFolded = bnFolded.orElse(null);
        b.asnetVersion = asnetVersion.orElse(null);
        b.trained = trained.orElse(null);
        b.otherKeys.putAll(otherKeys);
        return b;
    }

    /**
     * Reads a model's metadata.
     *
     * @param model the model
     * @return the information
     * @throws MetadataException naming the key and value of the first broken entry
     */
    public static ModelInfo of(Model model) {
        return fromMetadata(model.metadata());
    }

    /**
     * Reads and checks metadata entries. Absent keys leave their part empty; a present key must
     * hold a well-formed value: the input shape three integers {@code >= 1}, mean and std finite
     * numbers, one per channel of the input shape (or one for all), std positive, the class count
     * {@code >= 1} and matched by the number of labels, counts and the radius {@code >= 0}, the
     * lowering one of the three names, {@code bn_folded} {@code true} or {@code false}, and the
     * three {@code asnet.trained.*} keys all present or all absent.
     *
     * @param metadata key to value, such as {@link Model#metadata()}
     * @return the information
     * @throws MetadataException naming the key and value of the first broken entry
     */
    public static ModelInfo fromMetadata(Map<String, String> metadata) {
        MetadataValues v = new MetadataValues(metadata);
        Builder b = builder();
        b.architecture = v.text(ARCHITECTURE);
        b.inputName = v.text(INPUT_NAME);
        b.outputName = v.text(OUTPUT_NAME);
        b.input = readInput(v);
        Long classes = v.integer(NUM_CLASSES, 1);
        b.numClasses = classes == null ? null : toInt(NUM_CLASSES, metadata.get(NUM_CLASSES), classes);
        b.classLabels = v.labels(CLASS_LABELS);
        if (b.classLabels != null && b.numClasses != null && b.classLabels.size() != b.numClasses) {
            throw new MetadataException(CLASS_LABELS, metadata.get(CLASS_LABELS), b.classLabels.size()
                    + " labels but " + NUM_CLASSES + " is " + b.numClasses);
        }
        b.params = v.integer(PARAMS, 0);
        b.macs = v.integer(MACS, 0);
        String lowering = v.get(ASL_LOWERING);
        if (lowering != null) {
            b.aslLowering = lowering(lowering);
        }
        Long radius = v.integer(ASL_RADIUS, 0);
        b.aslRadius = radius == null ? null : toInt(ASL_RADIUS, metadata.get(ASL_RADIUS), radius);
        b.bnFolded = v.bool(BN_FOLDED);
        b.asnetVersion = v.text(ASNET_VERSION);
        b.trained = readTraining(v);
        metadata.forEach((key, value) -> {
            if (!KNOWN.contains(key)) {
                b.otherKeys.put(key, value);
            }
        });
        return b.build();
    }

    /**
     * The metadata entries, known keys in the order of {@link #KEYS} and then {@link #otherKeys()}.
     *
     * @return key to value, in writing order (unmodifiable)
     * @throws MetadataException if a class label contains a line break
     */
    public Map<String, String> toMetadata() {
        Map<String, String> m = new LinkedHashMap<>();
        architecture.ifPresent(a -> m.put(ARCHITECTURE, a));
        inputName.ifPresent(n -> m.put(INPUT_NAME, n));
        outputName.ifPresent(n -> m.put(OUTPUT_NAME, n));
        input.ifPresent(in -> {
            m.put(INPUT_SHAPE, in.channels() + "," + in.height() + "," + in.width());
            m.put(CHANNEL_MEAN, MetadataValues.formatFloats(in.mean()));
            m.put(CHANNEL_STD, MetadataValues.formatFloats(in.std()));
        });
        numClasses.ifPresent(n -> m.put(NUM_CLASSES, Integer.toString(n)));
        classLabels.ifPresent(l -> m.put(CLASS_LABELS, MetadataValues.formatLabels(CLASS_LABELS, l)));
        params.ifPresent(p -> m.put(PARAMS, Long.toString(p)));
        macs.ifPresent(n -> m.put(MACS, Long.toString(n)));
        aslLowering.ifPresent(l -> m.put(ASL_LOWERING, l.id()));
        asnetVersion.ifPresent(v -> m.put(ASNET_VERSION, v));
        trained.ifPresent(t -> {
            m.put(TRAINED_DATASET, t.dataset());
            m.put(TRAINED_EPOCHS, Integer.toString(t.epochs()));
            m.put(TRAINED_TEST_ACCURACY, String.format(Locale.ROOT, "%.4f", t.testAccuracy()));
        });
        aslRadius.ifPresent(r -> m.put(ASL_RADIUS, Integer.toString(r)));
        bnFolded.ifPresent(f -> m.put(BN_FOLDED, Boolean.toString(f)));
        m.putAll(otherKeys);
        return Collections.unmodifiableMap(m);
    }

    private static InputSpec readInput(MetadataValues v) {
        long[] chw = v.integers(INPUT_SHAPE, 1);
        if (chw == null) {
            for (String key : List.of(CHANNEL_MEAN, CHANNEL_STD)) {
                if (v.has(key)) {
                    throw new MetadataException(key, v.get(key), "needs " + INPUT_SHAPE + " to give the channel count");
                }
            }
            return null;
        }
        if (chw.length != 3) {
            throw new MetadataException(INPUT_SHAPE, v.get(INPUT_SHAPE), "is not C,H,W");
        }
        int c = toInt(INPUT_SHAPE, v.get(INPUT_SHAPE), chw[0]);
        int h = toInt(INPUT_SHAPE, v.get(INPUT_SHAPE), chw[1]);
        int w = toInt(INPUT_SHAPE, v.get(INPUT_SHAPE), chw[2]);
        float[] mean = perChannel(v, CHANNEL_MEAN, c, 0f);
        float[] std = perChannel(v, CHANNEL_STD, c, 1f);
        for (float s : std) {
            if (!(s > 0)) {
                throw new MetadataException(CHANNEL_STD, v.get(CHANNEL_STD), "values must be positive");
            }
        }
        return new InputSpec(c, h, w, mean, std);
    }

    /** One value per channel; a single value (or none: the default) applies to every channel. */
    private static float[] perChannel(MetadataValues v, String key, int channels, float absent) {
        float[] read = v.floats(key);
        if (read != null && read.length != 1 && read.length != channels) {
            throw new MetadataException(key, v.get(key), read.length + " values but " + INPUT_SHAPE + " has "
                    + channels + " channels");
        }
        float[] out = new float[channels];
        for (int i = 0; i < channels; i++) {
            out[i] = read == null ? absent : read[read.length == 1 ? 0 : i];
        }
        return out;
    }

    private static TrainingInfo readTraining(MetadataValues v) {
        List<String> keys = List.of(TRAINED_DATASET, TRAINED_EPOCHS, TRAINED_TEST_ACCURACY);
        if (keys.stream().noneMatch(v::has)) {
            return null;
        }
        for (String key : keys) {
            if (!v.has(key)) {
                throw new MetadataException(key, null, "missing, though the other asnet.trained.* keys are present");
            }
        }
        String dataset = v.text(TRAINED_DATASET);
        int epochs = toInt(TRAINED_EPOCHS, v.get(TRAINED_EPOCHS), v.integer(TRAINED_EPOCHS, 0));
        return new TrainingInfo(dataset, epochs, v.fraction(TRAINED_TEST_ACCURACY));
    }

    private static AslLowering lowering(String text) {
        for (AslLowering l : AslLowering.values()) {
            if (l.id().equals(text)) {
                return l;
            }
        }
        throw new MetadataException(ASL_LOWERING, text, "must be custom, portable or depthwise");
    }

    private static int toInt(String key, String text, long value) {
        if (value > Integer.MAX_VALUE) {
            throw new MetadataException(key, text, "values must be at most " + Integer.MAX_VALUE);
        }
        return (int) value;
    }

    /** Builds a {@link ModelInfo}; unset parts stay empty. */
    public static final class Builder {
        private String architecture;
        private String inputName;
        private String outputName;
        private InputSpec input;
        private Integer numClasses;
        private List<String> classLabels;
        private Long params;
        private Long macs;
        private AslLowering aslLowering;
        private Integer aslRadius;
        private Boolean bnFolded;
        private String asnetVersion;
        private TrainingInfo trained;
        private final Map<String, String> otherKeys = new LinkedHashMap<>();

        private Builder() {}

        /**
         * Sets the architecture name.
         *
         * @param name the zoo name, or null for none
         * @return this builder
         */
        public Builder architecture(String name) {
            architecture = name;
            return this;
        }

        /**
         * Sets the names of the image input and the class-score output.
         *
         * @param input the input name, or null for none
         * @param output the output name, or null for none
         * @return this builder
         */
        public Builder inputOutputNames(String input, String output) {
            inputName = input;
            outputName = output;
            return this;
        }

        /**
         * Sets the input size and normalization.
         *
         * @param spec the input, or null for none
         * @return this builder
         */
        public Builder input(InputSpec spec) {
            input = spec;
            return this;
        }

        /**
         * Sets the class count and, when known, the labels.
         *
         * @param count the class count, {@code >= 1}
         * @param labels one name per class, or null when unknown
         * @return this builder
         */
        public Builder classes(int count, List<String> labels) {
            numClasses = count;
            classLabels = labels;
            return this;
        }

        /**
         * Sets the parameter and MAC counts.
         *
         * @param parameterCount trainable parameters, {@code >= 0}
         * @param macCount multiply-accumulates per image, {@code >= 0}
         * @return this builder
         */
        public Builder cost(long parameterCount, long macCount) {
            params = parameterCount;
            macs = macCount;
            return this;
        }

        /**
         * Sets how Active Shift layers are written and, for the depthwise lowering, the radius.
         *
         * @param lowering the lowering, or null for none
         * @param radius the largest depthwise radius used, or null when not depthwise (or no layer)
         * @return this builder
         */
        public Builder asl(AslLowering lowering, Integer radius) {
            aslLowering = lowering;
            aslRadius = radius;
            return this;
        }

        /**
         * Records whether BatchNormalization was folded.
         *
         * @param folded whether it was, or null for unknown
         * @return this builder
         */
        public Builder bnFolded(Boolean folded) {
            bnFolded = folded;
            return this;
        }

        /**
         * Sets the asnet version that writes the model.
         *
         * @param version the version, such as {@link AsnetVersion#VERSION}, or null for none
         * @return this builder
         */
        public Builder asnetVersion(String version) {
            asnetVersion = version;
            return this;
        }

        /**
         * Records how the weights were trained.
         *
         * @param training the training, or null for untrained weights
         * @return this builder
         */
        public Builder trained(TrainingInfo training) {
            trained = training;
            return this;
        }

        /**
         * Keeps a key this class does not define (written after the known ones).
         *
         * @param key the key, not one of {@link #KEYS}
         * @param value the value
         * @return this builder
         */
        public Builder otherKey(String key, String value) {
            otherKeys.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Checks and builds.
         *
         * @return the information
         * @throws IllegalArgumentException naming the key whose value is impossible
         */
        public ModelInfo build() {
            return new ModelInfo(Optional.ofNullable(architecture), Optional.ofNullable(inputName),
                    Optional.ofNullable(outputName), Optional.ofNullable(input),
                    numClasses == null ? OptionalInt.empty() : OptionalInt.of(numClasses),
                    Optional.ofNullable(classLabels),
                    params == null ? OptionalLong.empty() : OptionalLong.of(params),
                    macs == null ? OptionalLong.empty() : OptionalLong.of(macs), Optional.ofNullable(aslLowering),
                    aslRadius == null ? OptionalInt.empty() : OptionalInt.of(aslRadius),
                    Optional.ofNullable(bnFolded), Optional.ofNullable(asnetVersion), Optional.ofNullable(trained),
                    otherKeys);
        }
    }
}
