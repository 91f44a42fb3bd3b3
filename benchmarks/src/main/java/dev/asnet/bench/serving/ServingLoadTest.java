package dev.asnet.bench.serving;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.asnet.bench.MachineInfo;
import dev.asnet.exporter.io.AtomicFiles;
import dev.asnet.runtime.RuntimeOptions;
import dev.asnet.serving.ModelServer;
import dev.asnet.serving.ServerConfig;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * A bounded load generator for {@code asnet serve}, on the loopback address only: it starts two
 * servers for one model in this process (dynamic batching on: {@code --max-batch} and
 * {@code --max-delay-ms}; off: max batch 1), and for each concurrency sends a fixed number of
 * one-image JSON requests from that many client threads, alternating the two servers, for several
 * rounds. It reports throughput, p50 and p99 latency, the batch sizes the server ran and the
 * error counts (medians over rounds), then overloads a third server whose queue is deliberately
 * small and checks that it refuses cleanly (503), stays healthy and recovers.
 *
 * <pre>
 * java -cp cli/target/asnet.jar dev.asnet.bench.serving.ServingLoadTest \
 *     [--model FILE] [--requests N] [--concurrency 1,8,32,128] [--rounds R] [--threads T]
 *     [--max-batch B] [--max-delay-ms D] [--overload-queue Q] [--spinning false] [--out FILE.md]
 * </pre>
 *
 * Everything stops by itself: each level sends exactly {@code --requests} requests.
 */
public final class ServingLoadTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Jetty's and Javalin's loggers, held so that their WARNING level stays (JUL holds loggers weakly). */
    private static final List<java.util.logging.Logger> QUIET = new ArrayList<>();

    private ServingLoadTest() {}

    /** What one level (server, concurrency, round) measured. */
    record Level(String mode, int concurrency, int requests, double seconds, double[] latenciesMs,
            Map<Integer, Integer> statuses, int failures, double meanBatch, Map<String, Long> batchHistogram) {
        double throughput() {
            return requests / seconds;
        }

        double percentile(double p) {
            double[] s = latenciesMs.clone();
            Arrays.sort(s);
            if (s.length == 0) {
                return Double.NaN;
            }
            int i = (int) Math.ceil(p / 100.0 * s.length) - 1;
            return s[Math.max(0, Math.min(s.length - 1, i))];
        }

        int errors() {
            int n = failures;
            for (Map.Entry<Integer, Integer> e : statuses.entrySet()) {
                if (e.getKey() != 200) {
                    n += e.getValue();
                }
            }
            return n;
        }
    }

    /**
     * Runs the load test.
     *
     * @param args the options above
     * @throws Exception if a server cannot start or the report cannot be written
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> opt = options(args);
        Path model = Path.of(opt.getOrDefault("model", "models/pretrained/as-resnet20-16x3-fashion-mnist.onnx"));
        int requests = Integer.parseInt(opt.getOrDefault("requests", "2000"));
        int rounds = Integer.parseInt(opt.getOrDefault("rounds", "3"));
        int threads = Integer.parseInt(opt.getOrDefault("threads", "0"));
        int maxBatch = Integer.parseInt(opt.getOrDefault("max-batch", "" + ServerConfig.DEFAULT_MAX_BATCH));
        int maxDelayMs = Integer.parseInt(opt.getOrDefault("max-delay-ms", "" + ServerConfig.DEFAULT_MAX_DELAY_MS));
        int overloadQueue = Integer.parseInt(opt.getOrDefault("overload-queue", "4"));
        int[] levels = Arrays.stream(opt.getOrDefault("concurrency", "1,8,32,128").split(","))
                .mapToInt(s -> Integer.parseInt(s.trim())).toArray();
        if (requests < 1 || rounds < 1 || levels.length == 0 || Arrays.stream(levels).anyMatch(c -> c < 1 || c > 1024)) {
            throw new IllegalArgumentException("--requests and --rounds must be >= 1, concurrency 1-1024");
        }
        boolean spinning = Boolean.parseBoolean(opt.getOrDefault("spinning", "false"));
        RuntimeOptions runtime = ModelServer.servingOptions(RuntimeOptions.builder().optIntraOpThreads(threads).build())
                .toBuilder().optSpinning(spinning).build();
        for (String quiet : List.of("org.eclipse.jetty", "io.javalin")) {
            QUIET.add(java.util.logging.Logger.getLogger(quiet));
        }
        QUIET.forEach(l -> l.setLevel(java.util.logging.Level.WARNING));
        String body = requestBody(model);
        String name = dev.asnet.serving.ServedModel.nameOf(model);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();

        StringBuilder md = new StringBuilder();
        md.append("Machine: ").append(MachineInfo.describe()).append("\n\n");
        md.append(String.format(Locale.ROOT, "Model %s, %d requests per level (one 1x28x28 image each, JSON), %d rounds "
                + "(medians shown), ONNX Runtime intra-op threads %s%s; batching on = --max-batch %d --max-delay-ms %d, "
                + "off = --max-batch 1; client and server in one JVM on loopback.%n%n", model.getFileName(), requests,
                rounds, threads == 0 ? "automatic" : Integer.toString(threads), spinning ? ", spinning" : ", not spinning",
                maxBatch, maxDelayMs));
        md.append(modelOnly(model, runtime, new int[] {1, 8, maxBatch})).append('\n');
        Map<String, List<Level>> results = new LinkedHashMap<>();
        try (ModelServer on = start(model, runtime, maxBatch, maxDelayMs, 4096);
                ModelServer off = start(model, runtime, 1, 0, 4096)) {
            List<ModelServer> servers = List.of(on, off);
            for (ModelServer s : servers) {
                run(client, s, name, body, 8, 200, "warm-up");  // JIT, ORT arenas, connections
            }
            for (int r = 0; r < rounds; r++) {
                for (int c : levels) {
                    for (ModelServer s : servers) {
                        String mode = s == on ? "on" : "off";
                        Level l = run(client, s, name, body, c, requests, mode);
                        results.computeIfAbsent(mode + "/" + c, k -> new ArrayList<>()).add(l);
                        System.err.printf(Locale.ROOT, "round %d, batching %-3s, concurrency %3d: %7.1f req/s, "
                                + "p50 %6.2f ms, p99 %7.2f ms, mean batch %5.2f, errors %d%n", r + 1, mode, c,
                                l.throughput(), l.percentile(50), l.percentile(99), l.meanBatch(), l.errors());
                    }
                }
            }
        }
        md.append("| batching | concurrency | req/s | p50 ms | p99 ms | mean batch | batch sizes (rows: count, last round) | errors |\n");
        md.append("|---|---|---|---|---|---|---|---|\n");
        Map<String, double[]> medians = new LinkedHashMap<>();
        for (Map.Entry<String, List<Level>> e : results.entrySet()) {
            List<Level> ls = e.getValue();
            double tp = median(ls.stream().mapToDouble(Level::throughput).toArray());
            double p50 = median(ls.stream().mapToDouble(l -> l.percentile(50)).toArray());
            double p99 = median(ls.stream().mapToDouble(l -> l.percentile(99)).toArray());
            double mb = median(ls.stream().mapToDouble(Level::meanBatch).toArray());
            int errors = ls.stream().mapToInt(Level::errors).sum();
            Level last = ls.get(ls.size() - 1);
            medians.put(e.getKey(), new double[] {tp, p50, p99});
            md.append(String.format(Locale.ROOT, "| %s | %d | %.1f | %.2f | %.2f | %.2f | %s | %d |%n", last.mode(),
                    last.concurrency(), tp, p50, p99, mb, last.batchHistogram(), errors));
        }
        md.append('\n');
        double[] single = medians.get("on/1");
        for (int c : levels) {
            double[] m = medians.get("on/" + c);
            double[] off = medians.get("off/" + c);
            if (single != null && m != null && off != null) {
                md.append(String.format(Locale.ROOT, "- concurrency %d: batching on gives %.2fx the throughput of "
                        + "concurrency 1 and %.2fx that of batching off; its p99 is %.2fx the single-request p50%n",
                        c, m[0] / single[0], m[0] / off[0], m[2] / single[1]));
            }
        }
        md.append('\n').append(overload(client, model, runtime, name, body, maxBatch, maxDelayMs, overloadQueue,
                Math.max(128, Arrays.stream(levels).max().getAsInt()), requests));
        System.out.println(md);
        if (opt.containsKey("out")) {
            AtomicFiles.writeString(Path.of(opt.get("out")), md.toString());
        }
    }

    /**
     * The model alone, without HTTP: milliseconds per row of {@code runBatch} at a few batch
     * sizes, interleaved, median of 30 rounds; what batching can gain at most.
     */
    private static String modelOnly(Path model, RuntimeOptions runtime, int[] sizes) throws Exception {
        Random r = new Random(1);
        Map<Integer, List<Double>> perRow = new TreeMap<>();
        try (dev.asnet.runtime.AsnetModel m = dev.asnet.runtime.AsnetModel.open(model, runtime)) {
            for (int round = 0; round < 32; round++) {
                for (int n : sizes) {
                    List<float[]> rows = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        float[] x = new float[28 * 28];
                        for (int k = 0; k < x.length; k++) {
                            x[k] = (float) r.nextGaussian();
                        }
                        rows.add(x);
                    }
                    long t0 = System.nanoTime();
                    m.runBatch(rows);
                    double ms = (System.nanoTime() - t0) / 1e6 / n;
                    if (round >= 2) {  // two rounds of warm-up
                        perRow.computeIfAbsent(n, k -> new ArrayList<>()).add(ms);
                    }
                }
            }
        }
        StringBuilder b = new StringBuilder("The model alone (runBatch, no HTTP), median ms per row:");
        for (Map.Entry<Integer, List<Double>> e : perRow.entrySet()) {
            b.append(String.format(Locale.ROOT, " batch %d: %.3f;", e.getKey(),
                    median(e.getValue().stream().mapToDouble(Double::doubleValue).toArray())));
        }
        return b.append('\n').toString();
    }

    private static ModelServer start(Path model, RuntimeOptions runtime, int maxBatch, int maxDelayMs, int queue)
            throws Exception {
        return ModelServer.start(List.of(model), ServerConfig.builder().optPort(0).optMaxBatch(maxBatch)
                .optMaxDelay(Duration.ofMillis(maxDelayMs)).optQueue(queue).optRuntimeOptions(runtime).build());
    }

    /** Sends exactly {@code requests} requests from {@code concurrency} threads; records each latency. */
    static Level run(HttpClient client, ModelServer server, String name, String body, int concurrency, int requests,
            String mode) throws Exception {
        URI uri = URI.create(server.baseUrl() + "/v2/models/" + name + "/infer");
        HttpRequest request = HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(120)).POST(HttpRequest.BodyPublishers.ofString(body)).build();
        double[] latencies = new double[requests];
        AtomicInteger next = new AtomicInteger();
        Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
        LongAdder failures = new LongAdder();
        DistributionSummary batches = server.metrics().registry().find("asnet.batch.size").summary();
        double[] before = batchState(batches);
        Map<Double, Double> histBefore = histogram(batches);
        List<Thread> clients = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int c = 0; c < concurrency; c++) {
            Thread t = new Thread(() -> {
                for (int i = next.getAndIncrement(); i < requests; i = next.getAndIncrement()) {
                    long s = System.nanoTime();
                    try {
                        HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
                        statuses.merge(r.statusCode(), 1, Integer::sum);
                    } catch (Exception e) {
                        failures.increment();
                    }
                    latencies[i] = (System.nanoTime() - s) / 1e6;
                }
            }, "load-" + c);
            t.start();
            clients.add(t);
        }
        for (Thread t : clients) {
            t.join();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (batches == null) {
            batches = server.metrics().registry().find("asnet.batch.size").summary();
        }
        double[] after = batchState(batches);
        double calls = after[0] - before[0];
        double meanBatch = calls > 0 ? (after[1] - before[1]) / calls : Double.NaN;
        Map<String, Long> hist = new TreeMap<>((a, b) -> Double.compare(Double.parseDouble(a.replaceAll("[^0-9.].*", "")),
                Double.parseDouble(b.replaceAll("[^0-9.].*", ""))));
        Map<Double, Double> histAfter = histogram(batches);
        double previous = 0;
        double lowerBound = 0;
        for (Map.Entry<Double, Double> e : histAfter.entrySet()) {
            double cumulative = e.getValue() - histBefore.getOrDefault(e.getKey(), 0.0);
            long inBucket = Math.round(cumulative - previous);
            previous = cumulative;
            if (inBucket > 0) {
                long lo = (long) lowerBound + 1;
                long hi = (long) (double) e.getKey();
                hist.put(lo == hi ? Long.toString(hi) : lo + "-" + hi, inBucket);
            }
            lowerBound = e.getKey();
        }
        return new Level(mode, concurrency, requests, seconds, latencies, new TreeMap<>(statuses),
                (int) failures.sum(), meanBatch, hist);
    }

    private static double[] batchState(DistributionSummary s) {
        return s == null ? new double[] {0, 0} : new double[] {s.count(), s.totalAmount()};
    }

    /** Cumulative counts per bucket upper bound. */
    private static Map<Double, Double> histogram(DistributionSummary s) {
        Map<Double, Double> m = new TreeMap<>();
        if (s != null) {
            for (CountAtBucket b : s.takeSnapshot().histogramCounts()) {
                m.put(b.bucket(), b.count());
            }
        }
        return m;
    }

    /**
     * A server with a small queue under many more clients than it can hold: it must answer 503
     * cleanly, stay live and ready, and answer every request once the load is gone.
     */
    private static String overload(HttpClient client, Path model, RuntimeOptions runtime, String name, String body,
            int maxBatch, int maxDelayMs, int queue, int concurrency, int requests) throws Exception {
        StringBuilder md = new StringBuilder();
        try (ModelServer s = start(model, runtime, maxBatch, maxDelayMs, queue)) {
            run(client, s, name, body, 4, 100, "warm-up");
            AtomicInteger readyFailures = new AtomicInteger();
            AtomicInteger readyChecks = new AtomicInteger();
            Thread prober = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    try {
                        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(s.baseUrl()
                                + "/v2/health/ready")).timeout(Duration.ofSeconds(10)).build(),
                                HttpResponse.BodyHandlers.ofString());
                        readyChecks.incrementAndGet();
                        if (r.statusCode() != 200) {
                            readyFailures.incrementAndGet();
                        }
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    } catch (Exception e) {
                        readyFailures.incrementAndGet();
                    }
                }
            }, "ready-probe");
            prober.start();
            Level l = run(client, s, name, body, concurrency, requests, "overload");
            prober.interrupt();
            prober.join();
            Level after = run(client, s, name, body, 1, 100, "after");
            md.append(String.format(Locale.ROOT, "Overload: --queue %d, %d clients, %d requests: status counts %s, "
                    + "%d transport failures, %.1f req/s answered in all, p50 %.2f ms, p99 %.2f ms; "
                    + "/v2/health/ready during the run: %d of %d checks not 200; afterwards at concurrency 1: "
                    + "status counts %s, %d transport failures.%n", queue, concurrency, requests, l.statuses(),
                    l.failures(), l.throughput(), l.percentile(50), l.percentile(99), readyFailures.get(),
                    readyChecks.get(), after.statuses(), after.failures()));
        }
        return md.toString();
    }

    /** One image of random pixels, normalized as the model expects, as a v2 JSON request. */
    private static String requestBody(Path model) throws Exception {
        Random r = new Random(42);
        float[] x = new float[28 * 28];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        try (dev.asnet.runtime.AsnetModel m = dev.asnet.runtime.AsnetModel.open(model,
                RuntimeOptions.builder().optIntraOpThreads(1).optNchwcRewrite(false).build())) {
            long[] dims = m.input().dims();
            if (dims.length != 4 || dims[1] != 1 || dims[2] != 28 || dims[3] != 28) {
                throw new IllegalArgumentException(model + ": the load test sends 1x28x28 images; the model takes "
                        + m.input().shapeText());
            }
            return JSON.writeValueAsString(Map.of("inputs", List.of(Map.of("name", m.input().name(),
                    "datatype", "FP32", "shape", List.of(1, 1, 28, 28), "data", x))));
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("options are --name value pairs; got " + args[i]);
            }
            m.put(args[i].substring(2), args[++i]);
        }
        return m;
    }
}
