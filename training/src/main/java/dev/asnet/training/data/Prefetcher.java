package dev.asnet.training.data;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Reads the raw pixels of upcoming batches on a background thread while the training step runs:
 * how a dataset decoded from disk keeps up with training without being held in memory. At most
 * {@code depth} batches are read ahead, so memory stays bounded ({@code depth + 1} batches of raw
 * pixels). Only pixels are read here; augmentation and every random choice stay with
 * {@link BatchSource#fill(int[], int, int, byte[], Augmentation, long, java.nio.FloatBuffer,
 * java.nio.LongBuffer)} on the caller's thread, so a run reads the same batches with or without it.
 *
 * <pre>{@code
 * try (Prefetcher p = new Prefetcher(source, 64, 4)) {
 *     p.start(order, firstBatch, batches);
 *     for (int b = firstBatch; b < batches; b++) {
 *         source.fill(order, b * 64, 64, p.next(), aug, seed, images, labels);
 *     }
 * }
 * }</pre>
 */
public final class Prefetcher implements AutoCloseable {
    private final BatchSource source;
    private final int batch;
    private final int depth;
    private final ExecutorService thread;
    private final Deque<Future<byte[]>> pending = new ArrayDeque<>();
    private int[] order;
    private int nextToSubmit;
    private int end;

    /**
     * Starts the background thread.
     *
     * @param source the batches' source
     * @param batch images per batch
     * @param depth batches read ahead, >= 1
     */
    public Prefetcher(BatchSource source, int batch, int depth) {
        if (batch < 1 || depth < 1) {
            throw new IllegalArgumentException("batch and depth must be >= 1, got " + batch + " and " + depth);
        }
        this.source = source;
        this.batch = batch;
        this.depth = depth;
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "asnet-prefetch");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts reading batches {@code first, first+1, ..} up to (excluding) {@code end} of an order;
     * batch {@code b} is the images {@code order[b*batch .. (b+1)*batch)}. Batches of an earlier
     * start not yet taken are dropped.
     *
     * @param order image indices (not copied: do not change it while in use)
     * @param first the first batch
     * @param end one past the last batch
     */
    public void start(int[] order, int first, int end) {
        cancel();
        this.order = order;
        this.nextToSubmit = first;
        this.end = end;
        while (pending.size() < depth && nextToSubmit < end) {
            submit();
        }
    }

    private void submit() {
        int from = nextToSubmit++ * batch;
        int[] o = order;
        pending.add(thread.submit(() -> {
            byte[] raw = new byte[batch * source.imageBytes()];
            source.read(o, from, batch, raw);
            return raw;
        }));
    }

    /**
     * The next batch's raw pixels, waiting for them if needed; queues the next read.
     *
     * @return {@code batch x} {@link BatchSource#imageBytes()} bytes
     * @throws IOException if an image of the batch could not be read
     * @throws IllegalStateException if every started batch was taken
     */
    public byte[] next() throws IOException {
        Future<byte[]> f = pending.poll();
        if (f == null) {
            throw new IllegalStateException("no batch left: start() another range first");
        }
        if (nextToSubmit < end) {
            submit();
        }
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for a batch");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
                throw io;
            }
            if (c instanceof UncheckedIOException u) {
                throw u.getCause();
            }
            if (c instanceof RuntimeException r) {
                throw r;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new IOException(c);
        }
    }

    private void cancel() {
        for (Future<byte[]> f : pending) {
            f.cancel(false); // a read under way finishes; interrupting it would close its file mid-read
        }
        pending.clear();
    }

    /** Stops the background thread; batches not taken are dropped. */
    @Override
    public void close() {
        cancel();
        thread.shutdownNow();
    }
}
