package dev.asnet.serving;

import static dev.asnet.serving.TestServers.OPTIONS;
import static dev.asnet.serving.TestServers.errorMessage;
import static dev.asnet.serving.TestServers.get;
import static dev.asnet.serving.TestServers.inferJson;
import static dev.asnet.serving.TestServers.json;
import static dev.asnet.serving.TestServers.outputData;
import static dev.asnet.serving.TestServers.post;
import static dev.asnet.serving.TestServers.row;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.asnet.runtime.AsnetModel;
import dev.asnet.runtime.FloatTensor;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starting (and refusing to start), overload and graceful shutdown. */
class ServerLifecycleTest {
    @TempDir
    Path dir;

    private static ServerConfig.Builder config() {
        return ServerConfig.builder().optPort(0).optRuntimeOptions(OPTIONS);
    }

    @Test
    void aModelThatDoesNotLoadStopsTheServerFromStarting() throws Exception {
        Path good = TestServers.model(dir, "good");
        Path bad = dir.resolve("broken.onnx");
        Files.write(bad, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        IOException e = assertThrows(IOException.class, () -> ModelServer.start(List.of(good, bad), config().build()));
        assertTrue(e.getMessage().contains("broken.onnx"), e.getMessage());
        Path missing = dir.resolve("missing.onnx");
        IOException m = assertThrows(IOException.class, () -> ModelServer.start(List.of(missing), config().build()));
        assertTrue(m.getMessage().contains("missing.onnx"), m.getMessage());
    }

    @Test
    void twoFilesWithTheSameNameAreRefused() throws Exception {
        Path a = TestServers.model(dir, "same");
        Path sub = Files.createDirectory(dir.resolve("sub"));
        Path b = TestServers.model(sub, "same");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelServer.start(List.of(a, b), config().build()));
        assertTrue(e.getMessage().contains("would both be served as 'same'"), e.getMessage());
    }

    @Test
    void aBusyPortIsReportedClearly() throws Exception {
        Path m = TestServers.model(dir, "m");
        try (ModelServer first = ModelServer.start(List.of(m), config().build())) {
            IOException e = assertThrows(IOException.class,
                    () -> ModelServer.start(List.of(m), config().optPort(first.port()).build()));
            assertTrue(e.getMessage().contains("cannot listen on 127.0.0.1:" + first.port()), e.getMessage());
        }
    }

    /** A queue of one behind a slow batch: the rest get 503 at once, and the server recovers. */
    @Test
    void aFullQueueAnswers503AndTheServerRecovers() throws Exception {
        Path m = TestServers.model(dir, "m");
        try (ModelServer server = ModelServer.start(List.of(m),
                config().optQueue(1).optMaxBatch(1).optMaxDelay(Duration.ZERO).build())) {
            String url = server.baseUrl() + "/v2/models/m/infer";
            float[][] big = new float[256][];
            for (int i = 0; i < big.length; i++) {
                big[i] = row(i);
            }
            String slow = inferJson(big);  // a few tens of ms per request on one thread
            int clients = 8;
            CyclicBarrier start = new CyclicBarrier(clients);
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            List<Future<HttpResponse<String>>> answers = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                answers.add(pool.submit(() -> {
                    start.await();
                    return post(url, slow);
                }));
            }
            int ok = 0;
            int refused = 0;
            for (Future<HttpResponse<String>> f : answers) {
                HttpResponse<String> r = f.get();
                if (r.statusCode() == 200) {
                    ok++;
                } else {
                    assertEquals(503, r.statusCode(), r.body());
                    assertTrue(errorMessage(r).contains("queue of 1 requests is full"), r.body());
                    refused++;
                }
            }
            pool.shutdown();
            assertTrue(ok >= 1 && refused >= 1, ok + " answered, " + refused + " refused");
            assertEquals(200, get(server.baseUrl() + "/v2/health/ready").statusCode());
            assertEquals(200, post(url, inferJson(row(1))).statusCode());
            assertTrue(get(server.baseUrl() + "/metrics").body().contains("asnet_errors_total{code=\"503\"} "
                    + refused + ".0"));
        }
    }

    /** Requests waiting in the queue when shutdown begins are answered; later ones are refused. */
    @Test
    void shutdownDrainsTheQueueThenStops() throws Exception {
        Path m = TestServers.model(dir, "m");
        ModelServer server = ModelServer.start(List.of(m),
                config().optMaxBatch(64).optMaxDelay(Duration.ofSeconds(3)).build());
        String base = server.baseUrl();
        // A request announced but never sent: the batch waits for it (3 s), holding the others queued.
        ServedModel.Arrival phantom = server.models().get("m").arrival();
        int clients = 6;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<HttpResponse<String>>> answers = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            float[] x = row(500 + c);
            answers.add(pool.submit(() -> post(base + "/v2/models/m/infer", inferJson(x))));
        }
        // Wait until all are queued.
        long until = System.nanoTime() + 20_000_000_000L;
        while (!server.metrics().scrape().contains("asnet_requests_total{model=\"m\"} " + clients + ".0")
                && System.nanoTime() < until) {
            Thread.sleep(10);
        }
        assertTrue(server.metrics().scrape().contains("asnet_batch_size_count{model=\"m\"} 0"),
                "no batch ran before the shutdown");
        // Unready, and new requests refused, while the queued ones wait.
        server.stopAccepting();
        assertEquals(503, get(base + "/v2/health/ready").statusCode());
        assertEquals(503, get(base + "/v2/models/m/ready").statusCode());
        assertEquals(200, get(base + "/v2/health/live").statusCode());
        HttpResponse<String> late = post(base + "/v2/models/m/infer", inferJson(row(1)));
        assertEquals(503, late.statusCode());
        assertTrue(errorMessage(late).contains("shutting down"));
        for (Future<HttpResponse<String>> f : answers) {
            assertFalse(f.isDone(), "answered before the shutdown");
        }
        CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
        closing.get();
        phantom.close();
        try (AsnetModel reference = AsnetModel.open(TestServers.PRETRAINED, OPTIONS)) {
            for (int c = 0; c < clients; c++) {
                HttpResponse<String> r = answers.get(c).get();
                assertEquals(200, r.statusCode(), r.body());
                float[] expected = reference.run(FloatTensor.of(row(500 + c), 1, 1, 28, 28)).data();
                assertArrayEquals(expected, outputData(json(r)), 1e-4f);
            }
        }
        pool.shutdown();
        // Closed: nothing listens any more, and the model is closed.
        assertThrows(ConnectException.class, () -> get(base + "/v2/health/live"));
        assertThrows(IllegalStateException.class, () -> server.models().get("m").model().session());
    }
}
