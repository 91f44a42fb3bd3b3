package dev.asnet.exporter.ir;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A tensor in a {@link Graph}: a graph input, an initializer (constant data) or a node output. It
 * knows its type, its producer and its users; the graph keeps the use lists up to date.
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
    private final Tensor data;
    private final InitializerRole role;
    private final List<Usage> users = new ArrayList<>();
    private String name;

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
        users.remove(u);
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
