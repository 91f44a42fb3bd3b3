package dev.asnet.training.autodiff;

import dev.asnet.exporter.ir.Graph;
import dev.asnet.exporter.ir.InitializerRole;
import dev.asnet.exporter.ir.Node;
import dev.asnet.exporter.ir.Value;
import dev.asnet.exporter.ops.AsnetDomain;
import dev.asnet.exporter.ops.GraphBuilder;
import dev.asnet.training.autodiff.rules.TapeEntry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Copies a model's forward graph into a training graph, node by node, recording a tape for
 * {@link Backprop}. In training mode every BatchNormalization is emitted with batch statistics
 * ({@link BatchNormTraining}) and its running-statistics update is reported; with the fused
 * training ops, a ReLU that is a BatchNormalization's only user is folded into it (one pass over
 * the activation forward and backward instead of two and three), and so is an ActiveShift that is
 * that ReLU's only user (an ASL block's BN-ReLU-shift: one op, the rectified activation never
 * stored); otherwise nodes are copied as they are (an evaluation graph).
 */
public final class ForwardTracer {
    private ForwardTracer() {}

    /**
     * A BN running statistic and its value after this step.
     *
     * @param source the statistic in the source graph (a buffer initializer)
     * @param updated its new value in the training graph
     */
    public record BufferUpdate(Value source, Value updated) {}

    /**
     * The traced forward.
     *
     * @param tape the differentiable ops in order
     * @param map source value to training-graph value
     * @param bufferUpdates running-statistics updates (training mode only)
     */
    public record Traced(List<TapeEntry> tape, Map<Value, Value> map, List<BufferUpdate> bufferUpdates) {}

    /**
     * Traces a forward graph in training mode: BatchNormalization uses batch statistics and
     * reports its running-statistics update.
     *
     * @param source the model's graph
     * @param e the builder of the training graph
     * @param bound training-graph values for the source's inputs and its parameter and buffer
     *     initializers; constants not bound are copied as constants
     * @param kernels the ops batch statistics are computed with
     * @return the tape and value mapping
     */
    public static Traced traceTraining(Graph source, GraphBuilder e, Map<Value, Value> bound, TrainingKernels kernels) {
        return trace(source, e, bound, kernels);
    }

    /**
     * Copies a forward graph as it is (inference form: BatchNormalization uses the running
     * statistics).
     *
     * @param source the model's graph
     * @param e the builder of the training graph
     * @param bound values for the source's inputs and its parameter and buffer initializers
     * @return the tape and value mapping (no buffer updates)
     */
    public static Traced traceInference(Graph source, GraphBuilder e, Map<Value, Value> bound) {
        return trace(source, e, bound, null);
    }

    /** Training mode when kernels is not null. */
    private static Traced trace(Graph source, GraphBuilder e, Map<Value, Value> bound, TrainingKernels kernels) {
        boolean training = kernels != null;
        Map<Value, Value> map = new HashMap<>(bound);
        for (Value init : source.initializers()) {
            if (!map.containsKey(init)) {
                if (init.role() != InitializerRole.CONSTANT) {
                    throw new IllegalArgumentException("initializer " + init.describe() + " (" + init.role()
                            + ") must be bound to a training-graph input");
                }
                map.put(init, e.constant(null, init.data()));
            }
        }
        List<TapeEntry> tape = new ArrayList<>();
        List<BufferUpdate> updates = new ArrayList<>();
        Set<Node> folded = new HashSet<>();
        // The IR's one copy loop maps inputs; this copier decides what each node becomes and
        // records it on the tape. Copies are unnamed: the training graph's names are generated.
        source.copyNodesInto(e.graph(), map, (n, ins) -> {
            if (folded.contains(n)) {
                return List.of(ins.get(0)); // its BatchNormalization already applied it (the fused output)
            }
            if (training && n.domain().isEmpty() && n.opType().equals("BatchNormalization")) {
                Node relu = kernels == TrainingKernels.FUSED ? onlyReluUser(source, n) : null;
                Node shift = relu != null ? onlyShiftUser(source, relu, map) : null;
                if (relu != null) {
                    folded.add(relu);
                }
                if (shift != null) {
                    folded.add(shift);
                }
                BatchNormTraining.Result r = shift != null
                        ? BatchNormTraining.emitWithShift(e, n, ins.get(0), ins.get(1), ins.get(2), ins.get(3), ins.get(4),
                                shift, map.get(shift.input(1)))
                        : BatchNormTraining.emit(e, n, ins.get(0), ins.get(1), ins.get(2), ins.get(3), ins.get(4), kernels,
                                relu != null);
                tape.add(r.entry());
                updates.add(new BufferUpdate(n.input(3), r.runningMean()));
                updates.add(new BufferUpdate(n.input(4), r.runningVar()));
                return List.of(r.entry().outputs().get(0));
            }
            Node copy = e.node(n.domain(), n.opType(), null, ins, new ArrayList<>(n.attributes().values()));
            tape.add(new TapeEntry(n.schema(), n.attributes(), new ArrayList<>(copy.inputs()), copy.outputs(), Map.of()));
            return copy.outputs();
        });
        return new Traced(tape, map, updates);
    }

    /**
     * The ActiveShift that is the only user of a Relu's output (as its X, not a graph output), with
     * a 4-D input and a shift already in the training graph (a parameter), or null.
     */
    private static Node onlyShiftUser(Graph source, Node relu, Map<Value, Value> map) {
        Value y = relu.outputs().get(0);
        if (source.outputs().contains(y) || y.users().size() != 1 || y.shape().rank() != 4) {
            return null;
        }
        Node user = y.users().get(0).node();
        boolean shift = user.domain().equals(AsnetDomain.DOMAIN) && user.opType().equals(AsnetDomain.ACTIVE_SHIFT)
                && user.inputs().size() == 2 && user.input(0) == y && user.input(1) != y;
        return shift && map.containsKey(user.input(1)) ? user : null;
    }

    /** The Relu that is the only user of a node's only used output (not a graph output), or null. */
    private static Node onlyReluUser(Graph source, Node n) {
        Value y = n.outputs().get(0);
        if (source.outputs().contains(y) || y.users().size() != 1) {
            return null;
        }
        for (int i = 1; i < n.outputs().size(); i++) {
            if (!n.outputs().get(i).users().isEmpty() || source.outputs().contains(n.outputs().get(i))) {
                return null;
            }
        }
        Node user = y.users().get(0).node();
        return user.domain().isEmpty() && user.opType().equals("Relu") && user.inputs().size() == 1 ? user : null;
    }
}
