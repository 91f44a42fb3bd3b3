package dev.asnet.ops;

/**
 * Names and constants of the {@code dev.asnet} operator set, shared by everything that builds or
 * runs graphs with these ops.
 *
 * <p>{@code ActiveShift(X, shift) -> Y}: X is float32 {@code [N, C, H, W]}, shift is float32
 * {@code [C, 2]} holding (x_c along W, y_c along H) per channel, attribute {@code strides} (two ints
 * >= 1, default [1, 1]); Y is {@code [N, C, ceil(H/sh), ceil(W/sw)]} with {@code Y[n,c,i,j]} the
 * bilinear sample of {@code X[n,c]} at row {@code i*sh + y_c}, column {@code j*sw + x_c}, taps
 * outside the image reading 0.
 *
 * <p>{@code ActiveShiftGrad(dY, X, shift) -> (dX, dShift)} with the same {@code strides}: the exact
 * gradients, dShift summed over batch and space (right-sided at integer shifts).
 */
public final class OpContract {
    /** The operator domain. */
    public static final String DOMAIN = "dev.asnet";
    /** The version of the {@link #DOMAIN} operator set. */
    public static final int DOMAIN_VERSION = 1;
    /** The forward op's type name. */
    public static final String ACTIVE_SHIFT = "ActiveShift";
    /** The gradient op's type name. */
    public static final String ACTIVE_SHIFT_GRAD = "ActiveShiftGrad";
    /**
     * Training graphs' fused op {@code BatchNormTraining(X, scale, B) -> (Y, mean, var)}: X is float32
     * {@code [N, C, ...]}, scale and B {@code [C]}; mean and var (biased) are the statistics of each
     * channel over every other axis, {@code Y = scale * (X - mean) / sqrt(var + epsilon) + B}. CPU only.
     */
    public static final String BATCH_NORM_TRAINING = "BatchNormTraining";
    /**
     * {@code BatchNormTrainingGrad(dY, X, scale, mean, var) -> (dX, dscale, dB)}: the exact gradient of
     * {@link #BATCH_NORM_TRAINING} (mean and var depending on X), given its batch statistics. CPU only.
     */
    public static final String BATCH_NORM_TRAINING_GRAD = "BatchNormTrainingGrad";
    /** {@code ReluGrad(dY, Y) -> dX}: {@code dX = Y > 0 ? dY : 0} (Y the ReLU's output or input). CPU only. */
    public static final String RELU_GRAD = "ReluGrad";
    /** The epsilon attribute of the batch-normalization ops: a finite float > 0, default 1e-5. */
    public static final String EPSILON = "epsilon";
    /** The strides attribute of both ops: two ints (along H, along W), each >= 1. */
    public static final String STRIDES = "strides";

    private OpContract() {}

    /**
     * Output extent of ActiveShift along one axis.
     *
     * @param in the input extent (>= 0)
     * @param stride the stride along that axis (>= 1)
     * @return {@code ceil(in / stride)}
     */
    public static long outputExtent(long in, long stride) {
        if (in < 0 || stride < 1) {
            throw new IllegalArgumentException("extent must be >= 0 and stride >= 1, got " + in + " and " + stride);
        }
        // Not (in + stride - 1) / stride: that overflows for strides near Long.MAX_VALUE (issue 11).
        return in == 0 ? 0 : (in - 1) / stride + 1;
    }
}
