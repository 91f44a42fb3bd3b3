package dev.asnet.exporter.ops;

import dev.asnet.exporter.ir.Attribute;
import dev.asnet.exporter.ir.DataType;
import dev.asnet.exporter.ir.IrException;
import dev.asnet.exporter.ir.Shape;
import dev.asnet.exporter.ir.Value;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * A node under construction, as its {@link ShapeFunction} sees it: inputs, attributes with
 * schema defaults applied, and {@link #fail} to report a mismatch under the node's name.
 */
public final class NodeContext {
    private final String who;
    private final OpSchema schema;
    private final List<Value> inputs;
    private final Map<String, Attribute> attributes;

    /**
     * Creates the context.
     *
     * @param who the node's description for messages, such as {@code Conv node 'stem'}
     * @param schema the schema
     * @param inputs the inputs (null for omitted optional inputs)
     * @param attributes the explicitly set attributes
     */
    public NodeContext(String who, OpSchema schema, List<Value> inputs, Map<String, Attribute> attributes) {
        this.who = who;
        this.schema = schema;
        this.inputs = Collections.unmodifiableList(inputs);
        this.attributes = Collections.unmodifiableMap(attributes);
    }

    /**
     * The node description used in messages.
     *
     * @return the description
     */
    public String who() {
        return who;
    }

    /**
     * Number of input slots given (trailing omitted ones included).
     *
     * @return the count
     */
    public int inputCount() {
        return inputs.size();
    }

    /**
     * One input.
     *
     * @param i the slot
     * @return the value, or null when omitted or not given
     */
    public Value input(int i) {
        return i < inputs.size() ? inputs.get(i) : null;
    }

    /**
     * The shape of a present input.
     *
     * @param i the slot
     * @return its shape
     */
    public Shape shape(int i) {
        return inputs.get(i).shape();
    }

    /**
     * The explicitly set attributes.
     *
     * @return attributes by name
     */
    public Map<String, Attribute> attributes() {
        return attributes;
    }

    private Attribute attr(String name) {
        Attribute a = attributes.get(name);
        if (a == null) {
            AttrSpec spec = schema.attributes().get(name);
            a = spec == null ? null : spec.defaultValue();
        }
        return a;
    }

    /**
     * An INT attribute or its default.
     *
     * @param name the name
     * @return the value
     */
    public long intAttr(String name) {
        return attr(name).asInt();
    }

    /**
     * An INT attribute, or {@code dflt} when the node does not have it and the schema gives no default.
     *
     * @param name the name
     * @param dflt the value of an absent attribute
     * @return the value
     */
    public long intAttr(String name, long dflt) {
        Attribute a = attr(name);
        return a == null ? dflt : a.asInt();
    }

    /**
     * A FLOAT attribute or its default.
     *
     * @param name the name
     * @return the value
     */
    public float floatAttr(String name) {
        return attr(name).asFloat();
    }

    /**
     * A STRING attribute or its default.
     *
     * @param name the name
     * @return the value
     */
    public String stringAttr(String name) {
        return attr(name).asString();
    }

    /**
     * An INTS attribute, its default, or null when neither exists.
     *
     * @param name the name
     * @return the values or null
     */
    public long[] intsAttr(String name) {
        Attribute a = attr(name);
        return a == null ? null : a.asInts();
    }

    /**
     * An INTS attribute of a fixed length whose values are all at least {@code min}, or
     * {@code dflt} when unset.
     *
     * @param name the name
     * @param length the required length
     * @param min the smallest allowed value
     * @param dflt the default when unset
     * @return the values
     */
    public long[] intsAttr(String name, int length, long min, long[] dflt) {
        long[] v = intsAttr(name);
        if (v == null) {
            return dflt;
        }
        if (v.length != length) {
            throw fail("attribute '" + name + "' must have " + length + " values but has " + v.length + " "
                    + Arrays.toString(v));
        }
        for (long x : v) {
            if (x < min) {
                throw fail("attribute '" + name + "' values must be >= " + min + " but got " + Arrays.toString(v));
            }
        }
        return v;
    }

    /**
     * Requires an input to have a given rank.
     *
     * @param i the slot
     * @param rank the rank
     * @return its shape
     */
    public Shape requireRank(int i, int rank) {
        Shape s = shape(i);
        if (s.rank() != rank) {
            throw fail("input " + i + " (" + schema.inputName(i) + ") must have rank " + rank + " but has shape " + s);
        }
        return s;
    }

    /**
     * Requires an input to have a given element type.
     *
     * @param i the slot
     * @param type the type
     */
    public void requireType(int i, DataType type) {
        DataType t = inputs.get(i).dataType();
        if (t != type) {
            throw fail("input " + i + " (" + schema.inputName(i) + ") must be " + type + " but is " + t);
        }
    }

    /**
     * The name of an input slot.
     *
     * @param i the slot
     * @return the name
     */
    public String inputName(int i) {
        return schema.inputName(i);
    }

    /**
     * An exception naming this node.
     *
     * @param message the mismatch
     * @return the exception to throw
     */
    public IrException fail(String message) {
        return new IrException(who + ": " + message);
    }
}
