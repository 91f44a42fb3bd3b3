/**
 * Latency benchmarks, run by command and never in tests.
 *
 * <p>{@link dev.asnet.bench.OpBenchmark} times the ActiveShift ops against ONNX Runtime's Relu
 * (the memory-bound floor) and depthwise 3x3 Conv (what ASL replaces), interleaved in one process.
 */
package dev.asnet.bench;
