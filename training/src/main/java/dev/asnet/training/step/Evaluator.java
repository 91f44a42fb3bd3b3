package dev.asnet.training.step;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.asnet.exporter.ir.Model;
import dev.asnet.exporter.ir.Value;
import dev.asnet.exporter.io.OnnxWriter;
import dev.asnet.ops.AsnetOps;
import dev.asnet.ops.OrtEnvironments;
import dev.asnet.training.autodiff.TrainingGraph;
import dev.asnet.training.autodiff.TrainingGraphBuilder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * Runs the inference form of a model (running statistics, no updates) with a static batch on the
 * state of a {@link TrainingStep}, whose current parameter and buffer tensors are fed directly.
 */
public final class Evaluator implements AutoCloseable {
    private final OrtEnvironment env = OrtEnvironments.get();
    private final NativeResources resources = new NativeResources();
    private final OrtSession session;
    private final int batch;
    private final int classes;
    private final FloatBuffer images;
    private final FloatBuffer logits;
    private final OnnxTensor imagesTensor;
    private final OnnxTensor logitsTensor;
    private final long[] imageShape;

    /**
     * Creates the evaluation session on the CPU.
     *
     * @param forward the model (its forward graph)
     * @param batch the static batch size
     * @param threads ONNX Runtime intra-op threads
     * @throws OrtException if ONNX Runtime rejects the graph
     * @throws IOException if the custom-op library cannot be extracted
     */
    public Evaluator(Model forward, int batch, int threads) throws OrtException, IOException {
        this(forward, batch, threads, Device.CPU);
    }

    /**
     * Creates the evaluation session on a device.
     *
     * @param forward the model (its forward graph)
     * @param batch the static batch size
     * @param threads ONNX Runtime intra-op threads
     * @param device where the session runs
     * @throws dev.asnet.runtime.ProviderUnavailableException if the device's provider cannot be used
     * @throws OrtException if ONNX Runtime rejects the graph
     * @throws IOException if the custom-op library cannot be extracted
     */
    public Evaluator(Model forward, int batch, int threads, Device device) throws OrtException, IOException {
        Model eval = TrainingGraphBuilder.evaluation(forward, batch);
        this.batch = batch;
        try {
            OrtSession.SessionOptions options = resources.add(new OrtSession.SessionOptions());
            device.configure(options);
            options.setIntraOpNumThreads(threads);
            AsnetOps.register(options);
            session = resources.add(env.createSession(OnnxWriter.toBytes(eval), options));
            Value in = eval.graph().inputs().get(0);
            imageShape = in.shape().toArray();
            classes = (int) eval.graph().outputs().get(0).shape().dim(1).value();
            images = ByteBuffer.allocateDirect((int) in.shape().numElements(1) * Float.BYTES)
                    .order(ByteOrder.nativeOrder()).asFloatBuffer();
            logits = ByteBuffer.allocateDirect(batch * classes * Float.BYTES).order(ByteOrder.nativeOrder())
                    .asFloatBuffer();
            imagesTensor = resources.add(OnnxTensor.createTensor(env, images, imageShape));
            logitsTensor = resources.add(OnnxTensor.createTensor(env, logits, new long[] {batch, classes}));
        } catch (OrtException | IOException | RuntimeException | Error e) {
            resources.closeAfter(e); // a part-way failure leaks nothing native
            throw e;
        }
    }

    /**
     * The static batch size.
     *
     * @return images per run
     */
    public int batch() {
        return batch;
    }

    /**
     * The image buffer, [B, C, H, W]; fill it (absolute puts) before {@link #run}.
     *
     * @return the native buffer
     */
    public FloatBuffer images() {
        return images;
    }

    /**
     * Runs the forward on the images buffer with the step's current state.
     *
     * @param step the training step whose parameters and running statistics are used
     * @return the logits [B * classes], valid until the next run
     * @throws OrtException if the run fails
     */
    public FloatBuffer run(TrainingStep step) throws OrtException {
        Map<String, OnnxTensor> feed = new HashMap<>();
        for (String name : session.getInputNames()) {
            feed.put(name, name.equals(TrainingGraph.IMAGES) ? imagesTensor : step.tensor(name));
        }
        Map<String, OnnxValue> pinned = Map.of(TrainingGraphBuilder.LOGITS, logitsTensor);
        try (OrtSession.Result ignored = session.run(feed, pinned)) {
            return logits;
        }
    }

    /**
     * Number of classes.
     *
     * @return the logits width
     */
    public int classes() {
        return classes;
    }

    @Override
    public void close() throws OrtException {
        resources.close();
    }
}
