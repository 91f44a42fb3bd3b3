/**
 * Serves asnet models over HTTP with the Open Inference Protocol (KServe v2, the REST protocol
 * Triton speaks), so existing v2 clients and load balancers work unchanged.
 *
 * <p>A map of the package:
 * <ul>
 *   <li>{@link dev.asnet.serving.ModelServer}: the server; {@link dev.asnet.serving.ServerConfig}
 *       says how it listens and batches.
 *   <li>{@link dev.asnet.serving.ServedModel}: one loaded model, its v2 metadata and its
 *       {@link dev.asnet.serving.DynamicBatcher}, which gathers concurrent requests into one
 *       {@code runBatch} call and hands each caller its own rows.
 *   <li>{@link dev.asnet.serving.InferRequest} and {@link dev.asnet.serving.InferResponse}: the
 *       wire format, JSON tensors and the binary tensor data extension.
 *   <li>{@link dev.asnet.serving.ServingMetrics}: the Prometheus metrics at {@code /metrics}.
 *   <li>{@link dev.asnet.serving.TritonRepository}: writes a Triton model repository for the same
 *       models.
 * </ul>
 *
 * <p>Every failure a client causes is a {@link dev.asnet.serving.ServingException} carrying its
 * HTTP status; the server answers it as v2 JSON {@code {"error": "..."}}, never with a stack trace.
 */
package dev.asnet.serving;
