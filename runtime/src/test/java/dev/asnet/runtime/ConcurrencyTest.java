package dev.asnet.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.asnet.exporter.export.AslLowering;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** One model, many threads: every thread gets exactly what a lone caller gets. */
class ConcurrencyTest {
    private static final int IMAGE = 28 * 28;

    @Test
    void manyThreadsGetIdenticalResults() throws Exception {
        int inputs = 6;
        int threads = 8;
        int rounds = 25;
        try (AsnetModel model = AsnetModel.open(TestModels.fashion(TestModels.AS_RESNET, AslLowering.CUSTOM),
                RuntimeOptions.builder().optIntraOpThreads(1).build())) {
            List<FloatTensor> x = new ArrayList<>();
            List<float[]> expected = new ArrayList<>();
            for (int i = 0; i < inputs; i++) {
                // Different batch sizes, so concurrent runs need buffers of different sizes.
                int n = 1 + i % 3;
                x.add(FloatTensor.of(TestModels.random(100 + i, n * IMAGE), n, 1, 28, 28));
                expected.add(model.run(x.get(i)).data());
            }
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            CountDownLatch start = new CountDownLatch(1);
            try {
                List<Future<Integer>> futures = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int offset = t;
                    futures.add(pool.submit(() -> {
                        start.await();
                        int checked = 0;
                        for (int r = 0; r < rounds; r++) {
                            int i = (offset + r) % inputs;
                            float[] y = (r % 2 == 0) ? model.run(x.get(i)).data()
                                    : flatten(model.runBatch(split(x.get(i))));
                            assertArrayEquals(expected.get(i), y, 0f, "thread " + offset + " round " + r);
                            checked++;
                        }
                        return checked;
                    }));
                }
                start.countDown();
                int total = 0;
                for (Future<Integer> f : futures) {
                    total += f.get();
                }
                assertEquals(threads * rounds, total);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void closeWaitsForRunsInProgressThenRefusesNewOnes() throws Exception {
        AsnetModel model = AsnetModel.open(TestModels.fashion(TestModels.AS_RESNET, AslLowering.CUSTOM),
                RuntimeOptions.builder().optIntraOpThreads(1).build());
        FloatTensor x = FloatTensor.of(TestModels.random(7, 16 * IMAGE), 16, 1, 28, 28);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                running.add(pool.submit(() -> {
                    for (int r = 0; r < 5; r++) {
                        try {
                            model.run(x);
                        } catch (IllegalStateException closed) {
                            return null;
                        }
                    }
                    return null;
                }));
            }
            Thread.sleep(20);
            model.close();
            for (Future<?> f : running) {
                f.get();
            }
            assertThrows(IllegalStateException.class, () -> model.run(x));
        } finally {
            pool.shutdownNow();
        }
    }

    private static List<float[]> split(FloatTensor t) {
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < t.dim(0); i++) {
            out.add(t.item(i));
        }
        return out;
    }

    private static float[] flatten(List<float[]> items) {
        int n = 0;
        for (float[] a : items) {
            n += a.length;
        }
        float[] out = new float[n];
        int p = 0;
        for (float[] a : items) {
            System.arraycopy(a, 0, out, p, a.length);
            p += a.length;
        }
        return out;
    }
}
