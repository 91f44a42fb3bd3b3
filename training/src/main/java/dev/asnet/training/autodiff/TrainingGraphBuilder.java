package dev.asnet.training.autodiff;

import dev.asnet.exporter.ir.DataType;
import dev.asnet.exporter.ir.Graph;
import dev.asnet.exporter.ir.InitializerRole;
import dev.asnet.exporter.ir.Model;
import dev.asnet.exporter.ir.Node;
import dev.asnet.exporter.ir.Shape;
import dev.asnet.exporter.ir.Value;
import dev.asnet.exporter.ops.AsnetDomain;
import dev.asnet.exporter.ops.GraphBuilder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Derives graphs for training from a model built by the exporter (a forward graph whose
 * {@link InitializerRole#PARAMETER} initializers are the weights and whose {@link
 * InitializerRole#BUFFER}s are BN running statistics, with one image input and one logits output):
 * the training step ({@link #trainingStep}) and a fixed-batch evaluation graph that takes the
 * same state as inputs ({@link #evaluation}).
 */
public final class TrainingGraphBuilder {
    /** Output of the evaluation graph: the logits. */
    public static final String LOGITS = "logits";

    private TrainingGraphBuilder() {}

    /**
     * Builds the training-step graph with asnet's fused training ops ({@link TrainingKernels#FUSED}).
     *
     * @param forward the model
     * @param batch the static batch size
     * @param sgd the optimizer settings
     * @return the graph and its state slots
     */
    public static TrainingGraph trainingStep(Model forward, int batch, SgdOptions sgd) {
        return trainingStep(forward, batch, sgd, TrainingKernels.FUSED);
    }

    /**
     * Builds the training-step graph: forward with batch statistics, softmax cross-entropy,
     * backward, and the SGD update of every parameter.
     *
     * @param forward the model
     * @param batch the static batch size
     * @param sgd the optimizer settings
     * @param kernels the ops batch normalization and the ReLU backward are computed with
     * @return the graph and its state slots
     */
    public static TrainingGraph trainingStep(Model forward, int batch, SgdOptions sgd, TrainingKernels kernels) {
        Graph src = forward.graph();
        src.assignNames();
        Graph g = new Graph(src.name() + "_train_step", TrainingOps.registry());
        GraphBuilder e = new GraphBuilder(g);
        Map<Value, Value> bound = new HashMap<>();
        bound.put(src.inputs().get(0), g.addInput(TrainingGraph.IMAGES, DataType.FLOAT, batchShape(src, batch)));
        Value labels = g.addInput(TrainingGraph.LABELS, DataType.INT64, Shape.of(batch));
        Value lr = g.addInput(TrainingGraph.LEARNING_RATE, DataType.FLOAT, Shape.of(new long[0]));
        Map<Value, Value> params = new LinkedHashMap<>();
        Map<Value, Value> buffers = new LinkedHashMap<>();
        bindState(src, g, bound, params, buffers);

        ForwardTracer.Traced traced = ForwardTracer.traceTraining(src, e, bound, kernels);
        Value logits = traced.map().get(src.outputs().get(0));
        SoftmaxCrossEntropy.Head head = SoftmaxCrossEntropy.emit(e, logits, labels);
        Map<Value, Value> grads = Backprop.run(e, traced.tape(), Map.of(logits, head.logitsGrad()),
                new LinkedHashSet<>(params.values()), GradientRules.of(kernels));

        e.output(head.loss(), TrainingGraph.LOSS);
        e.output(head.correct(), TrainingGraph.CORRECT);
        Map<String, ParameterKind> kinds = parameterKinds(src);
        List<StateSlot> paramSlots = new ArrayList<>();
        List<StateSlot> momentumSlots = new ArrayList<>();
        Value shiftLr = sgd.shiftLrMultiplier() == 1f ? lr : e.scale(lr, sgd.shiftLrMultiplier());
        for (Map.Entry<Value, Value> p : params.entrySet()) {
            String name = p.getKey().name();
            Value grad = grads.get(p.getValue());
            if (grad == null) {
                throw new IllegalArgumentException("parameter '" + name + "' does not influence the loss");
            }
            ParameterKind kind = kinds.getOrDefault(name, ParameterKind.WEIGHT);
            long[] shape = p.getKey().shape().toArray();
            String mName = name + TrainingGraph.MOMENTUM_SUFFIX;
            Value v = g.addInput(mName, DataType.FLOAT, Shape.of(shape));
            SgdUpdate.Result r = SgdUpdate.emit(e, p.getValue(), grad, v, kind == ParameterKind.SHIFT ? shiftLr : lr,
                    kind, sgd, kernels);
            e.output(r.parameter(), name + TrainingGraph.NEXT_SUFFIX);
            e.output(r.momentum(), mName + TrainingGraph.NEXT_SUFFIX);
            paramSlots.add(new StateSlot(name, name + TrainingGraph.NEXT_SUFFIX, shape, p.getKey().data().floats()));
            momentumSlots.add(new StateSlot(mName, mName + TrainingGraph.NEXT_SUFFIX, shape,
                    new float[p.getKey().data().size()]));
        }
        List<StateSlot> bufferSlots = new ArrayList<>();
        Set<Value> updated = new LinkedHashSet<>();
        for (ForwardTracer.BufferUpdate u : traced.bufferUpdates()) {
            if (!updated.add(u.source())) {
                throw new IllegalArgumentException("buffer '" + u.source().name() + "' is updated by two BN nodes");
            }
            String name = u.source().name();
            e.output(u.updated(), name + TrainingGraph.NEXT_SUFFIX);
            bufferSlots.add(new StateSlot(name, name + TrainingGraph.NEXT_SUFFIX, u.source().shape().toArray(),
                    u.source().data().floats()));
        }
        for (Value b : buffers.keySet()) {
            if (!updated.contains(b)) {
                throw new IllegalArgumentException("buffer '" + b.name() + "' is not a BN running statistic");
            }
        }
        List<StateSlot> state = new ArrayList<>(paramSlots);
        state.addAll(momentumSlots);
        state.addAll(bufferSlots);
        Model model = new Model(g);
        return new TrainingGraph(model, batch, state, kinds);
    }

    /**
     * Builds the evaluation graph: the forward in inference form with a static batch, taking the
     * images under {@link TrainingGraph#IMAGES} and every parameter and buffer as inputs under
     * their own names (so a training step's state tensors can be fed directly), returning
     * {@link #LOGITS}.
     *
     * @param forward the model
     * @param batch the static batch size
     * @return the evaluation model
     */
    public static Model evaluation(Model forward, int batch) {
        Graph src = forward.graph();
        src.assignNames();
        Graph g = new Graph(src.name() + "_eval", TrainingOps.registry());
        GraphBuilder e = new GraphBuilder(g);
        Map<Value, Value> bound = new HashMap<>();
        bound.put(src.inputs().get(0), g.addInput(TrainingGraph.IMAGES, DataType.FLOAT, batchShape(src, batch)));
        bindState(src, g, bound, new LinkedHashMap<>(), new LinkedHashMap<>());
        ForwardTracer.Traced traced = ForwardTracer.traceInference(src, e, bound);
        e.output(traced.map().get(src.outputs().get(0)), LOGITS);
        return new Model(g);
    }

    private static Shape batchShape(Graph src, int batch) {
        if (src.inputs().size() != 1 || src.outputs().size() != 1) {
            throw new IllegalArgumentException("model '" + src.name() + "' must have one input and one output, has "
                    + src.inputs().size() + " and " + src.outputs().size());
        }
        Shape in = src.inputs().get(0).shape();
        long[] dims = new long[in.rank()];
        dims[0] = batch;
        for (int i = 1; i < dims.length; i++) {
            dims[i] = in.dim(i).value();
        }
        return Shape.of(dims);
    }

    private static void bindState(Graph src, Graph g, Map<Value, Value> bound, Map<Value, Value> params,
            Map<Value, Value> buffers) {
        for (Value init : src.initializers()) {
            if (init.role() == InitializerRole.PARAMETER || init.role() == InitializerRole.BUFFER) {
                Value in = g.addInput(init.name(), DataType.FLOAT, init.shape());
                bound.put(init, in);
                (init.role() == InitializerRole.PARAMETER ? params : buffers).put(init, in);
            }
        }
    }

    /**
     * Classifies parameters by use: the shift input of an ActiveShift is a {@link
     * ParameterKind#SHIFT}; BN scale and bias, and Conv/Gemm biases, are {@link
     * ParameterKind#NO_DECAY}; everything else is a {@link ParameterKind#WEIGHT}.
     *
     * @param src the forward graph (named)
     * @return kinds by parameter name
     */
    public static Map<String, ParameterKind> parameterKinds(Graph src) {
        Map<String, ParameterKind> kinds = new LinkedHashMap<>();
        for (Value init : src.initializers()) {
            if (init.role() == InitializerRole.PARAMETER) {
                kinds.put(init.name(), ParameterKind.WEIGHT);
            }
        }
        for (Node n : src.nodes()) {
            for (int i = 0; i < n.inputs().size(); i++) {
                Value v = n.input(i);
                if (v == null || v.role() != InitializerRole.PARAMETER) {
                    continue;
                }
                boolean shift = n.domain().equals(AsnetDomain.DOMAIN) && n.opType().equals(AsnetDomain.ACTIVE_SHIFT) && i == 1;
                boolean noDecay = (n.opType().equals("BatchNormalization") && (i == 1 || i == 2))
                        || ((n.opType().equals("Conv") || n.opType().equals("Gemm")) && i == 2);
                if (shift) {
                    kinds.put(v.name(), ParameterKind.SHIFT);
                } else if (noDecay && kinds.get(v.name()) != ParameterKind.SHIFT) {
                    kinds.put(v.name(), ParameterKind.NO_DECAY);
                }
            }
        }
        return kinds;
    }
}
