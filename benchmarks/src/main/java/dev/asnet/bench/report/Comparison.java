package dev.asnet.bench.report;

/**
 * A latency ratio the report computes: {@code numerator / denominator} (model families), next to
 * the ratio the paper published.
 *
 * @param numerator family whose latency is divided, e.g. {@code as-resnet-w32}
 * @param denominator family it is compared with, e.g. {@code mobilenetv2-0.5}
 * @param publishedRatio the paper's ratio (NaN if none)
 */
public record Comparison(String numerator, String denominator, double publishedRatio) {}
