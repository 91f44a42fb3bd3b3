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
 */
public record BenchModel(String name, String family, String variant, long[] inputShape, long params, long macs,
        Source source) {
    /** Produces a model's bytes; may fail (the runner reports the failure and carries on). */
    @FunctionalInterface
    public interface Source {
        /**
         * @return the serialized ONNX model
         * @throws Exception if the model cannot be built or read
         */
        byte[] bytes() throws Exception;
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
