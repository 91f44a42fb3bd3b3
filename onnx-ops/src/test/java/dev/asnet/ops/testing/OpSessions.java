package dev.asnet.ops.testing;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.asnet.exporter.testing.OrtRunner;
import dev.asnet.ops.AsnetOps;
import dev.asnet.ops.OrtEnvironments;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ONNX Runtime for tests of the modules that see the asnet op library: {@link OrtRunner}s that
 * register it (and a plain one), all on the environment {@link OrtEnvironments} creates, plus a
 * pool of open sessions for op tests that run one model many times.
 *
 * <pre>{@code
 * float[] y = OpSessions.WITH_OPS.run(bytes, "input", x, 1, 3, 32, 32).get(0).data();
 *
 * try (OpSessions sessions = new OpSessions(2)) {
 *     float[][] out = OpSessions.run(sessions.session("fwd", model), inputs, shapes);
 * }
 * }</pre>
 */
public final class OpSessions implements AutoCloseable {
    /** The process's ONNX Runtime environment, created the asnet way. */
    public static final OrtEnvironment ENV = OrtEnvironments.get();
    /** One-shot runs with the asnet ops registered, one intra-op thread. */
    public static final OrtRunner WITH_OPS = runner(1);
    /** One-shot runs without the op library, to prove that a model is standard ONNX. */
    public static final OrtRunner PLAIN = new OrtRunner(OrtEnvironments::get, 1, options -> {});

    private final OrtSession.SessionOptions options;
    private final Map<String, OrtSession> cache = new LinkedHashMap<>();

    /**
     * A runner with the asnet ops registered.
     *
     * @param threads intra-op threads of each session, or 0 for ONNX Runtime's default (what
     *     application code that sets nothing gets)
     * @return the runner
     */
    public static OrtRunner runner(int threads) {
        return new OrtRunner(OrtEnvironments::get, threads, AsnetOps::register);
    }

    /**
     * An empty pool whose sessions get the asnet ops and the given thread count.
     *
     * @param threads intra-op threads of each session
     * @throws Exception if the op library cannot be registered
     */
    public OpSessions(int threads) throws Exception {
        options = runner(threads).options();
    }

    /**
     * The session opened for a key, opened now from the model on first use.
     *
     * @param key names the model (the caller keeps keys and models one to one)
     * @param model ONNX bytes
     * @return the open session, closed by {@link #close()}
     * @throws OrtException if ONNX Runtime refuses the model
     */
    public OrtSession session(String key, byte[] model) throws OrtException {
        OrtSession s = cache.get(key);
        if (s == null) {
            s = ENV.createSession(model, options);
            cache.put(key, s);
        }
        return s;
    }

    /**
     * The options the pool's sessions are created with, for tests that expect a model to be refused.
     *
     * @return the options, closed by {@link #close()}
     */
    public OrtSession.SessionOptions options() {
        return options;
    }

    /**
     * Runs a session on named float inputs.
     *
     * @param session an open session
     * @param data input name to data
     * @param shapes input name to shape
     * @return every output as a flat array, in graph order
     * @throws OrtException if ONNX Runtime refuses the inputs
     */
    public static float[][] run(OrtSession session, Map<String, float[]> data, Map<String, long[]> shapes)
            throws OrtException {
        List<OrtRunner.Output> out = WITH_OPS.run(session, data, shapes);
        float[][] values = new float[out.size()][];
        for (int i = 0; i < values.length; i++) {
            values[i] = out.get(i).data();
        }
        return values;
    }

    @Override
    public void close() throws OrtException {
        for (OrtSession s : cache.values()) {
            s.close();
        }
        options.close();
    }
}
