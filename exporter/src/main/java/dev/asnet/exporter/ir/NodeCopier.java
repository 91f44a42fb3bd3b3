package dev.asnet.exporter.ir;

import java.util.List;

/**
 * How {@link Graph#copyNodesInto} writes one source node into the target graph. The default
 * ({@link Graph#copy()}) adds the same op with the same name and attributes; a caller that derives
 * a different graph (training, for instance) can emit something else for some nodes.
 */
@FunctionalInterface
public interface NodeCopier {
    /**
     * Adds the target-graph form of one source node.
     *
     * @param source the node being copied
     * @param inputs its inputs already mapped into the target graph (null for omitted ones)
     * @return the target-graph values standing for the source node's outputs, in output order
     */
    List<Value> copy(Node source, List<Value> inputs);
}
