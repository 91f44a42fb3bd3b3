package dev.asnet.training.autodiff;

/** How the optimizer treats a parameter; derived from where the parameter is used. */
public enum ParameterKind {
    /** Conv and FC weights: weight decay applies. */
    WEIGHT,
    /** BN scale and bias, conv and FC biases: no weight decay. */
    NO_DECAY,
    /** ASL shifts: no decay, LR multiplier and optional gradient normalization. */
    SHIFT
}
