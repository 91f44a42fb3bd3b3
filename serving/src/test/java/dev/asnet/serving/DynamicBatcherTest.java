package dev.asnet.serving;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The batcher alone, with a runner whose timing the test controls. */
class DynamicBatcherTest {
    /** Output row = input row doubled, so every answer says which row it came from. */
    private static List<float[]> doubled(List<float[]> rows) {
        List<float[]> out = new ArrayList<>();
        for (float[] r : rows) {
            float[] o = r.clone();
            for (int i = 0; i < o.length; i++) {
                o[i] *= 2;
            }
            out.add(o);
        }
        return out;
    }

    private static List<float[]> rows(int request, int n) {
        List<float[]> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(new float[] {request, i});
        }
        return rows;
    }

    @Test
    void requestsQueuedWhileTheModelRunsGoTogetherAndEachGetsItsOwnRows() throws Exception {
        CountDownLatch firstStarted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<Integer> batchRows = Collections.synchronizedList(new ArrayList<>());
        try (DynamicBatcher b = new DynamicBatcher("m", rows -> {
            batchRows.add(rows.size());
            firstStarted.countDown();
            release.await();
            return doubled(rows);
        }, 16, Duration.ZERO, 100, DynamicBatcher.Listener.NONE)) {
            CompletableFuture<List<float[]>> first = b.submit(rows(0, 1));
            assertTrue(firstStarted.await(10, TimeUnit.SECONDS));
            List<CompletableFuture<List<float[]>>> rest = new ArrayList<>();
            for (int r = 1; r <= 5; r++) {
                rest.add(b.submit(rows(r, r)));  // request r has r rows: 15 rows in all
            }
            release.countDown();
            assertEquals(1, first.get().size());
            for (int r = 1; r <= 5; r++) {
                List<float[]> out = rest.get(r - 1).get(10, TimeUnit.SECONDS);
                assertEquals(r, out.size());
                for (int i = 0; i < r; i++) {
                    assertArrayEquals(new float[] {2 * r, 2 * i}, out.get(i), 0f);
                }
            }
            assertEquals(List.of(1, 15), batchRows);
        }
    }

    @Test
    void batchesNeverExceedMaxBatchAndALargerRequestRunsAlone() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<Integer> batchRows = Collections.synchronizedList(new ArrayList<>());
        try (DynamicBatcher b = new DynamicBatcher("m", rows -> {
            release.await();
            batchRows.add(rows.size());
            return doubled(rows);
        }, 4, Duration.ZERO, 100, DynamicBatcher.Listener.NONE)) {
            List<CompletableFuture<List<float[]>>> all = new ArrayList<>();
            int[] sizes = {3, 3, 6, 1, 2, 2};
            for (int r = 0; r < sizes.length; r++) {
                all.add(b.submit(rows(r, sizes[r])));
            }
            release.countDown();
            for (int r = 0; r < sizes.length; r++) {
                assertEquals(sizes[r], all.get(r).get(10, TimeUnit.SECONDS).size());
                assertEquals(2f * r, all.get(r).get().get(0)[0]);
            }
            for (int n : batchRows) {
                assertTrue(n <= 4 || n == 6, "batch of " + n + " rows: " + batchRows);
            }
            assertTrue(batchRows.contains(6), "the 6-row request runs alone: " + batchRows);
            assertEquals(17, batchRows.stream().mapToInt(Integer::intValue).sum());
        }
    }

    @Test
    void theDelayWaitsForRequestsStillArriving() throws Exception {
        List<Integer> batchRows = Collections.synchronizedList(new ArrayList<>());
        try (DynamicBatcher b = new DynamicBatcher("m", rows -> {
            batchRows.add(rows.size());
            return doubled(rows);
        }, 8, Duration.ofSeconds(5), 100, DynamicBatcher.Listener.NONE)) {
            List<DynamicBatcher.Arrival> arriving = new ArrayList<>();
            for (int r = 0; r < 8; r++) {
                arriving.add(b.arrival());  // as the server does before reading a body
            }
            List<CompletableFuture<List<float[]>>> all = new ArrayList<>();
            for (int r = 0; r < 8; r++) {
                Thread.sleep(5);  // slow clients: the batch waits for them
                all.add(b.submit(rows(r, 1), arriving.get(r)));
            }
            for (CompletableFuture<List<float[]>> f : all) {
                f.get(4, TimeUnit.SECONDS);  // the eighth row fills the batch: no 5 s wait
            }
            assertEquals(List.of(8), batchRows);
        }
    }

    @Test
    void withNothingArrivingALoneRequestDoesNotWait() throws Exception {
        try (DynamicBatcher b = new DynamicBatcher("m", DynamicBatcherTest::doubled, 8, Duration.ofSeconds(5), 100,
                DynamicBatcher.Listener.NONE)) {
            long t0 = System.nanoTime();
            DynamicBatcher.Arrival a = b.arrival();
            DynamicBatcher.Arrival failed = b.arrival();
            failed.close();  // a request that failed to parse is withdrawn
            failed.close();  // twice is harmless
            b.submit(rows(0, 1), a).get(4, TimeUnit.SECONDS);
            assertTrue(System.nanoTime() - t0 < 4_000_000_000L);
        }
    }

    @Test
    void aWithdrawnArrivalEndsTheWaitAtOnce() throws Exception {
        // A 10 s delay: a batch that ran within 5 s was woken by the withdrawal, not by the delay.
        List<Long> started = Collections.synchronizedList(new ArrayList<>());
        try (DynamicBatcher b = new DynamicBatcher("m", rows -> {
            started.add(System.nanoTime());
            return doubled(rows);
        }, 8, Duration.ofSeconds(10), 100, DynamicBatcher.Listener.NONE)) {
            DynamicBatcher.Arrival slow = b.arrival();
            CompletableFuture<List<float[]>> queued = b.submit(rows(0, 1));
            Thread.sleep(200);
            assertTrue(started.isEmpty(), "the batch should wait for the request still arriving");
            long withdrawn = System.nanoTime();
            slow.close();  // it failed to parse, say
            assertEquals(0f, queued.get(5, TimeUnit.SECONDS).get(0)[0]);
            assertTrue(started.get(0) - withdrawn < 5_000_000_000L);
        }
    }

    @Test
    void aLoneRequestRunsWithoutWaitingForTheDelay() throws Exception {
        try (DynamicBatcher b = new DynamicBatcher("m", DynamicBatcherTest::doubled, 8, Duration.ofSeconds(10), 100,
                DynamicBatcher.Listener.NONE)) {
            for (int r = 0; r < 20; r++) {
                DynamicBatcher.Arrival a = b.arrival();
                // 20 requests one after another, each alone: far less than one 10 s delay in all.
                assertEquals(2f * r, b.submit(rows(r, 1), a).get(5, TimeUnit.SECONDS).get(0)[0]);
            }
        }
    }

    @Test
    void concurrentSubmittersEachGetTheirOwnRows() throws Exception {
        try (DynamicBatcher b = new DynamicBatcher("m", DynamicBatcherTest::doubled, 16, Duration.ofMillis(2), 1000,
                DynamicBatcher.Listener.NONE)) {
            List<Thread> threads = new ArrayList<>();
            List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
            for (int t = 0; t < 8; t++) {
                int id = t;
                Thread th = new Thread(() -> {
                    try {
                        for (int i = 0; i < 200; i++) {
                            int request = id * 1000 + i;
                            int n = 1 + i % 3;
                            DynamicBatcher.Arrival a = b.arrival();
                            List<float[]> out = b.submit(rows(request, n), a).get(10, TimeUnit.SECONDS);
                            assertEquals(n, out.size());
                            for (int k = 0; k < n; k++) {
                                assertArrayEquals(new float[] {2f * request, 2f * k}, out.get(k), 0f);
                            }
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                });
                th.start();
                threads.add(th);
            }
            for (Thread th : threads) {
                th.join();
            }
            assertTrue(failures.isEmpty(), () -> failures.get(0).toString());
        }
    }

    @Test
    void aFullQueueRefusesWith503() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (DynamicBatcher b = new DynamicBatcher("m", rows -> {
            started.countDown();
            release.await();
            return doubled(rows);
        }, 1, Duration.ZERO, 2, DynamicBatcher.Listener.NONE)) {
            CompletableFuture<List<float[]>> running = b.submit(rows(0, 1));
            assertTrue(started.await(10, TimeUnit.SECONDS));
            CompletableFuture<List<float[]>> q1 = b.submit(rows(1, 1));
            CompletableFuture<List<float[]>> q2 = b.submit(rows(2, 1));
            ServingException e = assertThrows(ServingException.class, () -> b.submit(rows(3, 1)));
            assertEquals(503, e.status());
            assertTrue(e.getMessage().contains("queue of 2 requests is full"), e.getMessage());
            assertEquals(2, b.queueDepth());
            release.countDown();
            assertEquals(4f, q2.get(10, TimeUnit.SECONDS).get(0)[0]);
            assertEquals(0f, running.get().get(0)[0]);
            assertEquals(2f, q1.get().get(0)[0]);
            // Recovered: the queue takes requests again.
            assertEquals(8f, b.submit(rows(4, 1)).get(10, TimeUnit.SECONDS).get(0)[0]);
        }
    }

    @Test
    void drainingRunsEverythingQueuedAndRefusesNewRequests() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        DynamicBatcher b = new DynamicBatcher("m", rows -> {
            release.await();
            return doubled(rows);
        }, 2, Duration.ZERO, 100, DynamicBatcher.Listener.NONE);
        List<CompletableFuture<List<float[]>>> all = new ArrayList<>();
        for (int r = 0; r < 7; r++) {
            all.add(b.submit(rows(r, 1)));
        }
        Thread releaser = new Thread(() -> {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            release.countDown();
        });
        releaser.start();
        assertTrue(b.drain(Duration.ofSeconds(20)));
        for (int r = 0; r < 7; r++) {
            assertTrue(all.get(r).isDone());
            assertEquals(2f * r, all.get(r).get().get(0)[0]);
        }
        assertEquals(503, assertThrows(ServingException.class, () -> b.submit(rows(9, 1))).status());
    }

    @Test
    void aFailingBatchFailsEachOfItsRequests() throws Exception {
        try (DynamicBatcher b = new DynamicBatcher("m", rows -> {
            throw new IllegalStateException("boom");
        }, 8, Duration.ofMillis(50), 100, DynamicBatcher.Listener.NONE)) {
            CompletableFuture<List<float[]>> f1 = b.submit(rows(0, 1));
            CompletableFuture<List<float[]>> f2 = b.submit(rows(1, 1));
            ExecutionException e = assertThrows(ExecutionException.class, () -> f1.get(10, TimeUnit.SECONDS));
            assertEquals("boom", e.getCause().getMessage());
            assertThrows(ExecutionException.class, () -> f2.get(10, TimeUnit.SECONDS));
            // The worker survives a failure.
            assertTrue(b.queueDepth() == 0);
        }
    }
}
