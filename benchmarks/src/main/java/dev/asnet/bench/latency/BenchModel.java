package dev.asnet.bench.latency;

import java.util.Objects;

/**
 * One model to time.
 *
 * @param name unique label, e.g. {@code as-resnet-w32/custom}
 * @param family the architecture it belongs to, e.g. {@code as-resnet-w32}
 * @param variant how it was exported, e.g. the ASL lowering ({@code custom}), or {@code -}
 * @param inputShape the input tensor shape to feed (batch included)
 * @param params parameter count
 * @param macs multiply-accumulates per image
 * @param source produces the serialized ONNX model (called once per configuration)
 * @param nchwcRewrite whether the model is opened with asnet's NCHWc rewrite where it applies (as
 *     asnet runs models by default); false times what ONNX Runtime does on its own
 */
public record BenchModel(String name, String family, String variant, long[] inputShape, long params, long macs,
        Source source, boolean nchwcRewrite) {
    /** Produces a model's bytes; may fail (the runner reports the failure and carries on). */
    @FunctionalInterface
    public interface Source {
        /**
         * @return the serialized ONNX model
         * @throws Exception if the model cannot be built or read
         */
        byte[] bytes() throws Exception;
    }

    /**
     * A model opened as asnet opens it (with the NCHWc rewrite where it applies).
     *
     * @param name unique label
     * @param family the architecture
     * @param variant how it was exported
     * @param inputShape the input shape
     * @param params parameter count
     * @param macs multiply-accumulates per image
     * @param source produces the model
     */
    public BenchModel(String name, String family, String variant, long[] inputShape, long params, long macs,
            Source source) {
        this(name, family, variant, inputShape, params, macs, source, true);
    }

    /**
     * The same model opened without the NCHWc rewrite, under another name and variant.
     *
     * @return the entry
     */
    public BenchModel withoutNchwcRewrite() {
        return new BenchModel(name + " (ORT layout)", family + " (ORT layout)", variant + ", no NCHWc rewrite",
                inputShape, params, macs, source, false);
    }

    /** Validates the fields. */
    public BenchModel {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(variant, "variant");
        Objects.requireNonNull(inputShape, "inputShape");
        Objects.requireNonNull(source, "source");
        inputShape = inputShape.clone();
    }
}
