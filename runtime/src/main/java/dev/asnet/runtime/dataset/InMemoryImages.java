package dev.asnet.runtime.dataset;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ExecutionException;

/**
 * A dataset whose pixels are held in one byte array: what a dataset that fits in memory is turned
 * into before training, so each image is decoded once rather than once per epoch.
 */
public final class InMemoryImages extends LabeledDataset {
    private final byte[] pixels;
    private final String description;
    private final List<String> skipped;

    private InMemoryImages(ImageSize size, byte[] pixels, int[] labels, List<String> classNames, String description,
            List<String> skipped) {
        super(size, labels, classNames);
        this.pixels = pixels;
        this.description = description;
        this.skipped = List.copyOf(skipped);
    }

    /**
     * The bytes a dataset takes in memory.
     *
     * @param data the dataset
     * @return images x channels x height x width
     */
    public static long bytesNeeded(ImageDataset data) {
        return (long) data.size() * data.imageSize().bytes();
    }

    /**
     * Reads every image of a dataset into memory, with {@code threads} threads decoding.
     *
     * @param source the dataset (usually one that decodes files on each read)
     * @param onBad what to do with an image that cannot be decoded: fail, or leave it out (then
     *     {@link #skipped()} says which)
     * @param threads decoding threads, >= 1
     * @return the images in the source's order, less any skipped
     * @throws IllegalArgumentException if the pixels would not fit in one array (2 GB)
     * @throws IOException the first failure to read an image, when {@code onBad} is FAIL
     */
    public static InMemoryImages load(ImageDataset source, BadImages onBad, int threads) throws IOException {
        Objects.requireNonNull(onBad, "onBad");
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        int per = source.imageSize().bytes();
        long total = bytesNeeded(source);
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(source.description() + ": " + source.size() + " images of "
                    + source.imageSize() + " take " + total + " bytes, more than one array holds; stream them instead");
        }
        int n = source.size();
        byte[] all = new byte[(int) total];
        String[] failures = new String[n];
        IOException[] errors = new IOException[n];
        ExecutorService pool = threads == 1 ? null : Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "asnet-image-load");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> parts = new ArrayList<>();
            int chunk = Math.max(1, (n + threads - 1) / threads);
            for (int start = 0; start < n; start += chunk) {
                int from = start;
                int to = Math.min(n, start + chunk);
                Runnable work = () -> {
                    for (int i = from; i < to; i++) {
                        try {
                            source.read(i, all, i * per);
                        } catch (IOException e) {
                            errors[i] = e;
                            failures[i] = e.getMessage();
                        }
                    }
                };
                if (pool == null) {
                    work.run();
                } else {
                    parts.add(pool.submit(work));
                }
            }
            for (Future<?> f : parts) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException r) {
                        throw r;
                    }
                    if (e.getCause() instanceof Error err) {
                        throw err;
                    }
                    throw new IOException(e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while loading " + source.description(), e);
                }
            }
        } finally {
            if (pool != null) {
                pool.shutdownNow();
            }
        }
        List<String> skipped = new ArrayList<>();
        int kept = 0;
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            if (errors[i] != null) {
                if (onBad == BadImages.FAIL) {
                    throw errors[i];
                }
                skipped.add(failures[i]);
                continue;
            }
            if (kept != i) {
                System.arraycopy(all, i * per, all, kept * per, per);
            }
            labels[kept++] = source.label(i);
        }
        byte[] pixels = kept == n ? all : Arrays.copyOf(all, kept * per);
        return new InMemoryImages(source.imageSize(), pixels, Arrays.copyOf(labels, kept), source.classNames(),
                source.description(), skipped);
    }

    /**
     * Images that could not be decoded and were left out by {@link #load}.
     *
     * @return one message per image (the file and the problem)
     */
    public List<String> skipped() {
        return Collections.unmodifiableList(skipped);
    }

    @Override
    public void read(int index, byte[] dest, int offset) {
        Objects.checkIndex(index, size());
        int per = imageSize().bytes();
        System.arraycopy(pixels, index * per, dest, offset, per);
    }

    @Override
    public boolean inMemory() {
        return true;
    }

    @Override
    public String description() {
        return description;
    }
}
