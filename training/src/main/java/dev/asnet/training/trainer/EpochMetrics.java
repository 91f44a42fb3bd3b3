package dev.asnet.training.trainer;

/**
 * What one epoch achieved.
 *
 * @param epoch the epoch, 1-based
 * @param trainLoss mean training loss over the epoch's batches
 * @param trainAccuracy training accuracy (augmented batches, parameters changing)
 * @param testLoss mean test loss
 * @param testAccuracy test accuracy
 * @param lr learning rate at the epoch's last step
 * @param seconds wall time of the epoch's training steps
 * @param imagesPerSecond training throughput
 */
public record EpochMetrics(int epoch, double trainLoss, double trainAccuracy, double testLoss, double testAccuracy,
        double lr, double seconds, double imagesPerSecond) {}
