/**
 * Reverse-mode automatic differentiation over the exporter's graph IR and the training-step
 * graphs built with it: {@link dev.asnet.training.autodiff.ForwardTracer} copies a model's forward
 * graph into a training graph and records a tape, {@link dev.asnet.training.autodiff.Backprop}
 * walks it backwards through one {@link dev.asnet.training.autodiff.rules.GradientRule} per op, and
 * {@link dev.asnet.training.autodiff.TrainingGraphBuilder} adds the loss head and the optimizer.
 * Everything is ordinary ONNX (plus {@code dev.asnet::ActiveShiftGrad}), run by ONNX Runtime's
 * inference API, which has no training support in its Java build.
 */
package dev.asnet.training.autodiff;
