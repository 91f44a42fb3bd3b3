package dev.asnet.training.autodiff.rules;

import dev.asnet.exporter.ir.Attribute;
import dev.asnet.exporter.ir.OpSignature;
import java.util.List;
import java.util.Map;

/**
 * One differentiable operation recorded while the forward part of a training graph was built:
 * the op, its attributes, its inputs and outputs in the training graph, and the intermediate
 * values its gradient rule reuses (such as batch-norm's centered input), so the backward pass
 * never recomputes them.
 *
 * @param schema the op's schema (for attribute defaults)
 * @param attributes the attributes set explicitly
 * @param inputs the inputs in the training graph (null for an omitted optional input)
 * @param outputs the outputs in the training graph
 * @param saved named intermediate values for the gradient rule
 */
public record TapeEntry(OpSignature schema, Map<String, Attribute> attributes, List<dev.asnet.exporter.ir.Value> inputs,
        List<dev.asnet.exporter.ir.Value> outputs, Map<String, dev.asnet.exporter.ir.Value> saved) {

    /**
     * The op type.
     *
     * @return such as {@code "Conv"}
     */
    public String opType() {
        return schema.opType();
    }

    /**
     * The op's domain.
     *
     * @return {@code ""} for standard ONNX
     */
    public String domain() {
        return schema.domain();
    }

    /**
     * An input, or null when omitted.
     *
     * @param i the slot
     * @return the value or null
     */
    public dev.asnet.exporter.ir.Value input(int i) {
        return i < inputs.size() ? inputs.get(i) : null;
    }

    private Attribute attr(String name) {
        Attribute a = attributes.get(name);
        if (a == null) {
            a = schema.attributeDefault(name);
        }
        return a;
    }

    /**
     * An int attribute or its default.
     *
     * @param name the attribute
     * @param dflt the value when neither set nor defaulted by the schema
     * @return the value
     */
    public long intAttr(String name, long dflt) {
        Attribute a = attr(name);
        return a == null ? dflt : a.asInt();
    }

    /**
     * A float attribute or its default.
     *
     * @param name the attribute
     * @param dflt the value when neither set nor defaulted by the schema
     * @return the value
     */
    public float floatAttr(String name, float dflt) {
        Attribute a = attr(name);
        return a == null ? dflt : a.asFloat();
    }

    /**
     * An ints attribute or its default.
     *
     * @param name the attribute
     * @param dflt the value when neither set nor defaulted by the schema
     * @return the values
     */
    public long[] intsAttr(String name, long[] dflt) {
        Attribute a = attr(name);
        return a == null ? dflt : a.asInts();
    }
}
