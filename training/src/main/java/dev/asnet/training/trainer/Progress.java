package dev.asnet.training.trainer;

import java.util.List;

/**
 * Where a run stands: the next epoch and batch to run, and the running sums of the epoch in
 * progress, so an interrupted epoch resumes with the same metrics.
 *
 * @param epoch the epoch in progress (0-based)
 * @param batch the next batch of that epoch
 * @param globalStep steps done in the whole run
 * @param lossSum sum of batch losses in the epoch so far
 * @param correct correct training predictions in the epoch so far
 * @param seen training images in the epoch so far
 * @param seconds training seconds in the epoch so far
 * @param history metrics of the finished epochs
 */
public record Progress(int epoch, int batch, long globalStep, double lossSum, long correct, long seen, double seconds,
        List<EpochMetrics> history) {
    /**
     * A fresh run.
     *
     * @return epoch 0, batch 0, nothing accumulated
     */
    public static Progress start() {
        return new Progress(0, 0, 0, 0, 0, 0, 0, List.of());
    }
}
