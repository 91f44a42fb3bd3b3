package dev.asnet.training.step;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.asnet.exporter.io.OnnxWriter;
import dev.asnet.ops.AsnetOps;
import dev.asnet.ops.OrtEnvironments;
import dev.asnet.training.autodiff.StateSlot;
import dev.asnet.training.autodiff.TrainingGraph;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a {@link TrainingGraph} step after step. The state lives in two sets of native tensors:
 * one step reads set A and writes its outputs straight into set B (ONNX Runtime's pinned
 * outputs), the next reads B and writes A. No tensor is allocated or copied per step; the Java
 * work per step is filling the image and label buffers and swapping two references.
 *
 * <pre>{@code
 * try (TrainingStep step = new TrainingStep(graph, 2)) {
 *     step.images().put(batchPixels); step.labels().put(batchLabels);
 *     StepResult r = step.run(0.1f);
 * }
 * }</pre>
 */
public final class TrainingStep implements AutoCloseable {
    private final TrainingGraph graph;
    private final OrtEnvironment env = OrtEnvironments.get();
    private final NativeResources resources = new NativeResources();
    private final OrtSession session;
    private final FloatBuffer images;
    private final LongBuffer labels;
    private final FloatBuffer lr;
    private final FloatBuffer loss;
    private final FloatBuffer correct;
    private final OnnxTensor imagesTensor;
    private final OnnxTensor labelsTensor;
    private final OnnxTensor lrTensor;
    private final OnnxTensor lossTensor;
    private final OnnxTensor correctTensor;
    private StateBuffers current;
    private StateBuffers next;
    private final Map<String, OnnxTensor> feed = new HashMap<>();
    private final Map<String, OnnxValue> pinned = new HashMap<>();
    private final long[] imageShape;

    /**
     * Creates the session on the CPU and the state, initialized from the graph's initial values.
     *
     * @param graph the training-step graph
     * @param threads ONNX Runtime intra-op threads
     * @throws OrtException if ONNX Runtime rejects the graph
     * @throws IOException if the custom-op library cannot be extracted
     */
    public TrainingStep(TrainingGraph graph, int threads) throws OrtException, IOException {
        this(graph, threads, Device.CPU);
    }

    /**
     * Creates the session on a device and the state, initialized from the graph's initial values.
     *
     * @param graph the training-step graph (built with {@link Device#kernels()} for that device)
     * @param threads ONNX Runtime intra-op threads
     * @param device where the session runs
     * @throws dev.asnet.runtime.ProviderUnavailableException if the device's provider cannot be used
     * @throws OrtException if ONNX Runtime rejects the graph
     * @throws IOException if the custom-op library cannot be extracted
     */
    public TrainingStep(TrainingGraph graph, int threads, Device device) throws OrtException, IOException {
        this.graph = graph;
        try {
            OrtSession.SessionOptions options = resources.add(new OrtSession.SessionOptions());
            device.configure(options);
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            String profile = System.getProperty("asnet.training.profile");
            if (profile != null) {
                options.enableProfiling(profile); // developer aid: ORT's per-node timings as JSON
            }
            AsnetOps.register(options);
            session = resources.add(env.createSession(OnnxWriter.toBytes(graph.model()), options));
            imageShape = graph.model().graph().inputs().get(0).shape().toArray();
            int imageCount = 1;
            for (long d : imageShape) {
                imageCount *= (int) d;
            }
            images = direct(imageCount * Float.BYTES).asFloatBuffer();
            labels = direct(graph.batch() * Long.BYTES).asLongBuffer();
            lr = direct(Float.BYTES).asFloatBuffer();
            loss = direct(Float.BYTES).asFloatBuffer();
            correct = direct(Float.BYTES).asFloatBuffer();
            imagesTensor = resources.add(OnnxTensor.createTensor(env, images, imageShape));
            labelsTensor = resources.add(OnnxTensor.createTensor(env, labels, new long[] {graph.batch()}));
            lrTensor = resources.add(OnnxTensor.createTensor(env, lr, new long[0]));
            lossTensor = resources.add(OnnxTensor.createTensor(env, loss, new long[0]));
            correctTensor = resources.add(OnnxTensor.createTensor(env, correct, new long[0]));
            current = resources.add(new StateBuffers(env, graph.state()));
            next = resources.add(new StateBuffers(env, graph.state()));
            for (StateSlot s : graph.state()) {
                current.buffer(s.input()).put(0, s.initial());
            }
        } catch (OrtException | IOException | RuntimeException | Error e) {
            resources.closeAfter(e); // a part-way failure leaks nothing native
            throw e;
        }
    }

    private static ByteBuffer direct(int bytes) {
        return ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
    }

    /**
     * The graph being run.
     *
     * @return the training graph
     */
    public TrainingGraph graph() {
        return graph;
    }

    /**
     * The image input buffer, [B, C, H, W] row-major; fill it (absolute puts) before {@link #run}.
     *
     * @return the native buffer ONNX Runtime reads
     */
    public FloatBuffer images() {
        return images;
    }

    /**
     * The label input buffer, [B]; fill it (absolute puts) before {@link #run}.
     *
     * @return the native buffer ONNX Runtime reads
     */
    public LongBuffer labels() {
        return labels;
    }

    /**
     * Shape of the image input.
     *
     * @return [B, C, H, W]
     */
    public long[] imageShape() {
        return imageShape.clone();
    }

    /**
     * Runs one step on the batch in {@link #images()} and {@link #labels()}.
     *
     * @param learningRate the learning rate of this step
     * @return the batch's loss and correct count, and timings
     * @throws OrtException if the run fails
     */
    public StepResult run(float learningRate) throws OrtException {
        long t0 = System.nanoTime();
        lr.put(0, learningRate);
        feed.clear();
        feed.putAll(current.tensors());
        feed.put(TrainingGraph.IMAGES, imagesTensor);
        feed.put(TrainingGraph.LABELS, labelsTensor);
        feed.put(TrainingGraph.LEARNING_RATE, lrTensor);
        pinned.clear();
        for (StateSlot s : graph.state()) {
            pinned.put(s.output(), next.tensor(s.input()));
        }
        pinned.put(TrainingGraph.LOSS, lossTensor);
        pinned.put(TrainingGraph.CORRECT, correctTensor);
        long t1 = System.nanoTime();
        // Every output is pinned, so the result owns nothing; closing it releases only the map.
        try (OrtSession.Result ignored = session.run(feed, pinned)) {
            long t2 = System.nanoTime();
            StateBuffers swap = current;
            current = next;
            next = swap;
            double l = loss.get(0);
            int c = Math.round(correct.get(0));
            long t3 = System.nanoTime();
            return new StepResult(l, c, t2 - t1, t3 - t0);
        }
    }

    /**
     * The current state tensor of one slot (valid until the next {@link #run}).
     *
     * @param inputName the slot's input name (a parameter or buffer name)
     * @return the tensor
     */
    public OnnxTensor tensor(String inputName) {
        OnnxTensor t = current.tensor(inputName);
        if (t == null) {
            throw new IllegalArgumentException("no state slot '" + inputName + "'");
        }
        return t;
    }

    /**
     * Copies the current state out.
     *
     * @return every slot's values by input name, in slot order
     */
    public Map<String, float[]> state() {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (StateSlot s : graph.state()) {
            float[] v = new float[s.size()];
            current.buffer(s.input()).get(0, v);
            out.put(s.input(), v);
        }
        return out;
    }

    /**
     * Replaces the current state (for resuming).
     *
     * @param values every slot's values by input name
     * @throws IllegalArgumentException naming the slot if one is missing or has the wrong size
     */
    public void load(Map<String, float[]> values) {
        List<StateSlot> slots = graph.state();
        for (StateSlot s : slots) {
            float[] v = values.get(s.input());
            if (v == null) {
                throw new IllegalArgumentException("state '" + s.input() + "' is missing");
            }
            if (v.length != s.size()) {
                throw new IllegalArgumentException("state '" + s.input() + "' has " + v.length + " values, expected "
                        + s.size());
            }
        }
        for (StateSlot s : slots) {
            current.buffer(s.input()).put(0, values.get(s.input()));
        }
    }

    @Override
    public void close() throws OrtException {
        resources.close();
    }
}
