/**
 * Running training-step graphs in ONNX Runtime: {@link dev.asnet.training.step.TrainingStep} keeps
 * every parameter, momentum buffer and running statistic in native memory between steps and feeds
 * each step's outputs back as the next step's inputs; {@link dev.asnet.training.step.Evaluator}
 * runs the inference-form graph on the same state.
 */
package dev.asnet.training.step;
