package dev.asnet.training.step;

import dev.asnet.exporter.ir.DataType;
import dev.asnet.exporter.ir.Graph;
import dev.asnet.exporter.ir.Model;
import dev.asnet.exporter.ir.Shape;
import dev.asnet.exporter.ir.Tensor;
import dev.asnet.exporter.ir.Value;
import dev.asnet.exporter.ops.ConvOptions;
import dev.asnet.exporter.ops.GraphBuilder;
import dev.asnet.exporter.ops.OpRegistry;
import java.util.Arrays;
import java.util.Random;

/** A small AS-ResNet-like network for fast tests: conv, one ASL block with a strided shortcut, head. */
final class TinyNet {
    private TinyNet() {}

    static Model build(long seed) {
        Random r = new Random(seed);
        Graph g = new Graph("tiny", OpRegistry.standard());
        GraphBuilder b = new GraphBuilder(g);
        Value x = b.input("input", DataType.FLOAT, Shape.batched("N", 1, 28, 28));
        Value h = b.conv("conv0", x, b.parameter("conv0.weight", he(r, 8, 1, 3, 3)), null, ConvOptions.builder().optPad(1).build());
        Value pre = b.relu(null, bn(b, "bn0", h, 8));
        Value t = b.conv("conv1", pre, b.parameter("conv1.weight", he(r, 16, 8, 1, 1)), null, ConvOptions.defaults());
        t = b.relu(null, bn(b, "bn1", t, 16));
        float[] s = new float[32];
        for (int i = 0; i < s.length; i++) {
            s[i] = (float) (r.nextDouble() * 2 - 1);
        }
        t = b.activeShift("shift", t, b.parameter("shift.shift", Tensor.ofFloats(s, 16, 2)), 2, 2);
        t = b.conv("conv2", t, b.parameter("conv2.weight", he(r, 16, 16, 1, 1)), null, ConvOptions.defaults());
        Value sc = b.conv("shortcut", pre, b.parameter("shortcut.weight", he(r, 16, 8, 1, 1)), null,
                ConvOptions.builder().optStride(2).build());
        h = b.relu(null, bn(b, "bn2", b.add(null, t, sc), 16));
        h = b.flatten(null, b.globalAveragePool(null, h), 1);
        float[] fc = new float[10 * 16];
        for (int i = 0; i < fc.length; i++) {
            fc[i] = (float) (r.nextGaussian() * 0.3);
        }
        Value y = b.linear("fc", h, b.parameter("fc.weight", Tensor.ofFloats(fc, 10, 16)),
                b.parameter("fc.bias", Tensor.ofFloats(new float[10], 10)));
        b.output(y, "logits");
        return new Model(g);
    }

    private static Value bn(GraphBuilder b, String name, Value x, int c) {
        float[] ones = new float[c];
        Arrays.fill(ones, 1f);
        return b.batchNorm(name, x, b.parameter(name + ".weight", Tensor.ofFloats(ones, c)),
                b.parameter(name + ".bias", Tensor.ofFloats(new float[c], c)),
                b.buffer(name + ".running_mean", Tensor.ofFloats(new float[c], c)),
                b.buffer(name + ".running_var", Tensor.ofFloats(ones, c)), 1e-5f);
    }

    private static Tensor he(Random r, int m, int c, int kh, int kw) {
        float[] w = new float[m * c * kh * kw];
        double std = Math.sqrt(2.0 / (c * kh * kw));
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (r.nextGaussian() * std);
        }
        return Tensor.ofFloats(w, m, c, kh, kw);
    }
}
