/**
 * The load test of {@code asnet serve}: {@link dev.asnet.bench.serving.ServingLoadTest} starts
 * servers in its own process on the loopback address and sends them a fixed number of requests at
 * several concurrencies, with dynamic batching on and off, and then overloads a server with a small
 * queue. Run by command, never in tests.
 */
package dev.asnet.bench.serving;
