package dev.asnet.training.autodiff.rules;

import dev.asnet.exporter.ir.Attribute;
import dev.asnet.exporter.ir.Tensor;
import dev.asnet.exporter.ir.Value;
import dev.asnet.exporter.ops.GraphBuilder;
import java.util.Arrays;
import java.util.List;

/**
 * What the training-mode BatchNormalization forward saves for its gradient rule (the keys of
 * {@link TapeEntry#saved()}), and the per-channel helpers forward and backward share. It lives
 * with the rules so that they need nothing from the package that traces the forward.
 */
public final class BatchNormStatistics {
    /** Saved value: the batch mean, shape [C]. */
    public static final String MEAN = "mean";
    /** Saved value: {@code 1 / sqrt(var + eps)}, shape [1, C, 1, 1]. */
    public static final String INV_STD = "invstd";
    /** Saved value: {@code gamma * invstd}, shape [1, C, 1, 1]. */
    public static final String SCALE = "a";
    /**
     * Saved value of the fused form only: the biased batch variance [C]; its presence tells the
     * gradient rule to emit {@code dev.asnet::BatchNormTrainingGrad}.
     */
    public static final String VAR = "var";
    /**
     * Saved value of the fused form with a folded ReLU only: the output {@code max(BN(x), 0)};
     * its presence tells the gradient rule to emit {@code dev.asnet::BatchNormReluTrainingGrad}.
     */
    public static final String RELU_OUTPUT = "relu";
    /**
     * Saved value of the fused form with a folded ReLU and ActiveShift only: the shift [C, 2] (also
     * the entry's input 3, with the shift's strides among the entry's attributes); its presence
     * tells the gradient rule to emit {@code dev.asnet::BatchNormReluShiftTrainingGrad}.
     */
    public static final String SHIFT = "shift";

    private BatchNormStatistics() {}

    /**
     * Axes that batch statistics reduce over: all but the channel axis 1.
     *
     * @param rank the input rank
     * @return {0, 2, 3, ...}
     */
    public static long[] reductionAxes(int rank) {
        long[] axes = new long[rank - 1];
        axes[0] = 0;
        for (int i = 2; i < rank; i++) {
            axes[i - 1] = i;
        }
        return axes;
    }

    /**
     * Shape [1, C, 1, ...] of per-channel values broadcast against an activation.
     *
     * @param shape the activation's shape
     * @return the broadcast shape
     */
    public static long[] channelShape(long[] shape) {
        long[] b = new long[shape.length];
        Arrays.fill(b, 1);
        b[1] = shape[1];
        return b;
    }

    /**
     * {@code scale * (x - mean) + bias} per channel in one pass, as an inference-form
     * BatchNormalization with unit variance (epsilon 1e-30 leaves {@code sqrt(1 + eps)} exactly 1).
     *
     * @param e the builder
     * @param x the activation
     * @param scale [C]
     * @param bias [C]
     * @param mean [C]
     * @return the affine map of x
     */
    public static Value channelAffine(GraphBuilder e, Value x, Value scale, Value bias, Value mean) {
        int c = (int) x.shape().dim(1).value();
        float[] ones = new float[c];
        Arrays.fill(ones, 1f);
        Value unit = e.constant(null, Tensor.ofFloats(ones, c));
        return e.op("BatchNormalization", List.of(x, scale, bias, mean, unit), Attribute.ofFloat("epsilon", 1e-30f));
    }
}
