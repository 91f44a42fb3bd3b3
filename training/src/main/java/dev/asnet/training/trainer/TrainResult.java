package dev.asnet.training.trainer;

import java.nio.file.Path;
import java.util.List;

/**
 * How a {@link Trainer#run} call ended.
 *
 * @param completed whether every epoch ran (false when stopped early; the checkpoint is usable)
 * @param history metrics of every finished epoch
 * @param model the exported inference model, or null when not completed
 * @param stepOverheadMicros mean Java-side time per step outside ONNX Runtime's run call
 */
public record TrainResult(boolean completed, List<EpochMetrics> history, Path model, double stepOverheadMicros) {}
