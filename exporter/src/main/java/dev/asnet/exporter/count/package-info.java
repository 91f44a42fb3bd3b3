/** Parameter and multiply-accumulate counting over the IR. */
package dev.asnet.exporter.count;
