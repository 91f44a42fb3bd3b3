package dev.asnet.bench.serving;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.asnet.bench.MachineInfo;
import dev.asnet.exporter.io.AtomicFiles;
import dev.asnet.runtime.RuntimeOptions;
import dev.asnet.serving.ModelServer;
import dev.asnet.serving.ServerConfig;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import dev.asnet.serving.InferRequest;
import dev.asnet.serving.InferResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
 * {@code --max-delay-ms}; off: max batch 1), and for each concurrency and request encoding sends
 * a fixed number of one-image requests from that many client threads, alternating the two
 * servers, for several rounds. Encodings: {@code json} (the 784 floats as JSON numbers) and
 * {@code binary} (the binary tensor data extension: the floats as little-endian bytes after a
 * JSON header, and the output asked for as binary data too). It reports throughput, p50 and p99
 * latency, the batch sizes the server ran and the error counts (medians over rounds), the CPU
 * time each request cost by thread group (load generator, server HTTP threads, model, JVM), what
 * parsing and encoding alone cost, and then overloads a third server whose queue is
 * deliberately small and checks that it refuses cleanly (503), stays healthy and recovers.
 *
 * <pre>
 * java -cp cli/target/asnet.jar dev.asnet.bench.serving.ServingLoadTest \
 *     [--model FILE] [--requests N] [--concurrency 1,8,32,128] [--rounds R] [--threads T]
 *     [--encoding json,binary] [--client apache|urlconnection|jdk]
 *     [--max-batch B] [--max-delay-ms D] [--overload-queue Q] [--spinning false] [--out FILE.md]
 * </pre>
 *
 * <p>Clients: {@code apache} (default) is {@link ApacheSenders}, Apache HttpClient 5's blocking
 * API with a pool of persistent connections, one per client thread, and no retries; {@code
 * urlconnection} is the JDK's {@code HttpURLConnection} with keep-alive; {@code jdk} is the JDK's
 * {@code HttpClient} (HTTP/1.1), what earlier versions of this test used (it hands every request to
 * a selector thread and back, which costs several times the CPU of a blocking client, on the cores
 * the server needs). Connections are opened before a level's clock starts; the report counts
 * connections the client had to open during a level (apache only). The CPU table reads every
 * thread's time on CPU from {@code /proc/self/task} (Linux), so it is right on a shared machine too.
 *
 * Everything stops by itself: each level sends exactly {@code --requests} requests.
 */
public final class ServingLoadTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Jetty's and Javalin's loggers, held so that their WARNING level stays (JUL holds loggers weakly). */
    private static final List<java.util.logging.Logger> QUIET = new ArrayList<>();
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    /** The thread groups of the CPU table, in its column order. */
    static final List<String> CPU_GROUPS = List.of("client", "server-http", "model", "gc", "jit", "other");

    private ServingLoadTest() {}

    /**
     * A request body as sent.
     *
     * @param encoding {@code json} or {@code binary}
     * @param body the bytes
     * @param contentType its Content-Type
     * @param headerLength the JSON header's length (binary extension), or -1
     */
    record Payload(String encoding, byte[] body, String contentType, int headerLength) {
        Map<String, String> headers() {
            Map<String, String> h = new LinkedHashMap<>();
            h.put("Content-Type", contentType);
            if (headerLength >= 0) {
                h.put(InferRequest.HEADER_LENGTH, Integer.toString(headerLength));
            }
            return h;
        }
    }

    /** Sends one fixed request over and over from one client thread. */
    interface Sender extends AutoCloseable {
        /**
         * Sends the request and reads the whole answer.
         *
         * @return the status code
         * @throws Exception if the exchange fails
         */
        int send() throws Exception;

        @Override
        void close();
    }

    /** Makes one {@link Sender} per client thread; one per load test, shared by its levels. */
    interface SenderFactory extends AutoCloseable {
        /**
         * A sender of one fixed request to a server.
         *
         * @param server the server
         * @param path the request path
         * @param payload the request body and headers
         * @return the sender, for one client thread
         * @throws IOException if the server's address is refused
         */
        Sender open(ModelServer server, String path, Payload payload) throws IOException;

        /**
         * Opens {@code connections} connections to a server ahead of a level, where the client can.
         *
         * @param server the server
         * @param connections how many (one per client thread)
         * @throws IOException if the server cannot be reached
         */
        default void connect(ModelServer server, int connections) throws IOException {
        }

        /**
         * Connections opened so far, where the client tells (0 where it does not).
         *
         * @return the count
         */
        default long connectionsOpened() {
            return 0;
        }

        @Override
        default void close() {
        }
    }

    /** What one level (server, encoding, concurrency, round) measured. */
    record Level(String mode, String encoding, int concurrency, int requests, double seconds, double[] latenciesMs,
            Map<Integer, Integer> statuses, int failures, double meanBatch, Map<String, Long> batchHistogram,
            Map<String, Long> cpuNanos, long reconnects) {
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

        /** CPU microseconds per request of a thread group. */
        double cpuMicros(String group) {
            return cpuNanos.getOrDefault(group, 0L) / 1e3 / requests;
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
        List<String> encodings = Arrays.stream(opt.getOrDefault("encoding", "json,binary").split(","))
                .map(String::trim).toList();
        String clientKind = opt.getOrDefault("client", "apache");
        if (requests < 1 || rounds < 1 || levels.length == 0 || Arrays.stream(levels).anyMatch(c -> c < 1 || c > 1024)) {
            throw new IllegalArgumentException("--requests and --rounds must be >= 1, concurrency 1-1024");
        }
        if (encodings.isEmpty() || !List.of("json", "binary").containsAll(encodings)) {
            throw new IllegalArgumentException("--encoding takes json, binary or both (comma-separated), got "
                    + encodings);
        }
        int overloadClients = Math.max(128, Arrays.stream(levels).max().getAsInt());
        try (SenderFactory clients = senders(clientKind, overloadClients)) {
            loadTest(opt, model, requests, rounds, threads, maxBatch, maxDelayMs, overloadQueue, levels, encodings,
                    clientKind, clients, overloadClients);
        }
    }

    private static void loadTest(Map<String, String> opt, Path model, int requests, int rounds, int threads, int maxBatch,
            int maxDelayMs, int overloadQueue, int[] levels, List<String> encodings, String clientKind,
            SenderFactory clients, int overloadClients) throws Exception {
        boolean spinning = Boolean.parseBoolean(opt.getOrDefault("spinning", "false"));
        RuntimeOptions runtime = ModelServer.servingOptions(RuntimeOptions.builder().optIntraOpThreads(threads).build())
                .toBuilder().optSpinning(spinning).build();
        for (String quiet : List.of("org.eclipse.jetty", "io.javalin")) {
            QUIET.add(java.util.logging.Logger.getLogger(quiet));
        }
        QUIET.forEach(l -> l.setLevel(java.util.logging.Level.WARNING));
        String name = dev.asnet.serving.ServedModel.nameOf(model);
        Map<String, Payload> payloads = payloads(model);

        StringBuilder md = new StringBuilder();
        md.append("Machine: ").append(MachineInfo.describe()).append("\n\n");
        md.append(String.format(Locale.ROOT, "Model %s, %d requests per level (one 1x28x28 image each; encodings %s), "
                + "%d rounds (medians shown), ONNX Runtime intra-op threads %s%s; batching on = --max-batch %d "
                + "--max-delay-ms %d, off = --max-batch 1; client (%s) and server in one JVM on loopback; "
                + "load average at the start %s.%n%n", model.getFileName(), requests, String.join(", ", encodings),
                rounds, threads == 0 ? "automatic" : Integer.toString(threads), spinning ? ", spinning" : ", not spinning",
                maxBatch, maxDelayMs, clientKind, loadAverage()));
        md.append(modelOnly(model, runtime, new int[] {1, 8, maxBatch})).append('\n');
        md.append(codecOnly(payloads)).append('\n');
        Map<String, List<Level>> results = new LinkedHashMap<>();
        try (ModelServer on = start(model, runtime, maxBatch, maxDelayMs, 4096);
                ModelServer off = start(model, runtime, 1, 0, 4096)) {
            List<ModelServer> servers = List.of(on, off);
            for (ModelServer s : servers) {
                for (String e : encodings) {
                    run(clients, s, name, payloads.get(e), 8, 1000, "warm-up");  // JIT, ORT arenas, connections
                }
            }
            for (int r = 0; r < rounds; r++) {
                for (int c : levels) {
                    for (String e : encodings) {
                        for (ModelServer s : servers) {
                            String mode = s == on ? "on" : "off";
                            Level l = run(clients, s, name, payloads.get(e), c, requests, mode);
                            results.computeIfAbsent(mode + "/" + e + "/" + c, k -> new ArrayList<>()).add(l);
                            System.err.printf(Locale.ROOT, "round %d, batching %-3s, %-6s, concurrency %3d: %7.1f req/s, "
                                    + "p50 %6.2f ms, p99 %7.2f ms, mean batch %5.2f, errors %d, reconnects %d, CPU us/req: client %.0f, "
                                    + "server-http %.0f, model %.0f, gc %.0f, jit %.0f; load %s%n", r + 1, mode, e, c,
                                    l.throughput(), l.percentile(50), l.percentile(99), l.meanBatch(), l.errors(),
                                    l.reconnects(),
                                    l.cpuMicros("client"), l.cpuMicros("server-http"), l.cpuMicros("model"),
                                    l.cpuMicros("gc"), l.cpuMicros("jit"), loadAverage());
                        }
                    }
                }
            }
        }
        md.append("| batching | encoding | concurrency | req/s | p50 ms | p99 ms | mean batch | batch sizes (rows: count, "
                + "last round) | errors |\n");
        md.append("|---|---|---|---|---|---|---|---|---|\n");
        Map<String, double[]> medians = new LinkedHashMap<>();
        StringBuilder cpu = new StringBuilder();
        cpu.append("CPU time per request by thread group, microseconds (medians over rounds; client = the load "
                + "generator's threads, server-http = Jetty's threads (reading, parsing, encoding, writing), model = "
                + "the batcher thread and ONNX Runtime's threads, gc = the garbage collector and VM thread, jit = the JIT "
                + "compilers, still at work in early levels):\n\n");
        cpu.append("| batching | encoding | concurrency | client | server-http | model | gc | jit | other | total |\n");
        cpu.append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (Map.Entry<String, List<Level>> e : results.entrySet()) {
            List<Level> ls = e.getValue();
            double tp = median(ls.stream().mapToDouble(Level::throughput).toArray());
            double p50 = median(ls.stream().mapToDouble(l -> l.percentile(50)).toArray());
            double p99 = median(ls.stream().mapToDouble(l -> l.percentile(99)).toArray());
            double mb = median(ls.stream().mapToDouble(Level::meanBatch).toArray());
            int errors = ls.stream().mapToInt(Level::errors).sum();
            long reconnects = ls.stream().mapToLong(Level::reconnects).sum();
            Level last = ls.get(ls.size() - 1);
            medians.put(e.getKey(), new double[] {tp, p50, p99});
            md.append(String.format(Locale.ROOT, "| %s | %s | %d | %.1f | %.2f | %.2f | %.2f | %s | %s |%n", last.mode(),
                    last.encoding(), last.concurrency(), tp, p50, p99, mb, last.batchHistogram(),
                    errors + (reconnects > 0 ? " (" + reconnects + " connections opened during the levels)" : "")));
            cpu.append(String.format(Locale.ROOT, "| %s | %s | %d |", last.mode(), last.encoding(), last.concurrency()));
            double total = 0;
            for (String g : CPU_GROUPS) {
                double us = median(ls.stream().mapToDouble(l -> l.cpuMicros(g)).toArray());
                total += us;
                cpu.append(String.format(Locale.ROOT, " %.0f |", us));
            }
            cpu.append(String.format(Locale.ROOT, " %.0f |%n", total));
        }
        md.append('\n');
        for (String enc : encodings) {
            double[] single = medians.get("on/" + enc + "/1");
            for (int c : levels) {
                double[] m = medians.get("on/" + enc + "/" + c);
                double[] off = medians.get("off/" + enc + "/" + c);
                if (single != null && m != null && off != null) {
                    md.append(String.format(Locale.ROOT, "- %s, concurrency %d: batching on gives %.2fx the throughput "
                            + "of concurrency 1 and %.2fx that of batching off; its p99 is %.2fx the single-request "
                            + "p50%n", enc, c, m[0] / single[0], m[0] / off[0], m[2] / single[1]));
                }
            }
        }
        md.append('\n').append(cpu).append('\n');
        md.append(overload(clients, model, runtime, name, payloads.get(encodings.get(0)), maxBatch, maxDelayMs,
                overloadQueue, overloadClients, requests));
        md.append(String.format(Locale.ROOT, "%nLoad average at the end: %s.%n", loadAverage()));
        System.out.println(md);
        if (opt.containsKey("out")) {
            AtomicFiles.writeString(Path.of(opt.get("out")), md.toString());
        }
    }

    /** The system's load average (1, 5, 15 minutes), or "unknown". */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
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

    /**
     * What the server's parsing and encoding alone cost, without HTTP: thread CPU microseconds per
     * call of {@link InferRequest#parse} on each request body and of {@link InferResponse#encode}
     * on a 1x10 response (JSON and binary), median of 15 rounds of 500 calls after warm-up.
     */
    private static String codecOnly(Map<String, Payload> payloads) {
        Map<String, List<Double>> us = new LinkedHashMap<>();
        float[] logits = new float[10];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) Math.sin(i + 1) * 7.3f;
        }
        for (int round = 0; round < 20; round++) {
            for (Payload p : payloads.values()) {
                String h = p.headerLength() >= 0 ? Integer.toString(p.headerLength()) : null;
                long t0 = THREADS.getCurrentThreadCpuTime();
                int sink = 0;
                for (int i = 0; i < 500; i++) {
                    sink += InferRequest.parse(p.body(), h).inputs().size();
                }
                long t1 = THREADS.getCurrentThreadCpuTime();
                boolean binary = p.encoding().equals("binary");
                InferResponse response = new InferResponse("m", null, List.of(new InferResponse.Output("output", "FP32",
                        new long[] {1, 10}, logits, null, null, binary)));
                for (int i = 0; i < 500; i++) {
                    sink += response.encode().body().length;
                }
                long t2 = THREADS.getCurrentThreadCpuTime();
                if (sink == 0) {
                    throw new IllegalStateException("nothing parsed");
                }
                if (round >= 5) {
                    us.computeIfAbsent("parse " + p.encoding() + " request (" + p.body().length + " bytes)",
                            k -> new ArrayList<>()).add((t1 - t0) / 1e3 / 500);
                    us.computeIfAbsent("encode " + p.encoding() + " response", k -> new ArrayList<>())
                            .add((t2 - t1) / 1e3 / 500);
                }
            }
        }
        StringBuilder b = new StringBuilder("The server's request parsing and response encoding alone (no HTTP), "
                + "thread CPU microseconds per call, median:");
        for (Map.Entry<String, List<Double>> e : us.entrySet()) {
            b.append(String.format(Locale.ROOT, " %s %.1f;", e.getKey(),
                    median(e.getValue().stream().mapToDouble(Double::doubleValue).toArray())));
        }
        return b.append('\n').toString();
    }

    private static ModelServer start(Path model, RuntimeOptions runtime, int maxBatch, int maxDelayMs, int queue)
            throws Exception {
        return ModelServer.start(List.of(model), ServerConfig.builder().optPort(0).optMaxBatch(maxBatch)
                .optMaxDelay(Duration.ofMillis(maxDelayMs)).optQueue(queue).optRuntimeOptions(runtime).build());
    }

    /** The client implementation named by {@code --client}. */
    static SenderFactory senders(String kind, int maxConcurrency) {
        switch (kind) {
            case "apache":
                return new ApacheSenders(maxConcurrency);
            case "urlconnection":
                // Its keep-alive cache holds 5 idle connections per server unless told otherwise:
                // then most clients would reconnect for every request.
                if (System.getProperty("http.maxConnections") == null) {
                    System.setProperty("http.maxConnections", Integer.toString(maxConcurrency + 8));
                }
                return (server, path, payload) -> {
                    URL url = URI.create(server.baseUrl() + path).toURL();
                    Map<String, String> headers = payload.headers();
                    byte[] body = payload.body();
                    return new Sender() {
                        @Override
                        public int send() throws IOException {
                            HttpURLConnection c = (HttpURLConnection) url.openConnection();
                            c.setRequestMethod("POST");
                            c.setDoOutput(true);
                            c.setConnectTimeout(10_000);
                            c.setReadTimeout(120_000);
                            headers.forEach(c::setRequestProperty);
                            c.setFixedLengthStreamingMode(body.length);
                            try (OutputStream o = c.getOutputStream()) {
                                o.write(body);
                            }
                            int code = c.getResponseCode();
                            // Read to the end and closed (not disconnected): the connection goes back
                            // to the keep-alive cache.
                            try (InputStream in = code >= 400 ? c.getErrorStream() : c.getInputStream()) {
                                if (in != null) {
                                    in.readAllBytes();
                                }
                            }
                            return code;
                        }

                        @Override
                        public void close() {
                        }
                    };
                };
            case "jdk": {
                HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(10)).build();
                return (server, path, payload) -> {
                    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
                            .timeout(Duration.ofSeconds(120)).POST(HttpRequest.BodyPublishers.ofByteArray(payload.body()));
                    payload.headers().forEach(b::header);
                    HttpRequest request = b.build();
                    return new Sender() {
                        @Override
                        public int send() throws Exception {
                            return client.send(request, HttpResponse.BodyHandlers.ofByteArray()).statusCode();
                        }

                        @Override
                        public void close() {
                        }
                    };
                };
            }
            default:
                throw new IllegalArgumentException("--client is apache, urlconnection or jdk, not " + kind);
        }
    }

    /** Sends exactly {@code requests} requests from {@code concurrency} threads; records each latency. */
    static Level run(SenderFactory senders, ModelServer server, String name, Payload payload, int concurrency,
            int requests, String mode) throws Exception {
        String path = "/v2/models/" + name + "/infer";
        double[] latencies = new double[requests];
        AtomicInteger next = new AtomicInteger();
        Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
        LongAdder failures = new LongAdder();
        LongAdder clientCpu = new LongAdder();
        DistributionSummary batches = server.metrics().registry().find("asnet.batch.size").summary();
        double[] before = batchState(batches);
        Map<Double, Double> histBefore = histogram(batches);
        List<Thread> clients = new ArrayList<>();
        List<Sender> opened = new ArrayList<>();
        for (int c = 0; c < concurrency; c++) {
            opened.add(senders.open(server, path, payload));
        }
        senders.connect(server, concurrency);  // before the clock starts: a level measures requests, not connecting
        long connectionsBefore = senders.connectionsOpened();
        Map<String, Long> cpuBefore = threadCpuByGroup();
        long t0 = System.nanoTime();
        for (int c = 0; c < concurrency; c++) {
            Sender sender = opened.get(c);
            Thread t = new Thread(() -> {
                for (int i = next.getAndIncrement(); i < requests; i = next.getAndIncrement()) {
                    long s = System.nanoTime();
                    try {
                        statuses.merge(sender.send(), 1, Integer::sum);
                    } catch (Exception e) {
                        failures.increment();
                    }
                    latencies[i] = (System.nanoTime() - s) / 1e6;
                }
                // Its own CPU time, taken before it ends: /proc forgets a thread once it has exited.
                clientCpu.add(THREADS.getCurrentThreadCpuTime());
            }, "load-" + c);
            t.start();
            clients.add(t);
        }
        for (Thread t : clients) {
            t.join();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        Map<String, Long> cpuAfter = threadCpuByGroup();
        // Connections opened while the level ran: 0 when keep-alive held (the client counts them).
        long reconnects = senders.connectionsOpened() - connectionsBefore;
        opened.forEach(Sender::close);
        Map<String, Long> cpu = new LinkedHashMap<>();
        for (String g : CPU_GROUPS) {
            cpu.put(g, Math.max(0, cpuAfter.getOrDefault(g, 0L) - cpuBefore.getOrDefault(g, 0L)));
        }
        cpu.merge("client", clientCpu.sum(), Long::sum);
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
        return new Level(mode, payload.encoding(), concurrency, requests, seconds, latencies, new TreeMap<>(statuses),
                (int) failures.sum(), meanBatch, hist, cpu, reconnects);
    }

    /**
     * Every live thread's time on CPU so far, in nanoseconds, summed by group (see
     * {@link #group}); the load generator's own threads are left out (they account for
     * themselves, as they end before the second reading). Empty where /proc is not there.
     */
    static Map<String, Long> threadCpuByGroup() {
        Map<String, Long> m = new LinkedHashMap<>();
        Path tasks = Path.of("/proc/self/task");
        long self = ProcessHandle.current().pid();
        try (java.util.stream.Stream<Path> s = Files.list(tasks)) {
            for (Path t : (Iterable<Path>) s::iterator) {
                try {
                    String comm = Files.readString(t.resolve("comm")).trim();
                    String[] sched = Files.readString(t.resolve("schedstat")).trim().split("\\s+");
                    String g = group(comm, Long.parseLong(t.getFileName().toString()) == self);
                    if (g != null) {
                        m.merge(g, Long.parseLong(sched[0]), Long::sum);
                    }
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            return m;
        }
        return m;
    }

    /**
     * The group of a thread by its Linux name (Java thread names cut to 15 characters), or null for
     * the load generator's own threads.
     */
    static String group(String comm, boolean primordial) {
        if (comm.startsWith("load-")) {
            return null;
        }
        if (comm.startsWith("HttpClient-") || comm.startsWith("Keep-Alive-")) {
            return "client";
        }
        if (comm.startsWith("JettyServerThre") || comm.startsWith("qtp") || comm.startsWith("Scheduler-")) {
            return "server-http";
        }
        // ONNX Runtime's pool threads are native threads named after the thread that made them (the
        // main thread, "java"); the main thread itself only waits during a level.
        if (comm.startsWith("asnet-batcher-") || comm.equals("java") && !primordial) {
            return "model";
        }
        if (comm.startsWith("C1 Compiler") || comm.startsWith("C2 Compiler") || comm.startsWith("Sweeper")) {
            return "jit";
        }
        if (comm.startsWith("GC Thread") || comm.startsWith("G1 ") || comm.startsWith("VM ")) {
            return "gc";
        }
        return "other";
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
    private static String overload(SenderFactory senders, Path model, RuntimeOptions runtime, String name,
            Payload payload, int maxBatch, int maxDelayMs, int queue, int concurrency, int requests) throws Exception {
        StringBuilder md = new StringBuilder();
        HttpClient probe = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        try (ModelServer s = start(model, runtime, maxBatch, maxDelayMs, queue)) {
            run(senders, s, name, payload, 4, 100, "warm-up");
            AtomicInteger readyFailures = new AtomicInteger();
            AtomicInteger readyChecks = new AtomicInteger();
            Thread prober = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    try {
                        HttpResponse<String> r = probe.send(HttpRequest.newBuilder(URI.create(s.baseUrl()
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
            Level l = run(senders, s, name, payload, concurrency, requests, "overload");
            prober.interrupt();
            prober.join();
            Level after = run(senders, s, name, payload, 1, 100, "after");
            md.append(String.format(Locale.ROOT, "Overload (%s requests): --queue %d, %d clients, %d requests: status "
                    + "counts %s, %d transport failures, %.1f req/s answered in all, p50 %.2f ms, p99 %.2f ms; "
                    + "/v2/health/ready during the run: %d of %d checks not 200; afterwards at concurrency 1: "
                    + "status counts %s, %d transport failures.%n", payload.encoding(), queue, concurrency, requests,
                    l.statuses(), l.failures(), l.throughput(), l.percentile(50), l.percentile(99), readyFailures.get(),
                    readyChecks.get(), after.statuses(), after.failures()));
        }
        return md.toString();
    }

    /**
     * One image of random pixels, normalized as the model expects, as a v2 request in each
     * encoding: JSON numbers, and binary tensor data (with the output asked for as binary data).
     */
    static Map<String, Payload> payloads(Path model) throws Exception {
        Random r = new Random(42);
        float[] x = new float[28 * 28];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        String input;
        try (dev.asnet.runtime.AsnetModel m = dev.asnet.runtime.AsnetModel.open(model,
                RuntimeOptions.builder().optIntraOpThreads(1).optNchwcRewrite(false).build())) {
            long[] dims = m.input().dims();
            if (dims.length != 4 || dims[1] != 1 || dims[2] != 28 || dims[3] != 28) {
                throw new IllegalArgumentException(model + ": the load test sends 1x28x28 images; the model takes "
                        + m.input().shapeText());
            }
            input = m.input().name();
        }
        return payloads(input, x);
    }

    /** The request bodies for one 1x1x28x28 input row. */
    static Map<String, Payload> payloads(String input, float[] x) throws IOException {
        Map<String, Payload> p = new LinkedHashMap<>();
        p.put("json", new Payload("json", JSON.writeValueAsBytes(Map.of("inputs", List.of(Map.of("name", input,
                "datatype", "FP32", "shape", List.of(1, 1, 28, 28), "data", x)))), "application/json", -1));
        byte[] header = JSON.writeValueAsBytes(Map.of(
                "inputs", List.of(Map.of("name", input, "datatype", "FP32", "shape", List.of(1, 1, 28, 28),
                        "parameters", Map.of("binary_data_size", x.length * Float.BYTES))),
                "parameters", Map.of("binary_data_output", true)));
        ByteBuffer b = ByteBuffer.allocate(header.length + x.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.put(header);
        b.asFloatBuffer().put(x);
        p.put("binary", new Payload("binary", b.array(), "application/octet-stream", header.length));
        return p;
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
