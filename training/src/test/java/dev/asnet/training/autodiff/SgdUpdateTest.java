package dev.asnet.training.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
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
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Three optimizer steps per parameter kind in ONNX Runtime against a plain double implementation
 * of the recipe (docs/asl.md): Nesterov momentum, weight decay on weights only, and shift
 * gradients normalized per channel (a zero gradient stays zero), with the standard ops and with
 * the fused dev.asnet::SgdMomentumUpdate; and the fused step gives the standard ops' bits.
 */
class SgdUpdateTest {
    private static final SgdOptions O = SgdOptions.reference();

    @Test
    void threeStepsMatchTheReferenceForEveryKind() throws Exception {
        for (TrainingKernels kernels : TrainingKernels.values()) {
            threeSteps(kernels);
        }
    }

    @Test
    void fusedStepGivesTheStandardOpsBits() throws Exception {
        // One dev.asnet::SgdMomentumUpdate node against the standard chain, on a conv-shaped weight.
        for (ParameterKind kind : ParameterKind.values()) {
            long[] shape = {8, 6, 1, 1};
            Random rnd = new Random(kind.ordinal() + 40);
            float[] param = new float[48];
            float[] grad = new float[48];
            float[] vel = new float[48];
            for (int i = 0; i < 48; i++) {
                param[i] = (float) rnd.nextGaussian();
                grad[i] = (float) rnd.nextGaussian() * 1e-2f;
                vel[i] = (float) rnd.nextGaussian() * 1e-2f;
            }
            float[][] fused = stepOnce(kind, TrainingKernels.FUSED, shape, param, grad, vel, 0.05f);
            float[][] standard = stepOnce(kind, TrainingKernels.STANDARD, shape, param, grad, vel, 0.05f);
            assertArrayEquals(standard[0], fused[0], kind + " parameter");
            assertArrayEquals(standard[1], fused[1], kind + " momentum");
        }
    }

    private static float[][] stepOnce(ParameterKind kind, TrainingKernels kernels, long[] shape, float[] param, float[] grad,
            float[] vel, float rate) throws Exception {
        Graph g = new Graph("sgd", TrainingOps.registry());
        GraphBuilder e = new GraphBuilder(g);
        Value p = e.input("p", DataType.FLOAT, Shape.of(shape));
        Value gr = e.input("g", DataType.FLOAT, Shape.of(shape));
        Value v = e.input("v", DataType.FLOAT, Shape.of(shape));
        Value lr = e.input("lr", DataType.FLOAT, Shape.of(new long[0]));
        SgdUpdate.Result r = SgdUpdate.emit(e, p, gr, v, lr, kind, O, kernels);
        e.output(r.parameter(), "p_out");
        e.output(r.momentum(), "v_out");
        OrtEnvironment env = OrtEnvironments.get();
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions();
                OrtSession s = createSession(env, OnnxWriter.toBytes(new Model(g)), so);
                OnnxTensor tp = t(env, param, shape); OnnxTensor tg = t(env, grad, shape); OnnxTensor tv = t(env, vel, shape);
                OnnxTensor tl = OnnxTensor.createTensor(env, FloatBuffer.wrap(new float[] {rate}), new long[0]);
                OrtSession.Result res = s.run(Map.of("p", tp, "g", tg, "v", tv, "lr", tl))) {
            float[] pOut = new float[param.length];
            float[] vOut = new float[param.length];
            ((OnnxTensor) res.get("p_out").get()).getFloatBuffer().get(pOut);
            ((OnnxTensor) res.get("v_out").get()).getFloatBuffer().get(vOut);
            return new float[][] {pOut, vOut};
        }
    }

    private static void threeSteps(TrainingKernels kernels) throws Exception {
        for (ParameterKind kind : ParameterKind.values()) {
            Graph g = new Graph("sgd", TrainingOps.registry());
            GraphBuilder e = new GraphBuilder(g);
            Value p = e.input("p", DataType.FLOAT, Shape.of(3, 2));
            Value grad = e.input("g", DataType.FLOAT, Shape.of(3, 2));
            Value v = e.input("v", DataType.FLOAT, Shape.of(3, 2));
            Value lr = e.input("lr", DataType.FLOAT, Shape.of(new long[0]));
            SgdUpdate.Result r = SgdUpdate.emit(e, p, grad, v, lr, kind, O, kernels);
            e.output(r.parameter(), "p_out");
            e.output(r.momentum(), "v_out");
            byte[] bytes = OnnxWriter.toBytes(new Model(g));

            Random rnd = new Random(kind.ordinal() + 3);
            float[] param = new float[6];
            float[] vel = new float[6];
            for (int i = 0; i < 6; i++) {
                param[i] = (float) rnd.nextGaussian();
            }
            double[] refP = toDouble(param);
            double[] refV = new double[6];
            float rate = 0.1f;
            OrtEnvironment env = OrtEnvironments.get();
            try (OrtSession.SessionOptions so = new OrtSession.SessionOptions();
                    OrtSession s = createSession(env, bytes, so)) {
                for (int step = 0; step < 3; step++) {
                    float[] gr = new float[6];
                    for (int i = 0; i < 6; i++) {
                        gr[i] = (float) rnd.nextGaussian();
                    }
                    gr[4] = 0f;  // channel 2 of a shift: a zero gradient
                    gr[5] = 0f;
                    reference(kind, refP, refV, toDouble(gr), rate);
                    try (OnnxTensor tp = t(env, param, 3, 2); OnnxTensor tg = t(env, gr, 3, 2);
                            OnnxTensor tv = t(env, vel, 3, 2);
                            OnnxTensor tl = OnnxTensor.createTensor(env, FloatBuffer.wrap(new float[] {rate}), new long[0]);
                            OrtSession.Result res = s.run(Map.of("p", tp, "g", tg, "v", tv, "lr", tl))) {
                        ((OnnxTensor) res.get("p_out").get()).getFloatBuffer().get(param);
                        ((OnnxTensor) res.get("v_out").get()).getFloatBuffer().get(vel);
                    }
                    for (int i = 0; i < 6; i++) {
                        assertEquals(refP[i], param[i], 1e-5, kind + " step " + step + " parameter " + i);
                        assertEquals(refV[i], vel[i], 1e-5, kind + " step " + step + " momentum " + i);
                    }
                }
            }
        }
    }

    /** A session with asnet's ops registered (the fused form's SgdMomentumUpdate). */
    private static OrtSession createSession(OrtEnvironment env, byte[] model, OrtSession.SessionOptions so) throws Exception {
        AsnetOps.register(so);
        return env.createSession(model, so);
    }

    /** One step of the recipe, in double. */
    private static void reference(ParameterKind kind, double[] p, double[] v, double[] g, double lr) {
        double[] d = g.clone();
        if (kind == ParameterKind.SHIFT) {
            for (int c = 0; c < 3; c++) {
                double n = Math.hypot(d[2 * c], d[2 * c + 1]);
                if (n > 0) {
                    d[2 * c] /= n;
                    d[2 * c + 1] /= n;
                }
            }
        }
        for (int i = 0; i < p.length; i++) {
            if (kind == ParameterKind.WEIGHT) {
                d[i] += O.weightDecay() * p[i];
            }
            v[i] = O.momentum() * v[i] + d[i];
            p[i] -= lr * (d[i] + O.momentum() * v[i]);
        }
    }

    private static OnnxTensor t(OrtEnvironment env, float[] v, long... shape) throws Exception {
        return OnnxTensor.createTensor(env, FloatBuffer.wrap(v), shape);
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
