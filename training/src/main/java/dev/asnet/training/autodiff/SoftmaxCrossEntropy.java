package dev.asnet.training.autodiff;

import dev.asnet.exporter.ir.Attribute;
import dev.asnet.exporter.ir.Tensor;
import dev.asnet.exporter.ir.Value;
import dev.asnet.exporter.ops.GraphBuilder;
import java.util.List;

/**
 * The loss head: mean softmax cross-entropy of logits [B, K] against int64 labels [B], its
 * gradient with respect to the logits, {@code (softmax - onehot) / B}, and the number of correct
 * predictions. The gradient is emitted in closed form rather than by differentiating LogSoftmax,
 * which is both cheaper and exact.
 */
public final class SoftmaxCrossEntropy {
    private SoftmaxCrossEntropy() {}

    /**
     * The emitted values.
     *
     * @param loss the mean loss, a float scalar
     * @param correct how many predictions match the label, a float scalar
     * @param logitsGrad the gradient of the loss with respect to the logits
     */
    public record Head(Value loss, Value correct, Value logitsGrad) {}

    /**
     * Emits the loss head.
     *
     * @param e the builder of the training graph
     * @param logits [B, K]
     * @param labels int64 [B]
     * @return loss, correct count and logits gradient
     */
    public static Head emit(GraphBuilder e, Value logits, Value labels) {
        long[] s = logits.shape().toArray();
        long batch = s[0];
        long classes = s[1];
        Value depth = e.constant(null, Tensor.ofLongs(new long[] {classes}));
        Value offOn = e.constant(null, Tensor.ofFloats(new float[] {0f, 1f}, 2));
        Value onehot = e.op("OneHot", List.of(labels, depth, offOn), Attribute.ofInt("axis", -1));
        Value logp = e.op("LogSoftmax", List.of(logits), Attribute.ofInt("axis", 1));
        Value loss = e.scale(e.reduceSum(e.mul(logp, onehot), false, 0, 1), -1f / batch);
        Value grad = e.scale(e.sub(e.op("Exp", List.of(logp)), onehot), 1f / batch);
        // Correct means the label's logit beats every other logit strictly: compare it with the
        // maximum of the others (the label's own entry pushed far down). Sign(.) is 1 only for a
        // strict win, and Relu maps a loss (-1) or a tie (0) to 0, so a collapsed network whose
        // logits are all equal counts nothing as correct.
        Value picked = e.reduceSum(e.mul(logits, onehot), false, 1);
        Value others = e.sub(logits, e.scale(onehot, 1e30f));
        Value maxOther = e.op("ReduceMax", List.of(others), Attribute.ofInts("axes", 1), Attribute.ofInt("keepdims", 0));
        Value hit = e.op("Relu", List.of(e.op("Sign", List.of(e.sub(picked, maxOther)))));
        Value correct = e.reduceSum(hit, false, 0);
        return new Head(loss, correct, grad);
    }
}
