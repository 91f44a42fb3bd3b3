package dev.asnet.exporter.testing;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Runs ONNX models in ONNX Runtime on float inputs, for tests: the one copy of "create a session,
 * feed float tensors, read every output back" that all modules share.
 *
 * <p>{@link #PLAIN} is plain ONNX Runtime, which is all the exporter's tests may use (the asnet op
 * library lives in onnx-ops, which depends on the exporter). Modules that see onnx-ops build their
 * runners with {@code dev.asnet.ops.testing.OpSessions}, which registers the op library through the
 * {@link SessionSetup} hook and takes the environment from {@code OrtEnvironments}.
 *
 * <pre>{@code
 * float[] y = OrtRunner.PLAIN.run(bytes, "x", x, 1, 3, 8, 8).get(0).data();
 * }</pre>
 */
public final class OrtRunner {
    /** Plain ONNX Runtime (no custom ops), one intra-op thread. */
    public static final OrtRunner PLAIN = new OrtRunner(OrtEnvironment::getEnvironment, 1, options -> {});

    /** One output: its data and shape. */
    public record Output(float[] data, long[] shape) {}

    /** Extra setup of each session's options, such as registering a custom-op library. */
    @FunctionalInterface
    public interface SessionSetup {
        /**
         * Changes the options before a session is created with them.
         *
         * @param options the options
         * @throws Exception if the setup fails
         */
        void apply(OrtSession.SessionOptions options) throws Exception;
    }

    private final Supplier<OrtEnvironment> environment;
    private final int threads;
    private final SessionSetup setup;

    /**
     * A runner.
     *
     * @param environment gives the ONNX Runtime environment, asked on first use (so that merely
     *     loading a test class does not create it)
     * @param threads intra-op threads of each session, or 0 for ONNX Runtime's default
     * @param setup applied to every session's options after the thread count
     */
    public OrtRunner(Supplier<OrtEnvironment> environment, int threads, SessionSetup setup) {
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be >= 0, got " + threads);
        }
        this.environment = Objects.requireNonNull(environment, "environment");
        this.threads = threads;
        this.setup = Objects.requireNonNull(setup, "setup");
    }

    /**
     * The environment sessions and tensors are created in.
     *
     * @return the environment
     */
    public OrtEnvironment environment() {
        return environment.get();
    }

    /**
     * New session options with this runner's thread count and setup; the caller closes them.
     *
     * @return the options
     * @throws Exception if the setup fails
     */
    public OrtSession.SessionOptions options() throws Exception {
        OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        try {
            if (threads > 0) {
                o.setIntraOpNumThreads(threads);
            }
            setup.apply(o);
            return o;
        } catch (Exception | Error e) {
            o.close();
            throw e;
        }
    }

    /**
     * Runs a model once in a session of its own.
     *
     * @param model ONNX bytes
     * @param inputs input name to data
     * @param shapes input name to shape
     * @return every output, in graph order
     * @throws Exception if ONNX Runtime refuses the model or the inputs
     */
    public List<Output> run(byte[] model, Map<String, float[]> inputs, Map<String, long[]> shapes) throws Exception {
        try (OrtSession.SessionOptions o = options(); OrtSession s = environment().createSession(model, o)) {
            return run(s, inputs, shapes);
        }
    }

    /**
     * Runs a one-input model once in a session of its own.
     *
     * @param model ONNX bytes
     * @param input the input name
     * @param data the input data
     * @param shape the input shape
     * @return every output, in graph order
     * @throws Exception if ONNX Runtime refuses the model or the input
     */
    public List<Output> run(byte[] model, String input, float[] data, long... shape) throws Exception {
        return run(model, Map.of(input, data), Map.of(input, shape));
    }

    /**
     * Runs an open session (a test that runs one model many times keeps it open).
     *
     * @param session the session, created in this runner's environment
     * @param inputs input name to data
     * @param shapes input name to shape
     * @return every output, in graph order
     * @throws OrtException if ONNX Runtime refuses the inputs
     */
    public List<Output> run(OrtSession session, Map<String, float[]> inputs, Map<String, long[]> shapes)
            throws OrtException {
        OrtEnvironment env = environment();
        Map<String, OnnxTensor> feed = new LinkedHashMap<>();
        try {
            for (var e : inputs.entrySet()) {
                feed.put(e.getKey(), OnnxTensor.createTensor(env, FloatBuffer.wrap(e.getValue()), shapes.get(e.getKey())));
            }
            try (OrtSession.Result r = session.run(feed)) {
                List<Output> out = new ArrayList<>();
                for (int i = 0; i < r.size(); i++) {
                    OnnxTensor t = (OnnxTensor) r.get(i);
                    FloatBuffer fb = t.getFloatBuffer();
                    float[] d = new float[fb.remaining()];
                    fb.get(d);
                    out.add(new Output(d, t.getInfo().getShape()));
                }
                return out;
            }
        } finally {
            feed.values().forEach(OnnxTensor::close);
        }
    }
}
