package dev.asnet.exporter.count;

/**
 * What a graph costs for one input image.
 *
 * @param params elements of {@link dev.asnet.exporter.ir.InitializerRole#PARAMETER} initializers
 * @param buffers elements of {@link dev.asnet.exporter.ir.InitializerRole#BUFFER} initializers
 *     (BN running statistics)
 * @param macs multiply-accumulates of Conv, Gemm and MatMul nodes
 * @param shiftSamples output elements of ActiveShift nodes (each a 4-tap bilinear sample), kept
 *     apart from {@code macs} as published counts leave them out
 */
public record Cost(long params, long buffers, long macs, long shiftSamples) {}
