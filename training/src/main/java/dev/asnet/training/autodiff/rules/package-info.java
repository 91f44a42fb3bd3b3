/**
 * One gradient rule per op, each emitting standard ONNX ops (and {@code dev.asnet::ActiveShiftGrad})
 * into the training graph. Registered in {@link dev.asnet.training.autodiff.GradientRules}.
 */
package dev.asnet.training.autodiff.rules;
