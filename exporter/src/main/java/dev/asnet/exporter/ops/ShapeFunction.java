package dev.asnet.exporter.ops;

import dev.asnet.exporter.ir.ValueType;
import java.util.List;

/** Validates a node's inputs and attributes beyond arity and attribute types, and infers outputs. */
@FunctionalInterface
public interface ShapeFunction {
    /**
     * Infers the output types.
     *
     * @param ctx the node being built
     * @return one type per output
     * @throws dev.asnet.exporter.ir.IrException from {@link NodeContext#fail} when the node is invalid
     */
    List<ValueType> infer(NodeContext ctx);
}
