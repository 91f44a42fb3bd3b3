/**
 * The throughput benchmark of the Spark job, run by command (never by the tests):
 * {@link dev.asnet.spark.bench.SparkThroughput}.
 */
package dev.asnet.spark.bench;
