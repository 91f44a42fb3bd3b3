package dev.asnet.exporter.ir;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One operator application: op type and domain, input values (null for an omitted optional
 * input), attributes and output values. Created by {@link Graph#addNode} (or one of the insert
 * methods), which validates it against its {@link OpSignature}. Op, attributes and outputs are
 * fixed afterwards; the inputs change only through checked edits ({@link #replaceInput}, {@link
 * Value#replaceAllUsesWith}) and the name through {@link #setName} and {@link #rename}.
 */
public final class Node {
    private final Graph graph;
    private final OpSignature schema;
    private final List<Value> inputs;
    private final List<Value> inputsView;
    private final Map<String, Attribute> attributes;
    private final List<Value> outputs = new ArrayList<>();
    private final int index;
    private String name;
    private boolean removed;

    Node(Graph graph, OpSignature schema, List<Value> inputs, Map<String, Attribute> attributes, int index) {
        this.graph = graph;
        this.schema = schema;
        this.inputs = new ArrayList<>(inputs);
        this.inputsView = Collections.unmodifiableList(this.inputs);
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
     * The signature the node was validated against.
     *
     * @return the op's signature
     */
    public OpSignature schema() {
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
     * Renames the node, whether or not it has a name yet; the old name becomes free.
     *
     * @param newName the new name, or null to leave the node unnamed until serialization
     * @return this node
     * @throws IrException if the name is taken or the node was removed
     */
    public Node rename(String newName) {
        graph.requireLive(this);
        graph.names().renameNode(this, newName);
        this.name = newName;
        return this;
    }

    /**
     * Points one input slot at another value (or adds an optional input one past the last slot).
     * The node is checked again against its op with the new inputs, and its output types must not
     * change, since its users were checked against them.
     *
     * @param slot the input slot, at most {@code inputs().size()}
     * @param value the new input (null to omit an optional input), available before this node
     * @throws IrException naming the node if the op refuses the new input, the output types would
     *     change, or the value is not available before this node
     */
    public void replaceInput(int slot, Value value) {
        graph.replaceInput(this, slot, value);
    }

    void setInputSlot(int slot, Value value) {
        if (slot == inputs.size()) {
            inputs.add(value);
        } else {
            inputs.set(slot, value);
        }
    }

    /**
     * Whether the node was removed from its graph ({@link Graph#removeNode}).
     *
     * @return true once removed
     */
    public boolean isRemoved() {
        return removed;
    }

    void markRemoved() {
        removed = true;
    }

    /**
     * The inputs, in slot order; an omitted optional input is null.
     *
     * @return an unmodifiable list
     */
    public List<Value> inputs() {
        return inputsView;
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
     * A serial number given at creation, unique within the graph, that names an unnamed node in
     * messages. It is not the node's position once nodes are inserted or removed: see {@link
     * Graph#position}.
     *
     * @return the creation serial
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
