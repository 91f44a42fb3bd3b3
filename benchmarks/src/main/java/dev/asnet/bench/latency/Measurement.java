package dev.asnet.bench.latency;

/**
 * The outcome of timing one model under one configuration: latency statistics in milliseconds,
 * or the reason it could not be timed.
 *
 * @param model the model
 * @param config the configuration
 * @param samplesMs every timed run, in milliseconds, in the order taken (empty on failure)
 * @param error why the model failed to load or run, or null
 */
public record Measurement(BenchModel model, BenchConfig config, double[] samplesMs, String error) {
    /** Copies the samples. */
    public Measurement {
        samplesMs = samplesMs == null ? new double[0] : samplesMs.clone();
    }

    /** Whether the model ran. */
    public boolean ok() {
        return error == null && samplesMs.length > 0;
    }

    /** Median latency in ms (NaN on failure). */
    public double medianMs() {
        return quantile(0.5);
    }

    /** 90th percentile latency in ms (NaN on failure). */
    public double p90Ms() {
        return quantile(0.9);
    }

    /** Fastest run in ms (NaN on failure). */
    public double minMs() {
        return quantile(0.0);
    }

    /** Nearest-rank quantile q in [0, 1] of the samples, in ms. */
    public double quantile(double q) {
        return Stats.quantile(samplesMs, q);
    }
}
