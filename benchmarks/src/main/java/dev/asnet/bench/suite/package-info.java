/** The benchmark suites ({@code paper}, {@code small}): which zoo models, inputs and comparisons. */
package dev.asnet.bench.suite;
