package dev.asnet.exporter.ir;

import java.util.List;
import java.util.Map;

/**
 * What a graph knows about one operator: its identity, the opset it first appeared in, and how to
 * check a node of it. The graph depends on this interface only, so the IR stays independent of
 * where schemas come from ({@code dev.asnet.exporter.ops.OpSchema} implements it).
 */
public interface OpSignature {
    /**
     * The operator domain ({@code ""} for standard ONNX).
     *
     * @return the domain
     */
    String domain();

    /**
     * The operator type, such as {@code "Conv"}.
     *
     * @return the op type
     */
    String opType();

    /**
     * The opset version that introduced this form of the op.
     *
     * @return the version
     */
    int sinceVersion();

    /**
     * The name of an input slot, for messages.
     *
     * @param i the slot
     * @return its name
     */
    String inputName(int i);

    /**
     * The value an attribute has when a node does not set it.
     *
     * @param name the attribute name
     * @return the default, or null when the attribute has none (or is unknown)
     */
    Attribute attributeDefault(String name);

    /**
     * Validates a node of this op and infers its output types.
     *
     * @param who the node's description for messages, such as {@code Conv node 'stem'}
     * @param inputs the inputs in slot order (null for an omitted optional input)
     * @param attributes the explicitly set attributes by name
     * @return the output types
     * @throws IrException naming the node and the mismatch
     */
    List<ValueType> check(String who, List<Value> inputs, Map<String, Attribute> attributes);
}
