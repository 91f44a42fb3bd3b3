package dev.asnet.exporter.ir;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A tensor in a {@link Graph}: a graph input, an initializer (constant data) or a node output. It
 * knows its type, its producer and its users; the graph keeps the use lists up to date through
 * every edit ({@link #replaceAllUsesWith}, {@link Graph#removeNode}, {@link Node#replaceInput}).
 *
 * <p>Values are created only by their graph ({@link Graph#addInput}, {@link
 * Graph#addInitializer}, {@link Graph#addNode}). A value may stay unnamed until serialization,
 * when the graph's {@link NameAuthority} names it.
 */
public final class Value {
    /** Where a value comes from. */
    public enum Kind {
        /** A graph input fed at run time. */
        INPUT,
        /** An initializer: constant data stored in the model. */
        INITIALIZER,
        /** An output of a node. */
        NODE_OUTPUT
    }

    private final Graph graph;
    private final Kind kind;
    private final ValueType type;
    private final Node producer;
    private final int outputIndex;
    private Tensor data;
    private final InitializerRole role;
    private final List<Usage> users = new ArrayList<>();
    private String name;
    private boolean removed;

    Value(Graph graph, Kind kind, ValueType type, Node producer, int outputIndex, Tensor data, InitializerRole role) {
        this.graph = graph;
        this.kind = kind;
        this.type = type;
        this.producer = producer;
        this.outputIndex = outputIndex;
        this.data = data;
        this.role = role;
    }

    /**
     * The graph that owns this value.
     *
     * @return the owner
     */
    public Graph graph() {
        return graph;
    }

    /**
     * Where the value comes from.
     *
     * @return the kind
     */
    public Kind kind() {
        return kind;
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
     * Names the value. The name must be unique among the graph's values.
     *
     * @param newName the name
     * @return this value
     * @throws IrException if the name is taken or this value already has a different name
     */
    public Value setName(String newName) {
        graph.names().claimValueName(this, newName);
        this.name = newName;
        return this;
    }

    void assignName(String generated) {
        this.name = generated;
    }

    /**
     * Renames the value, whether or not it has a name yet. Unlike {@link #setName}, an existing
     * name is given up (and becomes free for other values); the new name must not be taken.
     *
     * @param newName the new name, or null to leave the value unnamed until serialization
     * @return this value
     * @throws IrException if the name is taken or the value was removed from its graph
     */
    public Value rename(String newName) {
        graph.requireLive(this);
        graph.names().renameValue(this, newName);
        this.name = newName;
        return this;
    }

    /**
     * Makes every user of this value read {@code replacement} instead, and puts {@code
     * replacement} in this value's place among the graph outputs. Afterwards this value has no
     * users, so its producer can be removed. Names are not moved: rename the replacement if it
     * should take this value's name.
     *
     * @param replacement a value of the same graph with the same type, available before every user
     *     (its producer comes earlier in the node order), so topological order is kept
     * @throws IrException naming both values if the graphs or types differ, if a user comes before
     *     the replacement's producer, or if the replacement is already a graph output where this
     *     value is one too
     */
    public void replaceAllUsesWith(Value replacement) {
        graph.replaceAllUses(this, replacement);
    }

    /**
     * Element type and shape.
     *
     * @return the type
     */
    public ValueType type() {
        return type;
    }

    /**
     * The element type.
     *
     * @return the data type
     */
    public DataType dataType() {
        return type.dataType();
    }

    /**
     * The shape.
     *
     * @return the shape
     */
    public Shape shape() {
        return type.shape();
    }

    /**
     * The producing node, or null for graph inputs and initializers.
     *
     * @return the producer or null
     */
    public Node producer() {
        return producer;
    }

    /**
     * Which output of the producer this is ({@code -1} when there is no producer).
     *
     * @return the output index
     */
    public int outputIndex() {
        return outputIndex;
    }

    /**
     * Whether this is an initializer.
     *
     * @return true for constant data
     */
    public boolean isInitializer() {
        return kind == Kind.INITIALIZER;
    }

    /**
     * The constant data of an initializer.
     *
     * @return the tensor, or null when this is not an initializer
     */
    public Tensor data() {
        return data;
    }

    void setData(Tensor newData) {
        this.data = newData;
    }

    /**
     * Whether the value was removed from its graph (with its producer, or as an unused
     * initializer). A removed value cannot be used by new nodes.
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
     * The role of an initializer.
     *
     * @return the role, or null when this is not an initializer
     */
    public InitializerRole role() {
        return role;
    }

    /**
     * Every use of this value, in the order the uses were created.
     *
     * @return an unmodifiable view
     */
    public List<Usage> users() {
        return Collections.unmodifiableList(users);
    }

    void addUser(Usage u) {
        users.add(u);
    }

    void removeUser(Usage u) {
        if (!users.remove(u)) {
            throw new IllegalStateException(describe() + " has no use " + u + " to remove");
        }
    }

    /**
     * A description for messages: name (or producer) and type.
     *
     * @return a short description
     */
    public String describe() {
        String who = name != null ? "'" + name + "'"
                : producer != null ? "output " + outputIndex + " of " + producer.describe()
                : "unnamed " + kind.name().toLowerCase(java.util.Locale.ROOT);
        return who + " " + type;
    }

    @Override
    public String toString() {
        return describe();
    }
}
