package dev.asnet.serving;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

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
 * <p>The worker sleeps on a condition, woken by exactly the events that can change its decision:
 * a request queued, the last announced request withdrawn, a shutdown. It never polls.
 *
 * <p>{@link #close()} refuses new requests, lets the worker finish every queued one and waits for
 * it; then the model may be closed.
 */
final class DynamicBatcher implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(DynamicBatcher.class.getName());

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
    private final int capacity;
    private final Listener listener;
    private final Thread worker;
    /** Guards the queue, the arrival count and closing; the worker waits on {@link #changed}. */
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when a request is queued, the last arrival is withdrawn, or closing starts. */
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private int arriving;
    private boolean closing;

    /**
     * A request on its way to {@link #submit}: while open, the worker may wait for it. Closing is
     * idempotent; {@link #submit} closes it.
     */
    final class Arrival implements ServedModel.Arrival {
        private final AtomicBoolean open = new AtomicBoolean(true);

        private Arrival() {
            lock.lock();
            try {
                arriving++;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void close() {
            if (open.compareAndSet(true, false)) {
                lock.lock();
                try {
                    withdraw();
                } finally {
                    lock.unlock();
                }
            }
        }

        /** Marks it closed; true if it was open (the caller then holds the lock and withdraws it). */
        private boolean closeUnderLock() {
            return open.compareAndSet(true, false);
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
        this.capacity = capacity;
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

    /** One arrival fewer (lock held); the worker may be waiting for exactly that. */
    private void withdraw() {
        if (--arriving == 0) {
            changed.signal();
        }
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
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("a request needs at least one row");
        }
        Pending p = new Pending(List.copyOf(rows), new CompletableFuture<>(), System.nanoTime());
        lock.lock();
        try {
            // Withdrawn and queued in one step: the worker never sees the request neither arriving
            // nor queued (it would stop waiting for it), nor both.
            if (arrival != null && arrival.closeUnderLock()) {
                withdraw();
            }
            if (closing) {
                throw new ServingException(503, "the server is shutting down");
            }
            if (queue.size() >= capacity) {
                throw new ServingException(503, "model '" + name + "' is overloaded: its queue of " + capacity
                        + " requests is full; retry later");
            }
            queue.addLast(p);
            changed.signal();
        } finally {
            lock.unlock();
        }
        return p.result;
    }

    /**
     * Queues a request.
     *
     * @param rows its input rows (at least one)
     * @return its output rows, once its batch has run; fails with the model's error
     * @throws ServingException 503 if the queue is full or the batcher is closing
     */
    CompletableFuture<List<float[]>> submit(List<float[]> rows) {
        return submit(rows, null);
    }

    /**
     * Requests waiting now.
     *
     * @return the queue depth
     */
    int queueDepth() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    private void work() {
        List<Pending> batch = new ArrayList<>();
        lock.lock();
        try {
            while (true) {
                while (queue.isEmpty() && !closing) {
                    changed.awaitUninterruptibly();
                }
                if (queue.isEmpty()) {
                    return;  // closing, and everything queued has run
                }
                Pending first = queue.pollFirst();
                batch.add(first);
                int rows = first.rows.size();
                long deadline = first.enqueuedNanos + maxDelayNanos;
                while (rows < maxBatch) {
                    Pending next = queue.peekFirst();
                    if (next != null) {
                        if (rows + next.rows.size() > maxBatch) {
                            break;  // it starts the next batch
                        }
                        queue.pollFirst();
                        batch.add(next);
                        rows += next.rows.size();
                        continue;
                    }
                    // Nothing queued: wait only for requests on their way, and only until the delay
                    // is over. A lone request (nothing arriving) runs at once.
                    long wait = deadline - System.nanoTime();
                    if (closing || arriving == 0 || wait <= 0) {
                        break;
                    }
                    try {
                        changed.awaitNanos(wait);
                    } catch (InterruptedException e) {
                        // close() never interrupts; if someone else does, run what we have.
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
                lock.unlock();
                try {
                    run(batch, rows);
                } finally {
                    batch.clear();
                    lock.lock();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private void run(List<Pending> batch, int rows) {
        List<float[]> in;
        if (batch.size() == 1) {
            in = batch.get(0).rows;
        } else {
            in = new ArrayList<>(rows);
            for (Pending p : batch) {
                in.addAll(p.rows);
            }
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
        if (batch.size() == 1) {
            batch.get(0).result.complete(List.copyOf(out));
            return;
        }
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
        lock.lock();
        try {
            closing = true;
            changed.signal();
        } finally {
            lock.unlock();
        }
        try {
            worker.join(Math.max(1, timeout.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (worker.isAlive()) {
            List<Pending> left;
            lock.lock();
            try {
                left = new ArrayList<>(queue);
                queue.clear();
            } finally {
                lock.unlock();
            }
            LOG.log(System.Logger.Level.WARNING, "model '" + name + "': " + left.size()
                    + " requests still queued after " + timeout.toMillis() + " ms; failing them");
            for (Pending p : left) {
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
