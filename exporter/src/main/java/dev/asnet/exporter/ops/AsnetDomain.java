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
    /** The strides attribute of both ops (along H, along W). */
    public static final String STRIDES = "strides";

    private AsnetDomain() {}
}
