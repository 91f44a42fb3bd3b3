package dev.asnet.runtime;

import dev.asnet.exporter.export.AslLowering;
import dev.asnet.exporter.export.ExportOptions;
import dev.asnet.exporter.export.InferenceExport;
import dev.asnet.exporter.io.OnnxWriter;
import dev.asnet.exporter.onnx.Onnx.ModelProto;
import dev.asnet.exporter.onnx.Onnx.OperatorSetIdProto;
import dev.asnet.models.ModelConfig;
import dev.asnet.models.ModelZoo;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Zoo networks with random weights, exported for the tests and cached per JVM, and edits of them.
 * Running them directly in ONNX Runtime is {@code dev.asnet.ops.testing.OpSessions}'s job.
 */
public final class TestModels {
    /** A small AS-ResNet20 (W=16, E=1) for Fashion-MNIST. */
    public static final String AS_RESNET = "as-resnet20-16x1";
    /** The depthwise-convolution ablation baseline of the same size. */
    public static final String DW_RESNET = "dwresnet20-16x1";

    private static final Map<String, byte[]> CACHE = new ConcurrentHashMap<>();

    private TestModels() {}

    /**
     * A zoo network built for Fashion-MNIST (1x28x28, 10 labelled classes) and exported.
     *
     * @param name zoo name
     * @param lowering ASL lowering
     * @return the ONNX bytes
     */
    public static byte[] fashion(String name, AslLowering lowering) {
        return CACHE.computeIfAbsent(name + "/" + lowering + "/1x28x28", k -> OnnxWriter.toBytes(
                InferenceExport.prepare(ModelZoo.build(name, ModelConfig.fashionMnist()), ExportOptions.of(lowering))));
    }

    /**
     * A zoo network built for RGB input of the given size with 10 classes.
     *
     * @param name zoo name
     * @param size height and width
     * @return the ONNX bytes (portable lowering)
     */
    public static byte[] rgb(String name, int size) {
        return CACHE.computeIfAbsent(name + "/rgb/" + size, k -> OnnxWriter.toBytes(InferenceExport.prepare(
                ModelZoo.build(name, ModelConfig.cifar10().toBuilder().optInput(3, size, size)
                        .optChannelStats(new float[] {0.5f, 0.4f, 0.3f}, new float[] {0.25f, 0.2f, 0.3f}).build()),
                ExportOptions.of(AslLowering.PORTABLE))));
    }

    /**
     * The same model with its metadata removed, as a plain ONNX exporter would write it.
     *
     * @param model ONNX bytes
     * @return ONNX bytes without metadata_props
     */
    public static byte[] withoutMetadata(byte[] model) throws Exception {
        return ModelProto.parseFrom(model).toBuilder().clearMetadataProps().build().toByteArray();
    }

    /**
     * The same model with one metadata value replaced, to make it broken.
     *
     * @param model ONNX bytes holding the key
     * @param key the key
     * @param value its new value
     * @return ONNX bytes
     */
    public static byte[] withMetadata(byte[] model, String key, String value) throws Exception {
        ModelProto.Builder b = ModelProto.parseFrom(model).toBuilder();
        for (int i = 0; i < b.getMetadataPropsCount(); i++) {
            if (b.getMetadataProps(i).getKey().equals(key)) {
                b.getMetadataPropsBuilder(i).setValue(value);
                return b.build().toByteArray();
            }
        }
        throw new IllegalArgumentException("no metadata " + key);
    }

    /**
     * The same model with its first node moved to another operator domain, which nothing implements.
     *
     * @param model ONNX bytes
     * @param domain the domain
     * @return the changed ONNX bytes
     */
    public static byte[] withForeignDomain(byte[] model, String domain) throws Exception {
        ModelProto.Builder b = ModelProto.parseFrom(model).toBuilder();
        b.getGraphBuilder().getNodeBuilder(0).setDomain(domain);
        b.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(domain).setVersion(1));
        return b.build().toByteArray();
    }

    /**
     * Deterministic pseudo-random values in [-1, 1).
     *
     * @param seed the seed
     * @param n how many
     * @return the values
     */
    public static float[] random(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return x;
    }
}
