package dev.asnet.exporter.ir;

import dev.asnet.exporter.ops.OpSchema;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One operator application: op type and domain, input values (null for an omitted optional
 * input), attributes and output values. Created by {@link Graph#addNode}, which validates it
 * against its {@link OpSchema}; immutable afterwards except for its name.
 */
public final class Node {
    private final Graph graph;
    private final OpSchema schema;
    private final List<Value> inputs;
    private final Map<String, Attribute> attributes;
    private final List<Value> outputs = new ArrayList<>();
    private final int index;
    private String name;

    Node(Graph graph, OpSchema schema, List<Value> inputs, Map<String, Attribute> attributes, int index) {
        this.graph = graph;
        this.schema = schema;
        this.inputs = Collections.unmodifiableList(new ArrayList<>(inputs));
        this.attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
        this.index = index;
    }

    void addOutput(Value v) {
        outputs.add(v);
    }

    /**
     * The owning graph.
     *
     * @return the graph
     */
    public Graph graph() {
        return graph;
    }

    /**
     * The schema the node was validated against.
     *
     * @return the schema
     */
    public OpSchema schema() {
        return schema;
    }

    /**
     * The operator domain ({@code ""} for standard ONNX).
     *
     * @return the domain
     */
    public String domain() {
        return schema.domain();
    }

    /**
     * The operator type, such as {@code "Conv"}.
     *
     * @return the op type
     */
    public String opType() {
        return schema.opType();
    }

    /**
     * The name, or null while unnamed.
     *
     * @return the name or null
     */
    public String name() {
        return name;
    }

    /**
     * Names the node. The name must be unique among the graph's nodes.
     *
     * @param newName the name
     * @return this node
     * @throws IrException if the name is taken
     */
    public Node setName(String newName) {
        graph.names().claimNodeName(this, newName);
        this.name = newName;
        return this;
    }

    void assignName(String generated) {
        this.name = generated;
    }

    /**
     * The inputs, in slot order; an omitted optional input is null.
     *
     * @return an unmodifiable list
     */
    public List<Value> inputs() {
        return inputs;
    }

    /**
     * One input.
     *
     * @param i the slot
     * @return the value, or null when the slot is empty or beyond the inputs given
     */
    public Value input(int i) {
        return i < inputs.size() ? inputs.get(i) : null;
    }

    /**
     * The outputs.
     *
     * @return an unmodifiable list
     */
    public List<Value> outputs() {
        return Collections.unmodifiableList(outputs);
    }

    /**
     * The first (usually only) output.
     *
     * @return output 0
     */
    public Value output() {
        return outputs.get(0);
    }

    /**
     * The attributes that were set explicitly, in the order given.
     *
     * @return an unmodifiable map by name
     */
    public Map<String, Attribute> attributes() {
        return attributes;
    }

    /**
     * An explicitly set attribute.
     *
     * @param attrName the attribute name
     * @return the attribute if set
     */
    public Optional<Attribute> attribute(String attrName) {
        return Optional.ofNullable(attributes.get(attrName));
    }

    /**
     * Position of this node in the graph's creation order.
     *
     * @return the index
     */
    public int index() {
        return index;
    }

    /**
     * A description for messages, such as {@code Conv node 'stem.conv'}.
     *
     * @return the description
     */
    public String describe() {
        return describe(opType(), name, index);
    }

    /**
     * The description of a node that may not exist yet.
     *
     * @param opType the op type
     * @param name the name or null
     * @param index the creation index
     * @return the description
     */
    public static String describe(String opType, String name, int index) {
        return opType + " node " + (name != null ? "'" + name + "'" : "#" + index + " (unnamed)");
    }

    @Override
    public String toString() {
        return describe() + " " + attributes.values();
    }
}
