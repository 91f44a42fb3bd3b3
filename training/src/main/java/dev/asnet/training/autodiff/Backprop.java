package dev.asnet.training.autodiff;

import dev.asnet.exporter.ir.Value;
import dev.asnet.exporter.ops.GraphBuilder;
import dev.asnet.training.autodiff.rules.GradientContext;
import dev.asnet.training.autodiff.rules.GradientRule;
import dev.asnet.training.autodiff.rules.TapeEntry;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The reverse-mode pass: walks a tape backwards from seed gradients and emits, through each op's
 * {@link GradientRule}, the nodes computing the gradient of every value that depends on the
 * requested ones. Contributions from several users of a value are summed with Add nodes.
 */
public final class Backprop {
    private Backprop() {}

    /**
     * Emits the backward graph.
     *
     * @param builder where to emit
     * @param tape the forward ops in execution order
     * @param seeds gradient of the loss for some forward values (usually the loss-head output)
     * @param wrt the values to differentiate with respect to (parameters)
     * @param rules the rule registry
     * @return the gradient for each value in {@code wrt} that influences a seed (others absent)
     * @throws IllegalArgumentException naming the op when a needed rule is missing
     */
    public static Map<Value, Value> run(GraphBuilder builder, List<TapeEntry> tape, Map<Value, Value> seeds, Set<Value> wrt,
            GradientRules rules) {
        // Forward pass over the tape: which values depend on something in wrt.
        Set<Value> live = new HashSet<>(wrt);
        for (TapeEntry e : tape) {
            if (e.inputs().stream().anyMatch(live::contains)) {
                live.addAll(e.outputs());
            }
        }
        Map<Value, Value> grads = new LinkedHashMap<>(seeds);
        for (int k = tape.size() - 1; k >= 0; k--) {
            TapeEntry e = tape.get(k);
            if (e.outputs().stream().noneMatch(grads::containsKey)
                    || e.inputs().stream().noneMatch(live::contains)) {
                continue;
            }
            GradientRule rule = rules.find(e.domain(), e.opType()).orElseThrow(() -> new IllegalArgumentException(
                    "no gradient rule for op '" + (e.domain().isEmpty() ? "" : e.domain() + "::") + e.opType() + "'"));
            rule.backward(new GradientContext() {
                @Override
                public TapeEntry entry() {
                    return e;
                }

                @Override
                public GraphBuilder builder() {
                    return builder;
                }

                @Override
                public Value outputGrad(int i) {
                    return grads.get(e.outputs().get(i));
                }

                @Override
                public boolean needsGrad(int i) {
                    Value v = e.input(i);
                    return v != null && live.contains(v);
                }

                @Override
                public void addInputGrad(int i, Value grad) {
                    Value v = e.input(i);
                    if (!grad.shape().equals(v.shape())) {
                        throw new IllegalStateException(e.opType() + " rule produced gradient " + grad.shape()
                                + " for input " + i + " of shape " + v.shape());
                    }
                    grads.merge(v, grad, builder::add);
                }

                @Override
                public Value accumulatedGrad(int i) {
                    Value v = e.input(i);
                    return v == null ? null : grads.get(v);
                }

                @Override
                public void replaceInputGrad(int i, Value total) {
                    Value v = e.input(i);
                    if (!total.shape().equals(v.shape())) {
                        throw new IllegalStateException(e.opType() + " rule produced gradient " + total.shape()
                                + " for input " + i + " of shape " + v.shape());
                    }
                    grads.put(v, total);
                }
            });
        }
        Map<Value, Value> out = new LinkedHashMap<>();
        for (Value w : wrt) {
            if (grads.containsKey(w)) {
                out.put(w, grads.get(w));
            }
        }
        return out;
    }
}
