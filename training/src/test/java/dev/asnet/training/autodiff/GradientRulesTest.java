package dev.asnet.training.autodiff;

import static dev.asnet.training.autodiff.GradientCheck.random;

import dev.asnet.exporter.ir.Attribute;
import dev.asnet.exporter.ir.Value;
import dev.asnet.exporter.ops.ConvOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every gradient rule against central finite differences (see {@link GradientCheck}). */
class GradientRulesTest {

    private static float[] positive(long seed, int n) {
        float[] v = random(seed, n, 0);
        for (int i = 0; i < n; i++) {
            v[i] = 0.5f + Math.abs(v[i]);
        }
        return v;
    }

    @Test
    void conv3x3Padded() throws Exception {
        new GradientCheck().input("x", random(1, 2 * 3 * 6 * 5, 0), 2, 3, 6, 5)
                .input("w", random(2, 4 * 3 * 3 * 3, 0), 4, 3, 3, 3)
                .input("b", random(3, 4, 0), 4)
                .run((b, in) -> b.conv(null, in.get("x"), in.get("w"), in.get("b"), ConvOptions.builder().optPad(1).build()));
    }

    @Test
    void conv1x1StridedLeavesRowsUnread() throws Exception {
        // 6x5 input, stride 2: the last row is never read, so dX needs output_padding and dW a Slice.
        new GradientCheck().input("x", random(4, 2 * 4 * 6 * 5, 0), 2, 4, 6, 5)
                .input("w", random(5, 3 * 4, 0), 3, 4, 1, 1)
                .run((b, in) -> b.conv(null, in.get("x"), in.get("w"), null, ConvOptions.builder().optStride(2).build()));
    }

    @Test
    void conv1x1WithUnequalStridesAndMoreOutputChannels() throws Exception {
        // Strided 1x1 dW is a batched product over the pixels the conv reads (Slice with steps);
        // here with fewer input than output channels, the other branch of that product.
        new GradientCheck().input("x", random(8, 2 * 2 * 7 * 5, 0), 2, 2, 7, 5)
                .input("w", random(9, 5 * 2, 0), 5, 2, 1, 1)
                .run((b, in) -> b.conv(null, in.get("x"), in.get("w"), null, ConvOptions.builder().optStrides(3, 2).build()));
    }

    @Test
    void depthwiseStridedConv() throws Exception {
        new GradientCheck().input("x", random(6, 2 * 4 * 7 * 6, 0), 2, 4, 7, 6)
                .input("w", random(7, 4 * 9, 0), 4, 1, 3, 3)
                .run((b, in) -> b.conv(null, in.get("x"), in.get("w"), null,
                        ConvOptions.builder().optStride(2).optPad(1).optGroups(4).build()));
    }

    @Test
    void fusedDepthwiseStridedConv() throws Exception {
        new GradientCheck().kernels(TrainingKernels.FUSED).input("x", random(6, 2 * 4 * 7 * 6, 0), 2, 4, 7, 6)
                .input("w", random(7, 4 * 9, 0), 4, 1, 3, 3)
                .run((b, in) -> b.conv(null, in.get("x"), in.get("w"), null,
                        ConvOptions.builder().optStride(2).optPad(1).optGroups(4).build()));
    }

    @Test
    void fusedDepthwiseConvWithBiasAsymmetricPadsAndKernel() throws Exception {
        new GradientCheck().kernels(TrainingKernels.FUSED).input("x", random(11, 3 * 3 * 6 * 9, 0), 3, 3, 6, 9)
                .input("w", random(12, 3 * 2 * 3, 0), 3, 1, 2, 3)
                .input("b", random(13, 3, 0), 3)
                .run((b, in) -> b.conv(null, in.get("x"), in.get("w"), in.get("b"),
                        ConvOptions.builder().optGroups(3).optPads(1, 0, 0, 2).optStrides(1, 2).build()));
    }

    @Test
    void groupedConvWithAsymmetricPads() throws Exception {
        new GradientCheck().input("x", random(8, 2 * 4 * 5 * 5, 0), 2, 4, 5, 5)
                .input("w", random(9, 6 * 2 * 9, 0), 6, 2, 3, 3)
                .input("b", random(10, 6, 0), 6)
                .run((b, in) -> b.conv(null, in.get("x"), in.get("w"), in.get("b"),
                        ConvOptions.builder().optGroups(2).optPads(1, 0, 0, 1).optStrides(2, 1).build()));
    }

    @Test
    void batchNormTrainingMode() throws Exception {
        batchNormImage(TrainingKernels.STANDARD);
    }

    @Test
    void batchNormOnFeatures() throws Exception {
        batchNormFeatures(TrainingKernels.STANDARD);
    }

    private static void batchNormImage(TrainingKernels kernels) throws Exception {
        new GradientCheck().kernels(kernels).input("x", random(11, 3 * 4 * 3 * 2, 0), 3, 4, 3, 2)
                .input("gamma", random(12, 4, 0.2), 4)
                .input("beta", random(13, 4, 0), 4)
                .constantInput("mean", new float[4], 4)
                .constantInput("var", positive(14, 4), 4)
                .run((b, in) -> b.batchNorm(null, in.get("x"), in.get("gamma"), in.get("beta"), in.get("mean"),
                        in.get("var"), 1e-5f));
    }

    private static void batchNormFeatures(TrainingKernels kernels) throws Exception {
        new GradientCheck().kernels(kernels).input("x", random(15, 6 * 3, 0), 6, 3)
                .input("gamma", random(16, 3, 0.2), 3)
                .input("beta", random(17, 3, 0), 3)
                .constantInput("mean", new float[3], 3)
                .constantInput("var", positive(18, 3), 3)
                .run((b, in) -> b.batchNorm(null, in.get("x"), in.get("gamma"), in.get("beta"), in.get("mean"),
                        in.get("var"), 1e-5f));
    }

    @Test
    void relu() throws Exception {
        new GradientCheck().input("x", random(19, 2 * 3 * 4 * 4, 0.05), 2, 3, 4, 4)
                .run((b, in) -> b.relu(null, in.get("x")));
    }

    // The fused forms (dev.asnet::BatchNormTraining, BatchNormTrainingGrad, ReluGrad) against the
    // same finite differences; FusedKernelsTest also compares them with the standard forms.

    @Test
    void fusedBatchNormTrainingMode() throws Exception {
        batchNormImage(TrainingKernels.FUSED);
    }

    @Test
    void fusedBatchNormOnFeatures() throws Exception {
        batchNormFeatures(TrainingKernels.FUSED);
    }

    @Test
    void fusedRelu() throws Exception {
        new GradientCheck().kernels(TrainingKernels.FUSED).input("x", random(19, 2 * 3 * 4 * 4, 0.05), 2, 3, 4, 4)
                .run((b, in) -> b.relu(null, in.get("x")));
    }

    @Test
    void clip() throws Exception {
        float[] x = random(20, 60, 0.05);
        for (int i = 0; i < x.length; i++) {
            x[i] *= 4; // spans both bounds; none within h of 0 or 6 after scaling (checked below)
            if (Math.abs(x[i] - 6) < 0.05) {
                x[i] += 0.1f;
            }
        }
        new GradientCheck().input("x", x, 3, 20).run((b, in) -> b.relu6(null, in.get("x")));
    }

    @Test
    void addWithBroadcast() throws Exception {
        new GradientCheck().input("a", random(21, 2 * 3 * 2 * 2, 0), 2, 3, 2, 2)
                .input("b", random(22, 3, 0), 3, 1, 1)
                .run((b, in) -> b.add(null, in.get("a"), in.get("b")));
    }

    @Test
    void subAndMulWithBroadcast() throws Exception {
        new GradientCheck().input("a", random(23, 2 * 3 * 2, 0), 2, 3, 2)
                .input("b", random(24, 2, 0), 2)
                .input("c", random(25, 3 * 1, 0), 3, 1)
                .run((b, in) -> b.mul(null, b.sub(null, in.get("a"), in.get("b")), in.get("c")));
    }

    @Test
    void globalAveragePoolAndFlatten() throws Exception {
        new GradientCheck().input("x", random(26, 2 * 3 * 4 * 5, 0), 2, 3, 4, 5)
                .run((b, in) -> b.flatten(null, b.globalAveragePool(null, in.get("x")), 1));
    }

    @Test
    void reshape() throws Exception {
        new GradientCheck().input("x", random(27, 2 * 3 * 4, 0), 2, 3, 4)
                .run((b, in) -> b.reshape(null, in.get("x"), 6, 4));
    }

    @Test
    void gemmAsLinear() throws Exception {
        new GradientCheck().input("x", random(28, 4 * 5, 0), 4, 5)
                .input("w", random(29, 3 * 5, 0), 3, 5)
                .input("b", random(30, 3, 0), 3)
                .run((b, in) -> b.linear(null, in.get("x"), in.get("w"), in.get("b")));
    }

    @Test
    void gemmEveryTransposeWithAlphaBeta() throws Exception {
        for (int ta = 0; ta < 2; ta++) {
            for (int tb = 0; tb < 2; tb++) {
                long[] as = ta == 1 ? new long[] {5, 4} : new long[] {4, 5};
                long[] bs = tb == 1 ? new long[] {3, 5} : new long[] {5, 3};
                int fta = ta;
                int ftb = tb;
                new GradientCheck().input("a", random(31, 20, 0), as).input("b", random(32, 15, 0), bs)
                        .input("c", random(33, 3, 0), 1, 3)
                        .run((b, in) -> b.node("", "Gemm", null, List.of(in.get("a"), in.get("b"), in.get("c")),
                                List.of(Attribute.ofFloat("alpha", 0.7f), Attribute.ofFloat("beta", 1.5f),
                                        Attribute.ofInt("transA", fta), Attribute.ofInt("transB", ftb))).output());
            }
        }
    }

    private static float[] shifts(long seed, int channels) {
        // Away from integers by more than the FD step: the layer has kinks there.
        java.util.Random r = new java.util.Random(seed);
        float[] s = new float[channels * 2];
        for (int i = 0; i < s.length; i++) {
            s[i] = (float) (Math.floor(r.nextDouble() * 4 - 2) + 0.15 + 0.7 * r.nextDouble());
        }
        return s;
    }

    @Test
    void activeShift() throws Exception {
        new GradientCheck().input("x", random(34, 2 * 3 * 5 * 6, 0), 2, 3, 5, 6)
                .input("s", shifts(35, 3), 3, 2)
                .tolerance(3e-3, 1e-2)
                .run((b, in) -> b.activeShift(null, in.get("x"), in.get("s"), 1, 1));
    }

    @Test
    void activeShiftStrided() throws Exception {
        new GradientCheck().input("x", random(36, 2 * 3 * 7 * 6, 0), 2, 3, 7, 6)
                .input("s", shifts(37, 3), 3, 2)
                .tolerance(3e-3, 1e-2)
                .run((b, in) -> b.activeShift(null, in.get("x"), in.get("s"), 2, 2));
    }

    @Test
    void aWrongRuleIsCaught() {
        // Relu's rule without its mask: the check must notice the negative inputs.
        GradientRules broken = GradientRules.standard().with("", "Relu", ctx -> ctx.addInputGrad(0, ctx.outputGrad(0)));
        org.junit.jupiter.api.Assertions.assertThrows(org.opentest4j.AssertionFailedError.class,
                () -> new GradientCheck().input("x", random(45, 48, 0.05), 3, 16).rules(broken)
                        .run((b, in) -> b.relu(null, in.get("x"))));
    }

    @Test
    void residualBlockEndToEnd() throws Exception {
        residualBlock(TrainingKernels.STANDARD);
    }

    @Test
    void residualBlockEndToEndFused() throws Exception {
        residualBlock(TrainingKernels.FUSED);
    }

    private static void residualBlock(TrainingKernels kernels) throws Exception {
        // Several rules chained, with a value used twice (the shortcut): gradients must add up.
        new GradientCheck().kernels(kernels).input("x", random(38, 2 * 4 * 5 * 5, 0), 2, 4, 5, 5)
                .input("w1", random(39, 8 * 4, 0), 8, 4, 1, 1)
                .input("g", random(40, 8, 0.3), 8).input("be", random(41, 8, 0), 8)
                .constantInput("m", new float[8], 8).constantInput("v", positive(42, 8), 8)
                .input("s", shifts(43, 8), 8, 2)
                .input("w2", random(44, 4 * 8, 0), 4, 8, 1, 1)
                .tolerance(5e-3, 2e-2)
                .run((b, in) -> {
                    Value h = b.conv(null, in.get("x"), in.get("w1"), null, ConvOptions.defaults());
                    h = b.batchNorm(null, h, in.get("g"), in.get("be"), in.get("m"), in.get("v"), 1e-5f);
                    h = b.activeShift(null, h, in.get("s"), 1, 1);
                    h = b.conv(null, h, in.get("w2"), null, ConvOptions.defaults());
                    return b.add(null, h, in.get("x"));
                });
    }
}
