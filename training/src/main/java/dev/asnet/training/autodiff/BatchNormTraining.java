package dev.asnet.training.autodiff;

import dev.asnet.exporter.ir.Node;
import dev.asnet.exporter.ir.Value;
import java.util.List;
import java.util.Map;

/**
 * Emits a {@code BatchNormalization} node in training mode from standard ops: normalization with
 * the batch's own mean and (biased) variance, plus the running-statistics update. The fused
 * ONNX training-mode BatchNormalization is not used because its CPU kernel in the stock ONNX
 * Runtime build does not return what the backward pass needs.
 *
 * <p>Running statistics follow the ONNX convention {@code running = momentum * running + (1 -
 * momentum) * batch} (momentum 0.9 by default, i.e. PyTorch's 0.1), with the unbiased batch
 * variance as PyTorch uses for the running estimate.
 */
public final class BatchNormTraining {
    /** Saved value: the centered input {@code x - mean}. */
    public static final String CENTERED = "xc";
    /** Saved value: {@code 1 / sqrt(var + eps)}, shape [1, C, 1, 1]. */
    public static final String INV_STD = "invstd";
    /** Saved value: {@code gamma * invstd}, shape [1, C, 1, 1]. */
    public static final String SCALE = "a";

    private BatchNormTraining() {}

    /**
     * The forward result.
     *
     * @param entry the tape entry (inputs x, gamma, beta; output y; saved values)
     * @param runningMean the updated running mean [C]
     * @param runningVar the updated running variance [C]
     */
    public record Result(TapeEntry entry, Value runningMean, Value runningVar) {}

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
     * Emits the training-mode forward of a BatchNormalization node.
     *
     * @param e the emitter
     * @param source the inference-form node being traced (for epsilon, momentum and its schema)
     * @param x the input in the training graph
     * @param gamma the scale [C]
     * @param beta the bias [C]
     * @param mean the running mean input [C]
     * @param var the running variance input [C]
     * @return the output, its tape entry and the updated running statistics
     */
    public static Result emit(Emitter e, Node source, Value x, Value gamma, Value beta, Value mean, Value var) {
        float eps = source.attribute("epsilon").map(a -> a.asFloat()).orElse(1e-5f);
        float momentum = source.attribute("momentum").map(a -> a.asFloat()).orElse(0.9f);
        long[] shape = x.shape().toArray();
        long[] axes = reductionAxes(shape.length);
        long c = shape[1];
        long n = 1;
        for (long ax : axes) {
            n *= shape[(int) ax];
        }
        long[] bcast = new long[shape.length];
        java.util.Arrays.fill(bcast, 1);
        bcast[1] = c;
        Value batchMean = e.reduceMean(x, true, axes);
        Value xc = e.sub(x, batchMean);
        Value batchVar = e.reduceMean(e.mul(xc, xc), true, axes);
        Value invstd = e.op("Reciprocal", List.of(e.op("Sqrt", List.of(e.add(batchVar, e.scalar(eps))))));
        Value a = e.mul(e.reshape(gamma, bcast), invstd);
        Value y = e.add(e.mul(xc, a), e.reshape(beta, bcast));
        Value newMean = e.add(e.scale(mean, momentum), e.scale(e.reshape(batchMean, c), 1f - momentum));
        float unbias = n > 1 ? (float) n / (n - 1) : 1f;
        Value newVar = e.add(e.scale(var, momentum), e.scale(e.reshape(batchVar, c), (1f - momentum) * unbias));
        TapeEntry entry = new TapeEntry(source.schema(), source.attributes(), java.util.Arrays.asList(x, gamma, beta),
                List.of(y), Map.of(CENTERED, xc, INV_STD, invstd, SCALE, a));
        return new Result(entry, newMean, newVar);
    }
}
