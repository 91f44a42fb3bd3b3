package dev.asnet.exporter;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Test helper: runs ONNX bytes in plain ONNX Runtime (no custom ops) on float inputs. */
public final class OrtRunner {
    /** One output: its data and shape. */
    public record Output(float[] data, long[] shape) {}

    private OrtRunner() {}

    /**
     * Runs a model once.
     *
     * @param model ONNX bytes
     * @param inputs name to data
     * @param shapes name to shape
     * @return outputs in graph order
     */
    public static List<Output> run(byte[] model, Map<String, float[]> inputs, Map<String, long[]> shapes) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setIntraOpNumThreads(1);
            try (OrtSession s = env.createSession(model, o)) {
                Map<String, OnnxTensor> feed = new LinkedHashMap<>();
                try {
                    for (var e : inputs.entrySet()) {
                        feed.put(e.getKey(), OnnxTensor.createTensor(env, FloatBuffer.wrap(e.getValue()), shapes.get(e.getKey())));
                    }
                    try (OrtSession.Result r = s.run(feed)) {
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
    }

    /** Runs a one-input model. */
    public static List<Output> run(byte[] model, String input, float[] data, long... shape) throws Exception {
        return run(model, Map.of(input, data), Map.of(input, shape));
    }

    /** Largest absolute difference. */
    public static double maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new AssertionError("lengths differ: " + a.length + " vs " + b.length);
        }
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs((double) a[i] - b[i]));
        }
        return m;
    }

    /** Fixed-seed normal random values. */
    public static float[] randn(long seed, int n) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return x;
    }
}
