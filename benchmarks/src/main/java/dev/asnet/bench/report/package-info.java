/** Benchmark reports: a Markdown table, a JSON file with every statistic, and PNG charts. */
package dev.asnet.bench.report;
