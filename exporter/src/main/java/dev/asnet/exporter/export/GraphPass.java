package dev.asnet.exporter.export;

import dev.asnet.exporter.ir.Graph;

/**
 * A transformation of a graph in place, through the IR's checked edits. {@link InferenceExport}
 * copies the source graph once and runs its passes over the copy.
 */
@FunctionalInterface
public interface GraphPass {
    /**
     * Transforms the graph.
     *
     * @param graph the graph to change (names assigned)
     * @throws dev.asnet.exporter.ir.IrException if the graph cannot be transformed as asked
     */
    void apply(Graph graph);
}
