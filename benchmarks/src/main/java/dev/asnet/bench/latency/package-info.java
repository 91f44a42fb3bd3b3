/**
 * Whole-model latency measurement: models are loaded side by side and run interleaved, so that
 * every model sees the same machine state; results carry medians, p90 and the raw statistics.
 */
package dev.asnet.bench.latency;
