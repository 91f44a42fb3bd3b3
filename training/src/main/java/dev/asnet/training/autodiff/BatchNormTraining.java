package dev.asnet.training.autodiff;

import dev.asnet.exporter.ir.Attribute;
import dev.asnet.exporter.ir.Node;
import dev.asnet.exporter.ir.Value;
import dev.asnet.exporter.ops.AsnetDomain;
import dev.asnet.exporter.ops.GraphBuilder;
import dev.asnet.training.autodiff.rules.BatchNormStatistics;
import dev.asnet.training.autodiff.rules.TapeEntry;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Emits a {@code BatchNormalization} node in training mode: normalization with the batch's own
 * mean and (biased) variance, plus the running-statistics update. The batch statistics come from
 * two reductions ({@code ReduceMean} and {@code ReduceSumSquare}, {@code var = E[x^2] - mean^2},
 * clamped at 0) and the normalization itself is an inference-form BatchNormalization fed those
 * statistics, so the forward costs three passes over the activation instead of the six of a
 * subtract-square-scale-shift expansion. (The fused training-mode BatchNormalization is not used:
 * the stock ONNX Runtime CPU build does not return the batch statistics it computed.) With
 * {@link TrainingKernels#FUSED} one {@code dev.asnet::BatchNormTraining} node does it all in two
 * passes and returns the statistics.
 *
 * <p>Running statistics follow the ONNX convention {@code running = momentum * running + (1 -
 * momentum) * batch} (momentum 0.9 by default, i.e. PyTorch's 0.1), with the unbiased batch
 * variance as PyTorch uses for the running estimate.
 */
public final class BatchNormTraining {
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
     * Emits the training-mode forward of a BatchNormalization node.
     *
     * @param e the builder of the training graph
     * @param source the inference-form node being traced (for epsilon, momentum and its schema)
     * @param x the input in the training graph
     * @param gamma the scale [C]
     * @param beta the bias [C]
     * @param mean the running mean input [C]
     * @param var the running variance input [C]
     * @param kernels the ops to compute it with
     * @return the output, its tape entry and the updated running statistics
     */
    public static Result emit(GraphBuilder e, Node source, Value x, Value gamma, Value beta, Value mean, Value var,
            TrainingKernels kernels) {
        return emit(e, source, x, gamma, beta, mean, var, kernels, false);
    }

    /**
     * Emits the training-mode forward of a BatchNormalization node, optionally with the ReLU that
     * is its only user folded in ({@link TrainingKernels#FUSED} only): the output is then
     * {@code max(BN(x), 0)} and the tape entry's gradient is that of both ops.
     *
     * @param e the builder of the training graph
     * @param source the inference-form node being traced (for epsilon, momentum and its schema)
     * @param x the input in the training graph
     * @param gamma the scale [C]
     * @param beta the bias [C]
     * @param mean the running mean input [C]
     * @param var the running variance input [C]
     * @param kernels the ops to compute it with
     * @param relu fold the following ReLU in
     * @return the output, its tape entry and the updated running statistics
     * @throws IllegalArgumentException if relu is asked for with standard ops
     */
    public static Result emit(GraphBuilder e, Node source, Value x, Value gamma, Value beta, Value mean, Value var,
            TrainingKernels kernels, boolean relu) {
        if (relu && kernels != TrainingKernels.FUSED) {
            throw new IllegalArgumentException("a ReLU folds into BatchNormalization only with the fused training ops");
        }
        float eps = source.attribute("epsilon").map(Attribute::asFloat).orElse(1e-5f);
        long[] shape = x.shape().toArray();
        long[] axes = BatchNormStatistics.reductionAxes(shape.length);
        long c = shape[1];
        long n = 1;
        for (long ax : axes) {
            n *= shape[(int) ax];
        }
        Value batchMean;
        Value batchVar;
        TapeEntry entry;
        if (kernels == TrainingKernels.FUSED) {
            Node bn = e.node(AsnetDomain.DOMAIN, AsnetDomain.BATCH_NORM_TRAINING, List.of(x, gamma, beta),
                    Attribute.ofFloat(AsnetDomain.EPSILON, eps), Attribute.ofInt(AsnetDomain.RELU, relu ? 1 : 0));
            batchMean = bn.outputs().get(1);
            batchVar = bn.outputs().get(2);
            Map<String, Value> saved = new HashMap<>(Map.of(BatchNormStatistics.MEAN, batchMean, BatchNormStatistics.VAR, batchVar));
            if (relu) {
                saved.put(BatchNormStatistics.RELU_OUTPUT, bn.outputs().get(0));
            }
            entry = new TapeEntry(source.schema(), source.attributes(), Arrays.asList(x, gamma, beta),
                    List.of(bn.outputs().get(0)), saved);
        } else {
            long[] bcast = BatchNormStatistics.channelShape(shape);
            batchMean = e.reshapeTo(e.reduceMean(x, true, axes), c);
            Value meanSquare = e.reshapeTo(e.scale(e.op("ReduceSumSquare", List.of(x), Attribute.ofInts("axes", axes),
                    Attribute.ofInt("keepdims", 1)), 1f / n), c);
            batchVar = e.op("Max", List.of(e.sub(meanSquare, e.mul(batchMean, batchMean)), e.scalar(0f)));
            Value y = e.op("BatchNormalization", List.of(x, gamma, beta, batchMean, batchVar),
                    Attribute.ofFloat("epsilon", eps));
            Value invstd = e.reshapeTo(e.op("Reciprocal", List.of(e.op("Sqrt", List.of(e.add(batchVar, e.scalar(eps)))))),
                    bcast);
            Value a = e.mul(e.reshapeTo(gamma, bcast), invstd);
            entry = new TapeEntry(source.schema(), source.attributes(), Arrays.asList(x, gamma, beta), List.of(y),
                    Map.of(BatchNormStatistics.MEAN, batchMean, BatchNormStatistics.INV_STD, invstd, BatchNormStatistics.SCALE, a));
        }
        return withRunningUpdate(e, source, entry, n, mean, var, batchMean, batchVar);
    }

    /**
     * Emits the training-mode forward of a BatchNormalization node, the ReLU that is its only user
     * and the ActiveShift that is the ReLU's only user as one {@code
     * dev.asnet::BatchNormReluShiftTraining} node ({@link TrainingKernels#FUSED} only): the rectified
     * activation between them is never stored. The tape entry (inputs x, gamma, beta, shift; the
     * shift's strides among its attributes) has the gradient of all three ops.
     *
     * @param e the builder of the training graph
     * @param source the inference-form BatchNormalization being traced
     * @param x the input in the training graph, [N, C, H, W]
     * @param gamma the scale [C]
     * @param beta the bias [C]
     * @param mean the running mean input [C]
     * @param var the running variance input [C]
     * @param shiftNode the ActiveShift node being folded in (for its strides)
     * @param shift the shift [C, 2] in the training graph
     * @return the shifted output, its tape entry and the updated running statistics
     */
    public static Result emitWithShift(GraphBuilder e, Node source, Value x, Value gamma, Value beta, Value mean,
            Value var, Node shiftNode, Value shift) {
        float eps = source.attribute("epsilon").map(Attribute::asFloat).orElse(1e-5f);
        Attribute strides = shiftNode.attribute(AsnetDomain.STRIDES)
                .orElse(Attribute.ofInts(AsnetDomain.STRIDES, 1, 1));
        Node bn = e.node(AsnetDomain.DOMAIN, AsnetDomain.BATCH_NORM_RELU_SHIFT_TRAINING, List.of(x, gamma, beta, shift),
                Attribute.ofFloat(AsnetDomain.EPSILON, eps), strides);
        Value batchMean = bn.outputs().get(1);
        Value batchVar = bn.outputs().get(2);
        Map<String, Attribute> attributes = new HashMap<>(source.attributes());
        attributes.put(AsnetDomain.STRIDES, strides);
        TapeEntry entry = new TapeEntry(source.schema(), attributes, Arrays.asList(x, gamma, beta, shift),
                List.of(bn.outputs().get(0)), Map.of(BatchNormStatistics.MEAN, batchMean, BatchNormStatistics.VAR, batchVar,
                        BatchNormStatistics.SHIFT, shift));
        long[] shape = x.shape().toArray();
        long n = shape[0] * shape[2] * shape[3];
        return withRunningUpdate(e, source, entry, n, mean, var, batchMean, batchVar);
    }

    /** Adds the running-statistics update (n values per channel) to a forward's tape entry. */
    private static Result withRunningUpdate(GraphBuilder e, Node source, TapeEntry entry, long n, Value mean, Value var,
            Value batchMean, Value batchVar) {
        float momentum = source.attribute("momentum").map(Attribute::asFloat).orElse(0.9f);
        float unbias = n > 1 ? (float) n / (n - 1) : 1f;
        Value newMean = e.add(e.scale(mean, momentum), e.scale(batchMean, 1f - momentum));
        Value newVar = e.add(e.scale(var, momentum), e.scale(batchVar, (1f - momentum) * unbias));
        return new Result(entry, newMean, newVar);
    }
}
