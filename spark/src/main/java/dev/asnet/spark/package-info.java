/**
 * Batch inference with asnet models on Apache Spark.
 *
 * <p>{@link dev.asnet.spark.AsnetClassifier} is a Spark ML {@code Transformer}: it takes a column
 * of encoded images (as Spark's {@code binaryFile} source reads them) or of normalized float
 * arrays and adds the predicted class, its label and probability, and optionally the top-k
 * classes and the logits. {@link dev.asnet.spark.BatchPredict} is the ready-made job: a folder of
 * images in, one row per image out, as Parquet or CSV.
 *
 * <p>How the work is spread: the driver reads the model once and broadcasts its bytes; each
 * executor JVM opens it once ({@link dev.asnet.spark.ExecutorModels}), registering the asnet op
 * library once, and every task of that JVM runs its partition through the same thread-safe
 * {@link dev.asnet.runtime.AsnetModel}, in batches, with the model's own preprocessing
 * ({@link dev.asnet.spark.BatchClassifier}). A row that cannot be classified (an undecodable
 * image, an array of the wrong size) gets null predictions and a message in the error column
 * instead of failing the job.
 */
package dev.asnet.spark;
