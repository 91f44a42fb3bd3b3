/**
 * The NCHWc rewrite: ONNX Runtime's NchwcTransformer (optimization level ALL, x86 CPUs) wraps every
 * {@code dev.asnet:ActiveShift} in a {@code ReorderOutput} (blocked to NCHW) and a
 * {@code ReorderInput} (NCHW to blocked), which cost more than the op. This package takes the graph
 * ONNX Runtime optimized and saved, replaces each such chain by one
 * {@code dev.asnet:ActiveShiftNchwc} that works on the blocked layout, and caches the result per
 * machine. The facts about ONNX Runtime it relies on are in {@code docs/onnxruntime.md}, section
 * "NCHWc and the optimized-graph rewrite"; the op's contract in {@code docs/op-contract.md}.
 *
 * <p>{@link dev.asnet.runtime.nchwc.NchwcRewrite} is the entry point; the runtime's
 * {@link dev.asnet.runtime.SessionFactory} calls it when a model is opened on the CPU at level ALL.
 */
package dev.asnet.runtime.nchwc;
