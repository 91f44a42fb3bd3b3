package dev.asnet.exporter.ops;

/**
 * Names of the {@code dev.asnet} operator set as graphs refer to them. These repeat the strings of
 * the custom-op library's contract ({@code dev.asnet.ops.OpContract}) on purpose: the exporter
 * must not depend on the native module, and the models module's tests check both agree.
 */
public final class AsnetDomain {
    /** The operator domain. */
    public static final String DOMAIN = "dev.asnet";
    /** The operator set version. */
    public static final int VERSION = 1;
    /** The forward op: {@code ActiveShift(X[N,C,H,W], shift[C,2]) -> Y}. */
    public static final String ACTIVE_SHIFT = "ActiveShift";
    /** The gradient op: {@code ActiveShiftGrad(dY, X, shift) -> (dX, dShift)}. */
    public static final String ACTIVE_SHIFT_GRAD = "ActiveShiftGrad";
    /**
     * Training only: {@code BatchNormTraining(X[N,C,...], scale[C], B[C]) -> (Y, mean[C], var[C])},
     * normalization with the batch's statistics (var biased), attribute {@link #EPSILON}.
     */
    public static final String BATCH_NORM_TRAINING = "BatchNormTraining";
    /**
     * Training only: {@code BatchNormTrainingGrad(dY, X, scale, mean, var) -> (dX, dscale, dB)}, the
     * gradient of {@link #BATCH_NORM_TRAINING} given its batch statistics, attribute {@link #EPSILON}.
     */
    public static final String BATCH_NORM_TRAINING_GRAD = "BatchNormTrainingGrad";
    /** Training only: {@code ReluGrad(dY, Y) -> dX = dY where Y > 0, else 0}. */
    public static final String RELU_GRAD = "ReluGrad";
    /** The epsilon attribute of the batch-normalization ops (default 1e-5). */
    public static final String EPSILON = "epsilon";
    /** The strides attribute of both ops (along H, along W). */
    public static final String STRIDES = "strides";

    private AsnetDomain() {}
}
