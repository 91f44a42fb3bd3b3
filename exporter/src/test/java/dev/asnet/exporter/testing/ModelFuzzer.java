package dev.asnet.exporter.testing;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Mutates valid model bytes for fuzz tests: bit flips, byte insertion and deletion, truncation,
 * varint length fields replaced by huge values, and splices of two models. Deterministic for a
 * seed; runs each parse on a worker thread under a timeout so a hang fails the test instead of
 * stalling the build.
 */
public final class ModelFuzzer {
    /** A parser under test. */
    @FunctionalInterface
    public interface Parser {
        /**
         * Parses bytes.
         *
         * @param bytes the input
         * @throws Exception any failure; the test decides which are allowed
         */
        void parse(byte[] bytes) throws Exception;
    }

    /** What a fuzz run did. */
    public record Stats(int inputs, int accepted, int refused) {}

    private final List<byte[]> seeds;
    private final SplittableRandom random;

    /**
     * Creates a fuzzer.
     *
     * @param seeds valid inputs to mutate
     * @param seed the random seed
     */
    public ModelFuzzer(List<byte[]> seeds, long seed) {
        this.seeds = List.copyOf(seeds);
        this.random = new SplittableRandom(seed);
    }

    /**
     * One mutated input.
     *
     * @return new bytes
     */
    public byte[] next() {
        byte[] a = seeds.get(random.nextInt(seeds.size())).clone();
        int rounds = 1 + random.nextInt(4);
        for (int r = 0; r < rounds && a.length > 0; r++) {
            a = mutate(a);
        }
        return a;
    }

    private byte[] mutate(byte[] a) {
        int pos = random.nextInt(a.length);
        switch (random.nextInt(6)) {
            case 0 -> { // bit flips
                int flips = 1 + random.nextInt(8);
                for (int i = 0; i < flips; i++) {
                    int p = random.nextInt(a.length);
                    a[p] ^= (byte) (1 << random.nextInt(8));
                }
                return a;
            }
            case 1 -> { // insert random bytes
                byte[] ins = new byte[1 + random.nextInt(16)];
                for (int i = 0; i < ins.length; i++) {
                    ins[i] = (byte) random.nextInt(256);
                }
                return splice(a, pos, pos, ins);
            }
            case 2 -> { // delete a run
                int len = Math.min(a.length - pos, 1 + random.nextInt(64));
                return splice(a, pos, pos + len, new byte[0]);
            }
            case 3 -> { // truncate
                return java.util.Arrays.copyOf(a, pos);
            }
            case 4 -> { // a varint (a length or count) replaced by a huge one: 2^31-1, 2^32, 2^63-1 or -1
                long[] huge = {Integer.MAX_VALUE, 1L << 32, Long.MAX_VALUE, -1L, 2_000_000_000L};
                byte[] v = varint(huge[random.nextInt(huge.length)]);
                int end = pos;
                while (end < a.length && (a[end] & 0x80) != 0 && end - pos < 9) {
                    end++;
                }
                return splice(a, pos, Math.min(a.length, end + 1), v);
            }
            default -> { // splice: a prefix of this one and a suffix of another
                byte[] b = seeds.get(random.nextInt(seeds.size()));
                int from = random.nextInt(b.length);
                byte[] out = new byte[pos + b.length - from];
                System.arraycopy(a, 0, out, 0, pos);
                System.arraycopy(b, from, out, pos, b.length - from);
                return out;
            }
        }
    }

    private static byte[] splice(byte[] a, int from, int to, byte[] ins) {
        byte[] out = new byte[a.length - (to - from) + ins.length];
        System.arraycopy(a, 0, out, 0, from);
        System.arraycopy(ins, 0, out, from, ins.length);
        System.arraycopy(a, to, out, from + ins.length, a.length - to);
        return out;
    }

    private static byte[] varint(long v) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
        return out.toByteArray();
    }

    /**
     * Parses mutated inputs until the time budget is spent. Each parse runs under a timeout; a
     * failure other than the allowed exceptions, an {@link Error} (OutOfMemoryError,
     * StackOverflowError) or a timeout fails with the input's index.
     *
     * @param parser the parser
     * @param budgetMillis how long to fuzz
     * @param perInputMillis the most one parse may take
     * @param allowed exception types the parser documents
     * @return what happened
     */
    @SafeVarargs
    public final Stats run(Parser parser, long budgetMillis, long perInputMillis,
            Class<? extends Exception>... allowed) throws Exception {
        ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fuzz-parse");
            t.setDaemon(true);
            return t;
        });
        int inputs = 0;
        int accepted = 0;
        int refused = 0;
        long end = System.nanoTime() + budgetMillis * 1_000_000L;
        try {
            while (System.nanoTime() < end) {
                byte[] input = next();
                inputs++;
                Future<?> f = worker.submit(() -> {
                    parser.parse(input);
                    return null;
                });
                try {
                    f.get(perInputMillis, TimeUnit.MILLISECONDS);
                    accepted++;
                } catch (TimeoutException e) {
                    f.cancel(true);
                    throw new AssertionError("input " + inputs + " (" + input.length + " bytes) took over "
                            + perInputMillis + " ms");
                } catch (ExecutionException e) {
                    Throwable c = e.getCause();
                    boolean ok = false;
                    for (Class<? extends Exception> a : allowed) {
                        ok |= a.isInstance(c);
                    }
                    if (!ok) {
                        throw new AssertionError("input " + inputs + " (" + input.length + " bytes): undocumented "
                                + c, c);
                    }
                    if (c.getMessage() == null || c.getMessage().isBlank()) {
                        throw new AssertionError("input " + inputs + ": " + c.getClass().getName() + " without a message", c);
                    }
                    refused++;
                }
            }
        } finally {
            worker.shutdownNow();
        }
        return new Stats(inputs, accepted, refused);
    }
}
