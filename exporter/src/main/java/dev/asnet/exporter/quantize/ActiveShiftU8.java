package dev.asnet.exporter.quantize;

import dev.asnet.exporter.ops.AsnetDomain;
import dev.asnet.exporter.ops.OpRegistry;
import dev.asnet.exporter.ops.OpSchema;

/**
 * The uint8 Active Shift op the quantizer emits, {@code dev.asnet::ActiveShiftU8(X, shift, x_scale,
 * x_zero_point) -> Y} ({@link AsnetDomain#ACTIVE_SHIFT_U8}): X and Y uint8 {@code [N, C, H, W]}
 * sharing {@code x_scale} (float scalar) and {@code x_zero_point} (uint8 scalar), shift float
 * {@code [C, 2]}, attribute {@code strides} as ActiveShift. {@code Y} is the bilinear sample of X,
 * taps outside the image reading the zero point, by the exact integer rule of the op contract
 * (weights in [0, 2^14] summing to 2^14, round half up). The
 * op library implements it (and its channels-last sibling {@link AsnetDomain#ACTIVE_SHIFT_NHWC_U8},
 * which the runtime puts into ONNX Runtime's optimized graphs); its schema is in {@link
 * dev.asnet.exporter.ops.AsnetOpSchemas}.
 */
public final class ActiveShiftU8 {
    /** The op type. */
    public static final String OP_TYPE = AsnetDomain.ACTIVE_SHIFT_U8;

    private ActiveShiftU8() {}

    /**
     * A registry with every standard op and the {@code dev.asnet} ops, ActiveShiftU8 included.
     *
     * @return the shared standard registry (do not modify it)
     */
    public static OpRegistry registry() {
        return OpRegistry.standard();
    }

    /**
     * The op's schema.
     *
     * @return the schema
     */
    public static OpSchema schema() {
        return registry().find(AsnetDomain.DOMAIN, OP_TYPE).orElseThrow();
    }
}
