package dev.asnet.serving;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Gathers concurrent requests for one model into batches: a bounded queue in front of one worker
 * thread that takes the oldest request, adds queued requests while their rows fit in
 * {@code maxBatch}, runs the rows in one call and hands each request exactly its own rows back, in
 * order.
 *
 * <p>When the queue is empty but other requests are on their way (announced with
 * {@link #arrival()} while the server reads and parses them), the worker waits for them, at most
 * until {@code maxDelay} after the oldest request was queued. With nothing on its way it runs at
 * once: a lone client never pays the delay. Under load the oldest request has usually waited
 * longer than {@code maxDelay} while the previous batch ran, so the worker takes what is queued
 * and runs it at once. A request with more rows than {@code maxBatch} runs by itself.
 *
 * <p>{@link #close()} refuses new requests, lets the worker finish every queued one and waits for
 * it; then the model may be closed.
 */
final class DynamicBatcher implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(DynamicBatcher.class.getName());
    /**
     * How often a worker waiting for more requests looks whether any are still arriving and
     * whether the batcher is closing: short, because waiting for nothing is pure latency.
     */
    private static final long CHECK_NANOS = 200_000L;

    /** Runs a batch: one output row per input row, in order. */
    @FunctionalInterface
    interface BatchRunner {
        /**
         * Runs the rows in one call.
         *
         * @param rows the input rows of all requests in the batch
         * @return one output row per input row
         * @throws Exception if the model fails; every request in the batch fails with it
         */
        List<float[]> run(List<float[]> rows) throws Exception;
    }

    /** What the batcher reports, for metrics. */
    interface Listener {
        /**
         * A batch ran.
         *
         * @param requests how many requests it served
         * @param rows how many rows it held
         * @param runNanos how long the model call took
         */
        void batchRan(int requests, int rows, long runNanos);

        /** Does nothing. */
        Listener NONE = (requests, rows, runNanos) -> { };
    }

    /** A queued request: its rows and where its answer goes. */
    private record Pending(List<float[]> rows, CompletableFuture<List<float[]>> result, long enqueuedNanos) {}

    private final String name;
    private final BatchRunner runner;
    private final int maxBatch;
    private final long maxDelayNanos;
    private final BlockingQueue<Pending> queue;
    private final Listener listener;
    private final Thread worker;
    private final AtomicInteger arriving = new AtomicInteger();
    private volatile boolean closing;

    /**
     * A request on its way to {@link #submit}: while open, the worker may wait for it. Closing is
     * idempotent; {@link #submit} closes it.
     */
    final class Arrival implements ServedModel.Arrival {
        private final AtomicBoolean open = new AtomicBoolean(true);

        private Arrival() {
            arriving.incrementAndGet();
        }

        @Override
        public void close() {
            if (open.compareAndSet(true, false)) {
                arriving.decrementAndGet();
            }
        }
    }

    /**
     * Starts a batcher and its worker thread.
     *
     * @param name the model's name, for the thread and messages
     * @param runner runs a batch
     * @param maxBatch the most rows per call, >= 1
     * @param maxDelay the longest wait for more requests, >= 0
     * @param capacity how many requests may wait, >= 1
     * @param listener told about every batch
     */
    DynamicBatcher(String name, BatchRunner runner, int maxBatch, Duration maxDelay, int capacity, Listener listener) {
        this.name = Objects.requireNonNull(name, "name");
        this.runner = Objects.requireNonNull(runner, "runner");
        if (maxBatch < 1 || capacity < 1 || maxDelay.isNegative()) {
            throw new IllegalArgumentException("maxBatch and capacity must be >= 1 and maxDelay >= 0");
        }
        this.maxBatch = maxBatch;
        this.maxDelayNanos = maxDelay.toNanos();
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.listener = Objects.requireNonNull(listener, "listener");
        this.worker = new Thread(this::work, "asnet-batcher-" + name);
        worker.setDaemon(true);
        worker.start();
    }

    /**
     * Announces a request that is being received, so that a batch waits for it (within the delay).
     *
     * @return the announcement; close it if the request never reaches {@link #submit}
     */
    Arrival arrival() {
        return new Arrival();
    }

    /**
     * Queues a request announced by {@code arrival} (which is closed once the request is queued).
     *
     * @param rows its input rows (at least one)
     * @param arrival its announcement, or null
     * @return its output rows, once its batch has run; fails with the model's error
     * @throws ServingException 503 if the queue is full or the batcher is closing
     */
    CompletableFuture<List<float[]>> submit(List<float[]> rows, Arrival arrival) {
        // Withdrawn before queueing: a worker that saw the request still arriving after it was
        // queued would wait for nothing.
        if (arrival != null) {
            arrival.close();
        }
        return submit(rows);
    }

    /**
     * Queues a request.
     *
     * @param rows its input rows (at least one)
     * @return its output rows, once its batch has run; fails with the model's error
     * @throws ServingException 503 if the queue is full or the batcher is closing
     */
    CompletableFuture<List<float[]>> submit(List<float[]> rows) {
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("a request needs at least one row");
        }
        if (closing) {
            throw new ServingException(503, "the server is shutting down");
        }
        Pending p = new Pending(List.copyOf(rows), new CompletableFuture<>(), System.nanoTime());
        if (!queue.offer(p)) {
            throw new ServingException(503, "model '" + name + "' is overloaded: its queue of " + capacity()
                    + " requests is full; retry later");
        }
        return p.result;
    }

    /**
     * Requests waiting now.
     *
     * @return the queue depth
     */
    int queueDepth() {
        return queue.size();
    }

    private int capacity() {
        return queue.size() + queue.remainingCapacity();
    }

    private void work() {
        Pending carried = null;
        while (true) {
            Pending first = carried;
            carried = null;
            try {
                if (first == null) {
                    first = queue.poll(50, TimeUnit.MILLISECONDS);
                }
            } catch (InterruptedException e) {
                // close() never interrupts: the loop ends only when closing and the queue is empty.
                Thread.currentThread().interrupt();
            }
            if (first == null) {
                if (closing && queue.isEmpty()) {
                    return;
                }
                continue;
            }
            List<Pending> batch = new ArrayList<>();
            batch.add(first);
            int rows = first.rows.size();
            long deadline = first.enqueuedNanos + maxDelayNanos;
            while (rows < maxBatch) {
                Pending next = queue.poll();
                if (next == null && !closing) {
                    long wait = deadline - System.nanoTime();
                    if (wait <= 0 || arriving.get() == 0) {
                        break;  // the delay is over, or nothing more is on its way
                    }
                    try {
                        // In slices: when the last arrival fails, or a shutdown starts, the batch runs.
                        next = queue.poll(Math.min(wait, CHECK_NANOS), TimeUnit.NANOSECONDS);
                        if (next == null) {
                            continue;
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
                if (next == null) {
                    break;
                }
                if (rows + next.rows.size() > maxBatch) {
                    carried = next;  // the next batch starts with it
                    break;
                }
                batch.add(next);
                rows += next.rows.size();
            }
            run(batch, rows);
        }
    }

    private void run(List<Pending> batch, int rows) {
        List<float[]> in = new ArrayList<>(rows);
        for (Pending p : batch) {
            in.addAll(p.rows);
        }
        long t0 = System.nanoTime();
        List<float[]> out;
        try {
            out = runner.run(in);
            if (out.size() != rows) {
                throw new IllegalStateException("the model returned " + out.size() + " rows for " + rows);
            }
        } catch (Exception | Error e) {
            LOG.log(System.Logger.Level.WARNING, "model '" + name + "': a batch of " + rows + " rows failed", e);
            for (Pending p : batch) {
                p.result.completeExceptionally(e);
            }
            return;
        }
        listener.batchRan(batch.size(), rows, System.nanoTime() - t0);
        int at = 0;
        for (Pending p : batch) {
            int n = p.rows.size();
            p.result.complete(List.copyOf(out.subList(at, at + n)));
            at += n;
        }
    }

    /**
     * Refuses new requests, runs every queued one and waits for the worker.
     *
     * @param timeout how long to wait for the queue to drain
     * @return true if everything queued was run
     */
    boolean drain(Duration timeout) {
        closing = true;
        try {
            worker.join(Math.max(1, timeout.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (worker.isAlive()) {
            LOG.log(System.Logger.Level.WARNING, "model '" + name + "': " + queue.size()
                    + " requests still queued after " + timeout.toMillis() + " ms; failing them");
            Pending p;
            while ((p = queue.poll()) != null) {
                p.result.completeExceptionally(new ServingException(503, "the server is shutting down"));
            }
            return false;
        }
        return true;
    }

    /** Drains with a 30 s timeout. */
    @Override
    public void close() {
        drain(Duration.ofSeconds(30));
    }
}
