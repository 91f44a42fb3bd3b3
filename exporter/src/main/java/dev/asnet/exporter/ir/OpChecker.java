package dev.asnet.exporter.ir;

import java.util.Optional;

/**
 * The operators a {@link Graph} accepts. A graph is given one when it is created and asks it for
 * every node it adds; {@code dev.asnet.exporter.ops.OpRegistry} is the usual implementation.
 */
@FunctionalInterface
public interface OpChecker {
    /**
     * Looks up an operator.
     *
     * @param domain the domain ({@code ""} for standard ONNX)
     * @param opType the op type
     * @return its signature, or empty when the graph must refuse the op
     */
    Optional<? extends OpSignature> find(String domain, String opType);
}
