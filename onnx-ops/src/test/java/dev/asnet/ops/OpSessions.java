package dev.asnet.ops;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/** Test helper: runs one-node models through ONNX Runtime with the asnet ops registered. */
final class OpSessions implements AutoCloseable {
    static final OrtEnvironment ENV = OrtEnvironments.get();

    private final OrtSession.SessionOptions options;
    private final Map<String, OrtSession> cache = new LinkedHashMap<>();

    OpSessions(int threads) throws Exception {
        options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(threads);
        AsnetOps.register(options);
    }

    OrtSession session(String key, byte[] model) throws OrtException {
        OrtSession s = cache.get(key);
        if (s == null) {
            s = ENV.createSession(model, options);
            cache.put(key, s);
        }
        return s;
    }

    OrtSession.SessionOptions options() {
        return options;
    }

    /** Runs a session on named float inputs and returns every output as a flat array. */
    static float[][] run(OrtSession session, Map<String, float[]> data, Map<String, long[]> shapes)
            throws OrtException {
        Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
        try {
            for (var e : data.entrySet()) {
                inputs.put(e.getKey(), OnnxTensor.createTensor(ENV, FloatBuffer.wrap(e.getValue()), shapes.get(e.getKey())));
            }
            try (OrtSession.Result r = session.run(inputs)) {
                float[][] out = new float[r.size()][];
                for (int i = 0; i < r.size(); i++) {
                    OnnxTensor t = (OnnxTensor) r.get(i);
                    FloatBuffer fb = t.getFloatBuffer();
                    out[i] = new float[fb.remaining()];
                    fb.get(out[i]);
                }
                return out;
            }
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    @Override
    public void close() throws OrtException {
        for (OrtSession s : cache.values()) {
            s.close();
        }
        options.close();
    }
}
