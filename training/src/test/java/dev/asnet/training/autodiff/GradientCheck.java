package dev.asnet.training.autodiff;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.asnet.exporter.io.OnnxWriter;
import dev.asnet.exporter.ir.DataType;
import dev.asnet.exporter.ir.Graph;
import dev.asnet.exporter.ir.Model;
import dev.asnet.exporter.ir.Shape;
import dev.asnet.exporter.ir.Value;
import dev.asnet.exporter.ops.GraphBuilder;
import dev.asnet.ops.AsnetOps;
import dev.asnet.ops.OrtEnvironments;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BiFunction;

/**
 * Checks gradient rules against central finite differences in ONNX Runtime. A forward graph
 * (inputs only, no initializers) is traced in training mode; the scalar checked is
 * {@code L = sum(Y * R)} for a fixed random R, so the seed gradient is R. The analytic gradient
 * of every differentiated input comes out of one run; for sampled coordinates, L(x +- h) is
 * evaluated by running the forward outputs again with the coordinate moved, accumulating L in
 * double. ONNX Runtime's float32 kernels limit the agreement, so the tolerance is
 * {@code atol + rtol * |analytic|}.
 */
final class GradientCheck {
    private final Map<String, long[]> inputs = new LinkedHashMap<>();
    private final Map<String, float[]> values = new LinkedHashMap<>();
    private final List<String> constant = new ArrayList<>();
    private double h = 1e-2;
    private double atol = 2e-3;
    private double rtol = 1e-2;
    private int samples = 12;
    private GradientRules rules = GradientRules.standard();
    private TrainingKernels kernels = TrainingKernels.STANDARD;

    GradientCheck rules(GradientRules r) {
        this.rules = r;
        return this;
    }

    /** Traces and differentiates with these kernels (standard ops by default). */
    GradientCheck kernels(TrainingKernels k) {
        this.kernels = k;
        this.rules = GradientRules.of(k);
        return this;
    }

    GradientCheck input(String name, float[] data, long... shape) {
        inputs.put(name, shape);
        values.put(name, data);
        return this;
    }

    /** An input that is fed but not differentiated (BN running statistics). */
    GradientCheck constantInput(String name, float[] data, long... shape) {
        constant.add(name);
        return input(name, data, shape);
    }

    GradientCheck step(double step) {
        this.h = step;
        return this;
    }

    GradientCheck tolerance(double absolute, double relative) {
        this.atol = absolute;
        this.rtol = relative;
        return this;
    }

    /** Largest |analytic - numeric| / (atol + rtol*|analytic|) seen; must stay <= 1. */
    double run(BiFunction<GraphBuilder, Map<String, Value>, Value> forward) throws Exception {
        Graph src = new Graph("fwd", TrainingOps.registry());
        GraphBuilder sb = new GraphBuilder(src);
        Map<String, Value> srcIn = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : inputs.entrySet()) {
            srcIn.put(e.getKey(), sb.input(e.getKey(), DataType.FLOAT, Shape.of(e.getValue())));
        }
        Value y = forward.apply(sb, srcIn);
        sb.output(y, "y");

        Graph g = new Graph("grad", TrainingOps.registry());
        GraphBuilder em = new GraphBuilder(g);
        Map<Value, Value> bound = new HashMap<>();
        LinkedHashSet<Value> wrt = new LinkedHashSet<>();
        Map<String, Value> gIn = new LinkedHashMap<>();
        for (Map.Entry<String, Value> e : srcIn.entrySet()) {
            Value v = g.addInput(e.getKey(), DataType.FLOAT, e.getValue().shape());
            bound.put(e.getValue(), v);
            gIn.put(e.getKey(), v);
            if (!constant.contains(e.getKey())) {
                wrt.add(v);
            }
        }
        long[] yShape = y.shape().toArray();
        this.rShape = yShape;
        Value r = g.addInput("r", DataType.FLOAT, Shape.of(yShape));
        ForwardTracer.Traced t = ForwardTracer.traceTraining(src, em, bound, kernels);
        Value ty = t.map().get(y);
        Map<Value, Value> grads = Backprop.run(em, t.tape(), Map.of(ty, r), wrt, rules);
        em.output(ty, "y");
        for (Map.Entry<String, Value> e : gIn.entrySet()) {
            if (grads.containsKey(e.getValue())) {
                Value d = grads.get(e.getValue());
                // A gradient may be the seed itself (Add passes it through): outputs need their own value.
                em.output(d.name() != null ? em.op("Identity", List.of(d)) : d, "d_" + e.getKey());
            }
        }
        Random rnd = new Random(7);
        float[] rData = new float[(int) Shape.of(yShape).numElements(1)];
        for (int i = 0; i < rData.length; i++) {
            rData[i] = (float) rnd.nextGaussian();
        }
        byte[] bytes = OnnxWriter.toBytes(new Model(g));
        OrtEnvironment env = OrtEnvironments.get();
        double worst = 0;
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setIntraOpNumThreads(1);
            AsnetOps.register(so);
            try (OrtSession s = env.createSession(bytes, so)) {
                Map<String, float[]> analytic = new HashMap<>();
                try (OrtSession.Result res = s.run(feed(env, values, rData))) {
                    for (String name : values.keySet()) {
                        res.get("d_" + name).ifPresent(v -> analytic.put(name, copy((OnnxTensor) v)));
                    }
                }
                assertTrue(!analytic.isEmpty(), "no gradient outputs");
                for (Map.Entry<String, float[]> a : analytic.entrySet()) {
                    float[] x = values.get(a.getKey());
                    for (int k = 0; k < Math.min(samples, x.length); k++) {
                        int i = x.length <= samples ? k : rnd.nextInt(x.length);
                        float orig = x[i];
                        x[i] = (float) (orig + h);
                        double lp = loss(s, env, rData);
                        x[i] = (float) (orig - h);
                        double lm = loss(s, env, rData);
                        x[i] = orig;
                        double numeric = (lp - lm) / (2 * h);
                        double an = a.getValue()[i];
                        double ratio = Math.abs(an - numeric) / (atol + rtol * Math.abs(an));
                        assertTrue(ratio <= 1, "d" + a.getKey() + "[" + i + "]: analytic " + an + " vs numeric " + numeric);
                        worst = Math.max(worst, ratio);
                    }
                }
            }
        }
        return worst;
    }

    private double loss(OrtSession s, OrtEnvironment env, float[] r) throws OrtException {
        try (OrtSession.Result res = s.run(feed(env, values, r), java.util.Set.of("y"))) {
            float[] y = copy((OnnxTensor) res.get("y").orElseThrow());
            double l = 0;
            for (int i = 0; i < y.length; i++) {
                l += (double) y[i] * r[i];
            }
            return l;
        }
    }

    private Map<String, OnnxTensor> feed(OrtEnvironment env, Map<String, float[]> vals, float[] r) throws OrtException {
        Map<String, OnnxTensor> m = new HashMap<>();
        for (Map.Entry<String, float[]> e : vals.entrySet()) {
            m.put(e.getKey(), OnnxTensor.createTensor(env, FloatBuffer.wrap(e.getValue()), inputs.get(e.getKey())));
        }
        m.put("r", OnnxTensor.createTensor(env, FloatBuffer.wrap(r), rShape));
        return m;
    }

    private long[] rShape;

    private static float[] copy(OnnxTensor t) {
        FloatBuffer b = t.getFloatBuffer();
        float[] out = new float[b.remaining()];
        b.get(out);
        return out;
    }

    /** Gaussian values, each at least {@code margin} away from 0 (kinks of Relu-like ops). */
    static float[] random(long seed, int n, double margin) {
        Random r = new Random(seed);
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            double v = r.nextGaussian();
            out[i] = (float) (Math.signum(v) * (Math.abs(v) + margin));
        }
        return out;
    }
}
