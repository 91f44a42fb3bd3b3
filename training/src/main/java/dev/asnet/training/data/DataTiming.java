package dev.asnet.training.data;

import dev.asnet.runtime.dataset.BadImages;
import dev.asnet.runtime.dataset.DatasetFolder;
import dev.asnet.runtime.dataset.ImageDataset;
import dev.asnet.runtime.dataset.ImageSize;
import dev.asnet.runtime.dataset.InMemoryImages;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Measures how fast a dataset's training images are read: opening the folder (listing, and for
 * image folders reading every header), loading every image into memory (one thread and {@code
 * threads} threads), and reading shuffled batches the way a training epoch does, from memory and
 * streamed from disk, in turn, round after round (medians). Run by command:
 * {@code java -cp cli/target/asnet.jar dev.asnet.training.data.DataTiming DIR [CxHxW] [BATCH] [THREADS] [ROUNDS]}.
 */
public final class DataTiming {
    private DataTiming() {}

    /**
     * Prints the measurement.
     *
     * @param args the dataset folder, optional input size (or {@code own}), batch (64), threads (2), rounds (5)
     * @throws Exception if the data cannot be read
     */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        ImageSize input = args.length > 1 && !args[1].equals("own") ? ImageSize.parse(args[1]) : null;
        int batch = args.length > 2 ? Integer.parseInt(args[2]) : 64;
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 5;
        long t0 = System.nanoTime();
        DatasetFolder folder = DatasetFolder.builder(dir).optInput(input).open();
        ImageDataset streamed = folder.part(DatasetFolder.Part.TRAIN);
        double open = (System.nanoTime() - t0) / 1e9;
        int n = streamed.size();
        System.out.printf(Locale.ROOT, "%s: %s, %d training images of %s; open (list + headers) %.2f s (%.0f images/s)%n",
                dir, folder.format().id(), n, streamed.imageSize(), open, n / open);
        double[] load1 = new double[rounds];
        double[] loadN = new double[rounds];
        double[] memory = new double[rounds];
        double[] stream = new double[rounds];
        float[] mean = new float[streamed.imageSize().channels()];
        float[] std = new float[mean.length];
        Arrays.fill(std, 1f);
        int batches = n / batch;
        for (int r = 0; r < rounds; r++) {
            long a = System.nanoTime();
            InMemoryImages.load(streamed, BadImages.FAIL, 1);
            long b = System.nanoTime();
            InMemoryImages held = InMemoryImages.load(streamed, BadImages.FAIL, threads);
            long c = System.nanoTime();
            load1[r] = n / ((b - a) / 1e9);
            loadN[r] = n / ((c - b) / 1e9);
            memory[r] = epoch(new BatchSource(held, mean, std), batch, batches, r, false);
            stream[r] = epoch(new BatchSource(streamed, mean, std), batch, batches, r, true);
        }
        System.out.printf(Locale.ROOT, "load into memory: %.0f images/s (1 thread), %.0f images/s (%d threads)%n",
                median(load1), median(loadN), threads);
        System.out.printf(Locale.ROOT, "an epoch of shuffled batches of %d: from memory %.0f images/s, streamed from disk "
                + "%.0f images/s (one background thread, no training step to overlap)%n", batch, median(memory),
                median(stream));
    }

    /** Images per second of one epoch's reading: through a {@link Prefetcher} when streamed. */
    private static double epoch(BatchSource source, int batch, int batches, int seed, boolean prefetch)
            throws Exception {
        int[] order = source.permutation(seed, 0);
        byte[] raw = new byte[batch * source.imageBytes()];
        long t0 = System.nanoTime();
        if (prefetch) {
            try (Prefetcher p = new Prefetcher(source, batch, 3)) {
                p.start(order, 0, batches);
                for (int b = 0; b < batches; b++) {
                    p.next();
                }
            }
        } else {
            for (int b = 0; b < batches; b++) {
                source.read(order, b * batch, batch, raw);
            }
        }
        return (double) batches * batch / ((System.nanoTime() - t0) / 1e9);
    }

    private static double median(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }
}
