package dev.asnet.models;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.asnet.ops.AsnetOps;
import dev.asnet.ops.OrtEnvironments;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.SplittableRandom;

/** Test helper: runs exported models in ONNX Runtime, with or without the asnet op library. */
final class OrtSessions {
    static final OrtEnvironment ENV = OrtEnvironments.get();

    /** Output data and shape. */
    record Output(float[] data, long[] shape) {}

    private OrtSessions() {}

    /**
     * Runs a one-input model once.
     *
     * @param model ONNX bytes
     * @param withAsnetOps whether to register the custom-op library (leave it out to prove a model
     *     is standard ONNX)
     * @param input the input name
     * @param data the input data
     * @param shape the input shape
     */
    static Output run(byte[] model, boolean withAsnetOps, String input, float[] data, long... shape) throws Exception {
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setIntraOpNumThreads(1);
            if (withAsnetOps) {
                AsnetOps.register(o);
            }
            try (OrtSession s = ENV.createSession(model, o);
                    OnnxTensor x = OnnxTensor.createTensor(ENV, FloatBuffer.wrap(data), shape);
                    OrtSession.Result r = s.run(Map.of(input, x))) {
                OnnxTensor y = (OnnxTensor) r.get(0);
                FloatBuffer fb = y.getFloatBuffer();
                float[] out = new float[fb.remaining()];
                fb.get(out);
                return new Output(out, y.getInfo().getShape());
            }
        }
    }

    static float[] randn(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return x;
    }

    static double maxAbs(float[] a) {
        double m = 0;
        for (float v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    static double maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new AssertionError("lengths differ: " + a.length + " vs " + b.length);
        }
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs((double) a[i] - b[i]));
        }
        return m;
    }
}
