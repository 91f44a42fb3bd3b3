package dev.asnet.runtime;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.asnet.exporter.ModelInfo;
import dev.asnet.exporter.onnx.Onnx.ModelProto;
import dev.asnet.exporter.ops.AsnetDomain;
import dev.asnet.runtime.nchwc.NchwcRewrite;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * An ONNX model opened with ONNX Runtime, ready to run: the entry point of the asnet runtime.
 *
 * <p>{@link #open(Path, RuntimeOptions)} reads the model, registers the {@code dev.asnet} custom-op
 * library only when the model imports that domain (models in the portable or depthwise lowering,
 * and the baselines, need no native library of ours), and creates the session. The session options
 * stay open as long as the session because closing them unloads the op library.
 *
 * <p>All {@code run} methods are thread-safe: many threads may run one model at once. Inputs are
 * copied into reusable direct buffers that ONNX Runtime reads without another copy, and outputs of
 * known shape are written by ONNX Runtime straight into reusable direct buffers. {@link #close()}
 * waits for runs in progress and releases the native session.
 *
 * <pre>{@code
 * try (AsnetModel model = AsnetModel.open(Path.of("as-resnet20.onnx"),
 *         RuntimeOptions.builder().optIntraOpThreads(1).build())) {
 *     FloatTensor logits = model.run(FloatTensor.of(new float[28 * 28], 1, 1, 28, 28));
 * }
 * }</pre>
 */
public final class AsnetModel implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(AsnetModel.class.getName());

    private final OrtEnvironment env;
    private final SessionFactory.Setup sessionOptions;
    private final OrtSession session;
    private final ModelDescription description;
    private final RuntimeOptions options;
    private final ExecutionProvider provider;
    private final boolean asnetOps;
    private final NchwcRewrite.Summary nchwc;
    private final ValueSpec input;
    private final ValueSpec output;
    private final ScratchPool scratch = new ScratchPool();
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed;

    private AsnetModel(OrtEnvironment env, SessionFactory.Setup sessionOptions, OrtSession session,
            ModelDescription description, RuntimeOptions options, ExecutionProvider provider, boolean asnetOps,
            NchwcRewrite.Summary nchwc) throws InvalidModelException {
        this.env = env;
        this.sessionOptions = sessionOptions;
        this.session = session;
        this.description = description;
        this.options = options;
        this.provider = provider;
        this.asnetOps = asnetOps;
        this.nchwc = nchwc;
        ModelInfo info = description.infoOrEmpty();
        this.input = primary(description.inputs(), info.inputName(), "input");
        this.output = primary(description.outputs(), info.outputName(), "output");
    }

    /**
     * Opens a model file with the default options (CPU, all graph optimizations).
     *
     * @param file the {@code .onnx} file
     * @return the opened model
     * @throws IOException as {@link #open(Path, RuntimeOptions)}
     * @throws OrtException as {@link #open(Path, RuntimeOptions)}
     */
    public static AsnetModel open(Path file) throws IOException, OrtException {
        return open(file, RuntimeOptions.defaults());
    }

    /**
     * Opens a model file.
     *
     * <p>Tensors stored as external data ({@code data_location = EXTERNAL}) are read by ONNX
     * Runtime from files next to the model; each such file must lie inside the model file's folder:
     * a location that is absolute, leaves the folder with {@code ..} or through a symbolic link,
     * or names no regular file is refused before ONNX Runtime opens anything.
     *
     * @param file the {@code .onnx} file
     * @param options session settings
     * @return the opened model
     * @throws NoSuchFileException if the file does not exist
     * @throws InvalidModelException if the file is not an ONNX model, ONNX Runtime refuses it, or
     *     it names external data outside its folder (the message names the tensor and location)
     * @throws OpLibraryException if the model needs the asnet op library and it cannot be loaded
     * @throws ProviderUnavailableException if CUDA was asked for, is unavailable, and falling back
     *     to the CPU was not allowed
     * @throws IOException if reading the file fails
     * @throws OrtException if ONNX Runtime fails otherwise
     */
    public static AsnetModel open(Path file, RuntimeOptions options) throws IOException, OrtException {
        byte[] bytes = ModelFiles.readModelBytes(file);
        return create(bytes, file, file.toString(), options);
    }

    /**
     * Opens a model held in memory.
     *
     * <p>A model given as bytes has no folder, so it must hold all its tensors: one that stores a
     * tensor as external data is refused (ONNX Runtime would otherwise resolve the file against the
     * process's working directory, letting a model read any file the process can read). Open such
     * models from their file with {@link #open(Path, RuntimeOptions)}.
     *
     * @param model the serialized ONNX ModelProto
     * @param options session settings
     * @return the opened model
     * @throws InvalidModelException if the bytes are not an ONNX model, ONNX Runtime refuses it, or
     *     a tensor is stored as external data (the message names the tensor)
     * @throws OpLibraryException if the model needs the asnet op library and it cannot be loaded
     * @throws ProviderUnavailableException if CUDA was asked for, is unavailable, and falling back
     *     to the CPU was not allowed
     * @throws OrtException if ONNX Runtime fails otherwise
     */
    public static AsnetModel open(byte[] model, RuntimeOptions options) throws IOException, OrtException {
        return create(model, null, "<model bytes>", options);
    }

    private static AsnetModel create(byte[] bytes, Path file, String source, RuntimeOptions options)
            throws IOException, OrtException {
        Objects.requireNonNull(options, "options");
        ModelProto proto = ModelDescription.parseProto(bytes, source);
        // Before ONNX Runtime sees the model: it would read external data files wherever they point.
        if (file != null) {
            ExternalData.checkInsideFolder(proto, file);
        } else {
            ExternalData.refuseAll(proto, source);
        }
        ModelDescription description = ModelDescription.of(proto, source);
        boolean asnetOps = description.importsDomain(AsnetDomain.DOMAIN);
        SessionFactory.Setup setup = SessionFactory.setup(options, asnetOps, source);
        try {
            SessionFactory.PreparedSession prepared;
            try {
                prepared = SessionFactory.createPrepared(setup, bytes, proto, source, options,
                        () -> createSession(setup, bytes, file, description));
            } catch (OrtException e) {
                throw new InvalidModelException(source + ": ONNX Runtime cannot load the model: " + e.getMessage(), e);
            }
            OrtSession session = prepared.session();
            NchwcRewrite.Outcome nchwc = prepared.nchwc();
            try {
                return new AsnetModel(SessionFactory.environment(), setup, session, description, options,
                        setup.provider(), asnetOps, nchwc.summary());
            } catch (InvalidModelException | RuntimeException e) {
                session.close();
                throw e;
            }
        } catch (IOException | OrtException | RuntimeException | Error e) {
            setup.close();
            throw e;
        }
    }

    private static OrtSession createSession(SessionFactory.Setup setup, byte[] bytes, Path file,
            ModelDescription description) throws InvalidModelException {
        try {
            // From a file, ONNX Runtime resolves tensors stored as external data next to it.
            return file != null ? setup.createSession(file.toAbsolutePath().toString()) : setup.createSession(bytes);
        } catch (OrtException e) {
            Set<String> unknown = new java.util.TreeSet<>(description.customDomains());
            unknown.remove(AsnetDomain.DOMAIN);
            String hint = unknown.isEmpty() ? ""
                    : " (it uses ops from " + String.join(", ", unknown) + ", for which asnet has no op library)";
            throw new InvalidModelException(description.source() + ": ONNX Runtime cannot load the model"
                    + hint + ": " + e.getMessage(), e);
        }
    }

    private static ValueSpec primary(List<ValueSpec> values, Optional<String> named, String what)
            throws InvalidModelException {
        if (named.isPresent()) {
            for (ValueSpec v : values) {
                if (v.name().equals(named.get())) {
                    return v;
                }
            }
            throw new InvalidModelException("the model's metadata names " + what + " '" + named.get()
                    + "' but the graph has no such " + what);
        }
        if (values.isEmpty()) {
            throw new InvalidModelException("the model has no graph " + what);
        }
        return values.get(0);
    }

    /**
     * The ONNX Runtime session underneath, for advanced use that {@link #run} does not cover (other
     * output types, {@code OrtSession.run} with run options, profiling, the session's own
     * metadata). <b>Do not close it</b>: the model owns it and closes it in {@link #close()}, after
     * which the session must not be used. Runs on it bypass this model's input checks and reused
     * buffers, and are not waited for by {@link #close()}: finish them before closing the model.
     *
     * @return the session, owned by this model
     * @throws IllegalStateException if the model is closed
     */
    public OrtSession session() {
        lifecycle.readLock().lock();
        try {
            ensureOpen();
            return session;
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /**
     * What the model declares (inputs, outputs, ops, metadata).
     *
     * @return the description
     */
    public ModelDescription description() {
        return description;
    }

    /**
     * The options the model was opened with.
     *
     * @return the options
     */
    public RuntimeOptions options() {
        return options;
    }

    /**
     * The execution provider the session actually uses: CPU when CUDA was asked for but the model
     * fell back.
     *
     * @return the provider
     */
    public ExecutionProvider executionProvider() {
        return provider;
    }

    /**
     * Whether the asnet custom-op library was registered for this model (it imports
     * {@code dev.asnet}).
     *
     * @return true if registered
     */
    public boolean usesAsnetOps() {
        return asnetOps;
    }

    /**
     * Whether ONNX Runtime runs the model as it optimizes it or with its ActiveShift nodes rewritten
     * to the blocked layout ({@link NchwcRewrite}), and why.
     *
     * @return what the NCHWc rewrite did for this model
     */
    public NchwcRewrite.Summary nchwcRewrite() {
        return nchwc;
    }

    /**
     * The input {@link #run(FloatTensor)} feeds: the one named by the {@code asnet.input_name}
     * metadata, otherwise the first graph input.
     *
     * @return the input's spec
     */
    public ValueSpec input() {
        return input;
    }

    /**
     * The output {@link #run(FloatTensor)} returns: the one named by the {@code asnet.output_name}
     * metadata, otherwise the first graph output.
     *
     * @return the output's spec
     */
    public ValueSpec output() {
        return output;
    }

    /**
     * Runs the model on its primary input and returns its primary output.
     *
     * <p>The input is the network's tensor as it is, with no preprocessing: for the image models of
     * asnet a float batch in NCHW order ({@code [N, C, H, W]}, row-major), each value already
     * normalized as the metadata's mean and std define, {@code (pixel / 255 - mean[c]) / std[c]}
     * (see {@link dev.asnet.exporter.InputSpec#normalize(int, int)}). To classify raw pixels or
     * images, use {@link dev.asnet.runtime.vision.ImageClassifier}, which applies the model's own
     * preprocessing.
     *
     * @param x the input, whose shape must fit {@link #input()} (same rank, fixed dimensions equal)
     * @return the output
     * @throws IllegalArgumentException if the shape does not fit the model's input
     * @throws IllegalStateException if the model is closed
     * @throws OrtException if ONNX Runtime fails
     */
    public FloatTensor run(FloatTensor x) throws OrtException {
        Objects.requireNonNull(x, "x");
        long[] shape = x.shape();
        checkShape(input, shape);
        float[] data = x.data();
        return runPrimary(shape, buf -> buf.put(data));
    }

    /**
     * Runs a batch of samples in one call: stacks them along a new first axis, runs the model on its
     * primary input and splits the primary output per sample.
     *
     * <p>Like {@link #run(FloatTensor)}, no preprocessing is applied: each sample is one image's
     * normalized float values in CHW order ({@code (pixel / 255 - mean[c]) / std[c]} with the
     * metadata's mean and std). {@link dev.asnet.runtime.vision.ImageClassifier} takes raw pixels.
     *
     * @param samples the samples, each holding exactly one item of the input (for an input
     *     {@code [N, 1, 28, 28]}, 784 values); the model's first input dimension must be free
     * @return one output per sample, in order
     * @throws IllegalArgumentException if a sample has the wrong size or the model has a fixed batch
     * @throws IllegalStateException if the model is closed
     * @throws OrtException if ONNX Runtime fails
     */
    public List<float[]> runBatch(List<float[]> samples) throws OrtException {
        if (samples.isEmpty()) {
            return List.of();
        }
        long[] shape = batchShape(samples.size());
        int per = (int) (FloatTensor.elementCount(shape) / samples.size());
        for (int i = 0; i < samples.size(); i++) {
            if (samples.get(i).length != per) {
                throw new IllegalArgumentException("sample " + i + " has " + samples.get(i).length
                        + " values, the model's input " + input.shapeText() + " takes " + per + " per sample");
            }
        }
        FloatTensor out = runPrimary(shape, buf -> {
            for (float[] s : samples) {
                buf.put(s);
            }
        });
        List<float[]> items = new ArrayList<>(samples.size());
        for (int i = 0; i < samples.size(); i++) {
            items.add(out.item(i));
        }
        return items;
    }

    /**
     * Runs the model on named inputs and returns every float output, for models with several inputs
     * or outputs.
     *
     * @param inputs input name to value; every graph input must be given
     * @return output name to value, in graph order
     * @throws IllegalArgumentException if an input is missing, unknown or of the wrong shape, or an
     *     output is not float
     * @throws IllegalStateException if the model is closed
     * @throws OrtException if ONNX Runtime fails
     */
    public Map<String, FloatTensor> run(Map<String, FloatTensor> inputs) throws OrtException {
        Map<String, ValueSpec> specs = new HashMap<>();
        for (ValueSpec s : description.inputs()) {
            specs.put(s.name(), s);
        }
        for (String name : inputs.keySet()) {
            if (!specs.containsKey(name)) {
                throw new IllegalArgumentException("the model has no input '" + name + "' (inputs: "
                        + String.join(", ", specs.keySet()) + ")");
            }
        }
        for (ValueSpec s : description.inputs()) {
            FloatTensor t = inputs.get(s.name());
            if (t == null) {
                throw new IllegalArgumentException("input '" + s.name() + "' " + s.shapeText() + " is missing");
            }
            checkShape(s, t.shape());
        }
        lifecycle.readLock().lock();
        Map<String, OnnxTensor> tensors = new LinkedHashMap<>();
        try {
            ensureOpen();
            for (Map.Entry<String, FloatTensor> e : inputs.entrySet()) {
                tensors.put(e.getKey(), OnnxTensor.createTensor(env, FloatBuffer.wrap(e.getValue().data()),
                        e.getValue().shape()));
            }
            try (OrtSession.Result result = session.run(tensors)) {
                Map<String, FloatTensor> out = new LinkedHashMap<>();
                for (Map.Entry<String, OnnxValue> e : result) {
                    out.put(e.getKey(), toFloatTensor(e.getKey(), e.getValue()));
                }
                return Collections.unmodifiableMap(out);
            }
        } finally {
            for (OnnxTensor t : tensors.values()) {
                t.close();
            }
            lifecycle.readLock().unlock();
        }
    }

    /** The input shape for a batch of {@code n} samples; the input's other dimensions must be fixed. */
    private long[] batchShape(int n) {
        if (!input.hasDynamicBatch()) {
            throw new IllegalArgumentException("the model's input " + input.shapeText()
                    + " has a fixed batch size; run it with run(FloatTensor)");
        }
        long[] shape = input.dims();
        shape[0] = n;
        for (int i = 1; i < shape.length; i++) {
            if (shape[i] < 0) {
                throw new IllegalArgumentException("the model's input " + input.shapeText()
                        + " has free dimensions besides the batch; run it with run(FloatTensor)");
            }
        }
        return shape;
    }

    private static void checkShape(ValueSpec spec, long[] shape) {
        if (!spec.accepts(shape)) {
            throw new IllegalArgumentException("wrong input size: the model's input '" + spec.name() + "' is "
                    + spec.shapeText() + " but the data is " + Arrays.toString(shape));
        }
        if (!spec.elementType().equals("float")) {
            throw new IllegalArgumentException("the model's input '" + spec.name() + "' takes "
                    + spec.elementType() + ", not float");
        }
    }

    /** Writes an input into a direct buffer. */
    private interface Filler {
        void fill(FloatBuffer buffer);
    }

    private FloatTensor runPrimary(long[] shape, Filler filler) throws OrtException {
        lifecycle.readLock().lock();
        ScratchPool.Scratch s = null;
        try {
            ensureOpen();
            s = scratch.borrow();
            FloatBuffer in = s.input((int) FloatTensor.elementCount(shape));
            filler.fill(in);
            in.flip();
            long[] outShape = expectedOutputShape(shape);
            try (OnnxTensor x = OnnxTensor.createTensor(env, in, shape)) {
                if (outShape != null) {
                    FloatBuffer out = s.output((int) FloatTensor.elementCount(outShape));
                    try (OnnxTensor y = OnnxTensor.createTensor(env, out, outShape);
                            OrtSession.Result ignored = session.run(Map.of(input.name(), x), Map.of(output.name(), y))) {
                        float[] data = new float[out.capacity()];
                        out.get(0, data);
                        return FloatTensor.of(data, outShape);
                    }
                }
                try (OrtSession.Result result = session.run(Map.of(input.name(), x), Set.of(output.name()))) {
                    return toFloatTensor(output.name(), result.get(0));
                }
            }
        } finally {
            if (s != null) {
                scratch.giveBack(s);
            }
            lifecycle.readLock().unlock();
        }
    }

    /**
     * The output's shape for an input shape when it can be known before running: every output
     * dimension fixed except a leading batch dimension, which follows the input's. Otherwise null,
     * and ONNX Runtime allocates the output.
     */
    private long[] expectedOutputShape(long[] inputShape) {
        if (!output.elementType().equals("float")) {
            return null;
        }
        long[] dims = output.dims();
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] < 0) {
                if (i == 0 && input.hasDynamicBatch() && inputShape.length > 0) {
                    dims[0] = inputShape[0];
                } else {
                    return null;
                }
            }
        }
        return dims;
    }

    private static FloatTensor toFloatTensor(String name, OnnxValue value) throws OrtException {
        if (!(value instanceof OnnxTensor t) || t.getInfo().type != ai.onnxruntime.OnnxJavaType.FLOAT) {
            throw new IllegalArgumentException("the model's output '" + name + "' is not a float tensor");
        }
        TensorInfo info = t.getInfo();
        FloatBuffer fb = t.getFloatBuffer();
        float[] data = new float[fb.remaining()];
        fb.get(data);
        return FloatTensor.of(data, info.getShape());
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the model " + description.source() + " is closed");
        }
    }

    /**
     * Closes the session and then its options (unloading the op library), after runs in progress
     * have finished. Closing twice does nothing.
     *
     * @throws OrtException if ONNX Runtime fails to release the session
     */
    @Override
    public void close() throws OrtException {
        lifecycle.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            scratch.clear();
            try {
                session.close();
            } finally {
                sessionOptions.close();
            }
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    @Override
    public String toString() {
        return "AsnetModel{" + description.source() + ", input " + input + ", output " + output + ", "
                + provider.id() + (asnetOps ? ", asnet ops" : "")
                + (nchwc.status() == NchwcRewrite.Status.REWRITTEN ? ", nchwc rewritten" : "") + "}";
    }
}
