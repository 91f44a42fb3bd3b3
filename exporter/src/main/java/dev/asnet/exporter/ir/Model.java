package dev.asnet.exporter.ir;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A graph plus what an ONNX model file adds around it: the standard opset version to import,
 * the IR version, producer and {@code metadata_props} ({@link dev.asnet.exporter.ModelInfo}
 * defines the keys asnet writes).
 */
public final class Model {
    /** The default standard-ONNX opset version. */
    public static final int DEFAULT_OPSET = 17;
    /** The default ONNX IR version. */
    public static final int DEFAULT_IR_VERSION = 8;

    private final Graph graph;
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private int opsetVersion = DEFAULT_OPSET;
    private int irVersion = DEFAULT_IR_VERSION;
    private String producerName = "asnet";
    private String producerVersion = dev.asnet.exporter.AsnetVersion.VERSION;

    /**
     * Wraps a graph.
     *
     * @param graph the graph
     */
    public Model(Graph graph) {
        this.graph = Objects.requireNonNull(graph, "graph");
    }

    /**
     * The graph.
     *
     * @return the graph
     */
    public Graph graph() {
        return graph;
    }

    /**
     * Metadata entries in insertion order.
     *
     * @return an unmodifiable view
     */
    public Map<String, String> metadata() {
        return Collections.unmodifiableMap(metadata);
    }

    /**
     * Sets a metadata entry.
     *
     * @param key the key
     * @param value the value
     * @return this model
     */
    public Model putMetadata(String key, String value) {
        metadata.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return this;
    }

    /**
     * Replaces all metadata entries, such as with {@link dev.asnet.exporter.ModelInfo#toMetadata()}.
     *
     * @param entries the new entries, in the order they are written
     * @return this model
     */
    public Model setMetadata(Map<String, String> entries) {
        Map<String, String> copy = new LinkedHashMap<>();
        entries.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "key"), Objects.requireNonNull(v, "value")));
        metadata.clear();
        metadata.putAll(copy);
        return this;
    }

    /**
     * The standard-ONNX opset version imported when standard ops are used.
     *
     * @return the opset version
     */
    public int opsetVersion() {
        return opsetVersion;
    }

    /**
     * Sets the standard-ONNX opset version.
     *
     * @param version the opset version (the serializer checks every op exists in it)
     * @return this model
     */
    public Model setOpsetVersion(int version) {
        this.opsetVersion = version;
        return this;
    }

    /**
     * The ONNX IR version.
     *
     * @return the IR version
     */
    public int irVersion() {
        return irVersion;
    }

    /**
     * Sets the ONNX IR version.
     *
     * @param version the IR version
     * @return this model
     */
    public Model setIrVersion(int version) {
        this.irVersion = version;
        return this;
    }

    /**
     * The producer name.
     *
     * @return the producer name
     */
    public String producerName() {
        return producerName;
    }

    /**
     * The producer version.
     *
     * @return the producer version
     */
    public String producerVersion() {
        return producerVersion;
    }

    /**
     * Sets the producer.
     *
     * @param name producer name
     * @param version producer version
     * @return this model
     */
    public Model setProducer(String name, String version) {
        this.producerName = Objects.requireNonNull(name);
        this.producerVersion = Objects.requireNonNull(version);
        return this;
    }
}
