package dev.asnet.training.autodiff;

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
import dev.asnet.ops.OrtEnvironments;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Three optimizer steps per parameter kind in ONNX Runtime against a plain double implementation
 * of the recipe (docs/asl.md): Nesterov momentum, weight decay on weights only, and shift
 * gradients normalized per channel (a zero gradient stays zero).
 */
class SgdUpdateTest {
    private static final SgdOptions O = SgdOptions.reference();

    @Test
    void threeStepsMatchTheReferenceForEveryKind() throws Exception {
        for (ParameterKind kind : ParameterKind.values()) {
            Graph g = new Graph("sgd", TrainingOps.registry());
            GraphBuilder e = new GraphBuilder(g);
            Value p = e.input("p", DataType.FLOAT, Shape.of(3, 2));
            Value grad = e.input("g", DataType.FLOAT, Shape.of(3, 2));
            Value v = e.input("v", DataType.FLOAT, Shape.of(3, 2));
            Value lr = e.input("lr", DataType.FLOAT, Shape.of(new long[0]));
            SgdUpdate.Result r = SgdUpdate.emit(e, p, grad, v, lr, kind, O);
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
            try (OrtSession s = env.createSession(bytes, new OrtSession.SessionOptions())) {
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
