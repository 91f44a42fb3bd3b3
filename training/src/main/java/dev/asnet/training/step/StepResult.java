package dev.asnet.training.step;

/**
 * What one training step reports.
 *
 * @param loss the batch's mean loss (before the update)
 * @param correct how many of the batch's predictions were right (before the update)
 * @param runNanos time spent inside ONNX Runtime's run call
 * @param totalNanos time of the whole step call, including the Java-side work around the run
 */
public record StepResult(double loss, int correct, long runNanos, long totalNanos) {}
