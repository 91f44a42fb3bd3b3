package dev.asnet.training.autodiff;

import dev.asnet.exporter.ir.Graph;
import dev.asnet.exporter.ir.InitializerRole;
import dev.asnet.exporter.ir.Node;
import dev.asnet.exporter.ir.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Copies a model's forward graph into a training graph, node by node, recording a tape for
 * {@link Backprop}. In training mode every BatchNormalization is emitted with batch statistics
 * ({@link BatchNormTraining}) and its running-statistics update is reported; otherwise nodes are
 * copied as they are (an evaluation graph).
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
     * @param e the training-graph emitter
     * @param bound training-graph values for the source's inputs and its parameter and buffer
     *     initializers; constants not bound are copied as constants
     * @param kernels the ops batch statistics are computed with
     * @return the tape and value mapping
     */
    public static Traced traceTraining(Graph source, Emitter e, Map<Value, Value> bound, TrainingKernels kernels) {
        return trace(source, e, bound, kernels);
    }

    /**
     * Copies a forward graph as it is (inference form: BatchNormalization uses the running
     * statistics).
     *
     * @param source the model's graph
     * @param e the emitter
     * @param bound values for the source's inputs and its parameter and buffer initializers
     * @return the tape and value mapping (no buffer updates)
     */
    public static Traced traceInference(Graph source, Emitter e, Map<Value, Value> bound) {
        return trace(source, e, bound, null);
    }

    /** Training mode when kernels is not null. */
    private static Traced trace(Graph source, Emitter e, Map<Value, Value> bound, TrainingKernels kernels) {
        boolean training = kernels != null;
        Map<Value, Value> map = new HashMap<>(bound);
        for (Value init : source.initializers()) {
            if (!map.containsKey(init)) {
                if (init.role() != InitializerRole.CONSTANT) {
                    throw new IllegalArgumentException("initializer " + init.describe() + " (" + init.role()
                            + ") must be bound to a training-graph input");
                }
                map.put(init, e.builder().constant(null, init.data()));
            }
        }
        List<TapeEntry> tape = new ArrayList<>();
        List<BufferUpdate> updates = new ArrayList<>();
        for (Node n : source.nodes()) {
            List<Value> ins = new ArrayList<>();
            for (Value v : n.inputs()) {
                ins.add(v == null ? null : require(map, v, n));
            }
            if (training && n.domain().isEmpty() && n.opType().equals("BatchNormalization")) {
                BatchNormTraining.Result r = BatchNormTraining.emit(e, n, ins.get(0), ins.get(1), ins.get(2), ins.get(3),
                        ins.get(4), kernels);
                tape.add(r.entry());
                map.put(n.output(), r.entry().outputs().get(0));
                updates.add(new BufferUpdate(n.input(3), r.runningMean()));
                updates.add(new BufferUpdate(n.input(4), r.runningVar()));
                continue;
            }
            Node copy = e.graph().addNode(n.domain(), n.opType(), null, ins, new ArrayList<>(n.attributes().values()));
            for (int i = 0; i < n.outputs().size(); i++) {
                map.put(n.outputs().get(i), copy.outputs().get(i));
            }
            tape.add(new TapeEntry(n.schema(), n.attributes(), copy.inputs(), copy.outputs(), Map.of()));
        }
        return new Traced(tape, map, updates);
    }

    private static Value require(Map<Value, Value> map, Value v, Node n) {
        Value m = map.get(v);
        if (m == null) {
            throw new IllegalArgumentException(n.describe() + " reads " + v.describe() + ", which is not bound");
        }
        return m;
    }
}
