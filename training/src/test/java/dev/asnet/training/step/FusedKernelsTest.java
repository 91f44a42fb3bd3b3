package dev.asnet.training.step;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.asnet.exporter.ir.Model;
import dev.asnet.exporter.ir.Node;
import dev.asnet.exporter.ops.AsnetDomain;
import dev.asnet.models.ModelConfig;
import dev.asnet.models.ModelZoo;
import dev.asnet.training.autodiff.SgdOptions;
import dev.asnet.training.autodiff.TrainingGraph;
import dev.asnet.training.autodiff.TrainingGraphBuilder;
import dev.asnet.training.autodiff.TrainingKernels;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Training steps built with asnet's fused training ops against the same steps built from
 * standard ONNX ops only: same losses, correct counts, parameters, momenta and running statistics
 * after several steps, on a zoo model and on the test network.
 */
class FusedKernelsTest {

    @Test
    void fusedGraphUsesTheFusedOpsOnly() {
        TrainingGraph fused = TrainingGraphBuilder.trainingStep(TinyNet.build(1), 4, SgdOptions.reference());
        Set<String> ops = fused.model().graph().nodes().stream().map(Node::opType).collect(Collectors.toSet());
        // Every ReLU of the test network follows a BatchNormalization and is its only user: folded
        // (the one Relu left is the loss head's correct count, which has no gradient).
        assertTrue(ops.contains("BatchNormTraining") && ops.contains("BatchNormReluTrainingGrad"), ops.toString());
        long relus = fused.model().graph().nodes().stream().filter(n -> n.opType().equals("Relu")).count();
        assertEquals(1, relus);
        assertTrue(!ops.contains("ReluGrad"), ops.toString());
        // Sign remains once, in the correct count of the loss head; the ReLU masks are gone.
        long signs = fused.model().graph().nodes().stream().filter(n -> n.opType().equals("Sign")).count();
        assertEquals(1, signs);
        assertTrue(!ops.contains("ReduceSumSquare") && !ops.contains("BatchNormalization"), ops.toString());
        TrainingGraph standard = TrainingGraphBuilder.trainingStep(TinyNet.build(1), 4, SgdOptions.reference(),
                TrainingKernels.STANDARD);
        Set<String> stdOps = standard.model().graph().nodes().stream().map(Node::opType).collect(Collectors.toSet());
        assertTrue(stdOps.stream().noneMatch(o -> o.startsWith("BatchNormTraining") || o.equals("ReluGrad")), stdOps.toString());
    }

    @Test
    void everyShiftAfterABatchNormReluIsFoldedIntoIt() {
        // In an AS-ResNet block the ASL follows BN-ReLU: the three become one op forward and one
        // backward, and no separate ActiveShift, ActiveShiftGrad or rectified activation is left.
        Model m = ModelZoo.build("as-resnet20-16x1", ModelConfig.fashionMnist());
        long shifts = m.graph().nodes().stream().filter(n -> n.opType().equals(AsnetDomain.ACTIVE_SHIFT)).count();
        assertTrue(shifts > 0);
        TrainingGraph fused = TrainingGraphBuilder.trainingStep(m, 4, SgdOptions.reference(), TrainingKernels.FUSED);
        Map<String, Long> ops = fused.model().graph().nodes().stream()
                .collect(Collectors.groupingBy(Node::opType, Collectors.counting()));
        assertEquals(shifts, ops.get(AsnetDomain.BATCH_NORM_RELU_SHIFT_TRAINING), ops.toString());
        assertEquals(shifts, ops.get(AsnetDomain.BATCH_NORM_RELU_SHIFT_TRAINING_GRAD), ops.toString());
        assertTrue(!ops.containsKey(AsnetDomain.ACTIVE_SHIFT) && !ops.containsKey(AsnetDomain.ACTIVE_SHIFT_GRAD),
                ops.toString());
        // Each block input's gradient from the residual shortcut is summed by the pre-activation
        // BN's gradient (its dX_add input) rather than by an Add node.
        long shared = m.graph().nodes().stream()
                .filter(n -> n.opType().equals("BatchNormalization") && n.input(0).users().size() > 1).count();
        long summing = fused.model().graph().nodes().stream()
                .filter(n -> n.opType().equals(AsnetDomain.BATCH_NORM_RELU_TRAINING_GRAD) && n.inputs().size() == 7)
                .count();
        assertTrue(shared > 0);
        assertEquals(shared, summing, "BN gradients taking dX_add: " + ops);
        // The standard form keeps the ops apart (it is the reference the fused form is compared with).
        TrainingGraph standard = TrainingGraphBuilder.trainingStep(m, 4, SgdOptions.reference(), TrainingKernels.STANDARD);
        Map<String, Long> stdOps = standard.model().graph().nodes().stream()
                .collect(Collectors.groupingBy(Node::opType, Collectors.counting()));
        assertEquals(shifts, stdOps.get(AsnetDomain.ACTIVE_SHIFT_GRAD), stdOps.toString());
    }

    @Test
    void tinyNetMatchesStandardOps() throws Exception {
        compare(TinyNet.build(3), 8, 4, 2e-3);
    }

    @Test
    void asResNetMatchesStandardOps() throws Exception {
        // Every block kind: identity and strided AS-ResNet blocks, the BN-ReLU head.
        Model m = ModelZoo.build("as-resnet20-16x1", ModelConfig.fashionMnist());
        // Batches of 4 give BN statistics over few values (196 at 7x7), whose rounding 1/std
        // amplifies, and a pre-activation within rounding of 0 may pass one form's ReLU and not
        // the other's: the two forms agree to a few 1e-3 of each update's norm (5.0e-3 seen on one
        // BN bias); 1e-2 still fails any wrong gradient (those are off by O(1)).
        compare(m, 4, 3, 1e-2);
    }

    @Test
    void depthwiseResNetMatchesStandardOps() throws Exception {
        // DepthwiseConvGrad (identity and strided 3x3 depthwise convs) against ONNX Runtime's own
        // grouped ConvTranspose and weight-gradient convolution.
        Model m = ModelZoo.build("dwresnet20-16x1", ModelConfig.fashionMnist());
        // ReLU kinks decided differently by the two forms' rounding move single sums; 1e-2 of an
        // update's norm still fails any wrong gradient (those are off by O(1)).
        compare(m, 4, 2, 1e-2);
    }

    /** Runs both forms from the same state on the same batches and compares everything after each step. */
    private static void compare(Model model, int batch, int steps, double tol) throws Exception {
        SgdOptions sgd = SgdOptions.reference();
        TrainingGraph fused = TrainingGraphBuilder.trainingStep(model, batch, sgd, TrainingKernels.FUSED);
        TrainingGraph standard = TrainingGraphBuilder.trainingStep(model, batch, sgd, TrainingKernels.STANDARD);
        assertEquals(standard.state().size(), fused.state().size());
        Random r = new Random(11);
        try (TrainingStep f = new TrainingStep(fused, 2); TrainingStep s = new TrainingStep(standard, 1)) {
            Map<String, float[]> before = s.state();
            for (int k = 0; k < steps; k++) {
                for (int i = 0; i < f.images().capacity(); i++) {
                    float v = (float) r.nextGaussian();
                    f.images().put(i, v);
                    s.images().put(i, v);
                }
                for (int i = 0; i < batch; i++) {
                    int label = r.nextInt(10);
                    f.labels().put(i, label);
                    s.labels().put(i, label);
                }
                StepResult rf = f.run(0.05f);
                StepResult rs = s.run(0.05f);
                assertEquals(rs.loss(), rf.loss(), tol * Math.max(1, Math.abs(rs.loss())), "loss at step " + k);
                assertEquals(rs.correct(), rf.correct(), "correct count at step " + k);
                // Compare each tensor's change over the step (for parameters: the update, a function of
                // the gradient) as a whole: the norm of the difference relative to the norm of the
                // change. Per element only a loose bound: the two forms round differently, so a
                // pre-activation within rounding of 0 may pass one form's ReLU and not the other's,
                // which moves single sums that cancel to small values by a few percent.
                Map<String, float[]> a = f.state();
                for (Map.Entry<String, float[]> e : s.state().entrySet()) {
                    float[] want = e.getValue();
                    float[] got = a.get(e.getKey());
                    float[] from = before.get(e.getKey());
                    double norm = 0;
                    double diff = 0;
                    double scale = 1e-12;
                    for (int i = 0; i < want.length; i++) {
                        double dw = want[i] - from[i];
                        double dg = got[i] - from[i];
                        norm += dw * dw;
                        diff += (dg - dw) * (dg - dw);
                        scale = Math.max(scale, Math.abs(dw));
                    }
                    assertTrue(Math.sqrt(diff) <= tol * Math.max(Math.sqrt(norm), 1e-12),
                            e.getKey() + ": change in step " + k + " differs by " + Math.sqrt(diff) + " (norm " + Math.sqrt(norm) + ")");
                    for (int i = 0; i < want.length; i++) {
                        assertEquals(want[i] - from[i], got[i] - from[i], 10 * tol * scale,
                                e.getKey() + "[" + i + "] change in step " + k);
                    }
                }
                // Continue both from the same state, so differences do not compound.
                f.load(s.state());
                before = s.state();
            }
        }
    }
}
