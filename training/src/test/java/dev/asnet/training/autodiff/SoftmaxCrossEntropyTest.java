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
import dev.asnet.ops.OrtEnvironments;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The loss head in ONNX Runtime against a plain double computation, ties included. */
class SoftmaxCrossEntropyTest {
    @Test
    void lossGradientAndCorrectCountMatchTheDefinition() throws Exception {
        int b = 5;
        int k = 3;
        float[] logits = {
            2f, 1f, 0f,      // label 0 wins
            0.5f, 0.5f, 0f,  // tie between the label (1) and class 0: not correct
            1f, 1f, 1f,      // all equal (a collapsed network): not correct
            -1f, 3f, 2.5f,   // label 2 loses
            0f, 0f, 7f,      // label 2 wins
        };
        long[] labels = {0, 1, 2, 2, 2};

        Graph g = new Graph("head", TrainingOps.registry());
        GraphBuilder e = new GraphBuilder(g);
        Value x = e.input("logits", DataType.FLOAT, Shape.of(b, k));
        Value y = e.input("labels", DataType.INT64, Shape.of(b));
        SoftmaxCrossEntropy.Head head = SoftmaxCrossEntropy.emit(e, x, y);
        e.output(head.loss(), "loss");
        e.output(head.correct(), "correct");
        e.output(head.logitsGrad(), "grad");
        byte[] bytes = OnnxWriter.toBytes(new Model(g));

        double loss = 0;
        double[] grad = new double[b * k];
        for (int i = 0; i < b; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                max = Math.max(max, logits[i * k + j]);
            }
            double sum = 0;
            for (int j = 0; j < k; j++) {
                sum += Math.exp(logits[i * k + j] - max);
            }
            for (int j = 0; j < k; j++) {
                double p = Math.exp(logits[i * k + j] - max) / sum;
                grad[i * k + j] = (p - (j == labels[i] ? 1 : 0)) / b;
                if (j == labels[i]) {
                    loss -= Math.log(p) / b;
                }
            }
        }

        OrtEnvironment env = OrtEnvironments.get();
        try (OrtSession s = env.createSession(bytes, new OrtSession.SessionOptions());
                OnnxTensor lt = OnnxTensor.createTensor(env, FloatBuffer.wrap(logits), new long[] {b, k});
                OnnxTensor yt = OnnxTensor.createTensor(env, LongBuffer.wrap(labels), new long[] {b});
                OrtSession.Result r = s.run(Map.of("logits", lt, "labels", yt))) {
            assertEquals(loss, ((OnnxTensor) r.get("loss").get()).getFloatBuffer().get(0), 1e-5);
            assertEquals(2f, ((OnnxTensor) r.get("correct").get()).getFloatBuffer().get(0), "rows 0 and 4 only");
            FloatBuffer gb = ((OnnxTensor) r.get("grad").get()).getFloatBuffer();
            float[] got = new float[b * k];
            gb.get(got);
            float[] want = new float[b * k];
            for (int i = 0; i < want.length; i++) {
                want[i] = (float) grad[i];
            }
            assertArrayEquals(want, got, 1e-6f);
        }
    }
}
