package dev.asnet.bench.report;

/**
 * Figures published for an architecture (docs/asl.md: the paper's ImageNet table, Caffe,
 * i7-5930K single thread). Shown in reports as published figures, never as measurements.
 *
 * @param top1 ImageNet top-1 accuracy in percent (NaN if not published)
 * @param paramsM parameters in millions
 * @param flopsM FLOPs in millions as the paper states them (NaN if not published)
 * @param cpuMs the paper's CPU latency in ms (NaN if not published)
 */
public record Published(double top1, double paramsM, double flopsM, double cpuMs) {}
