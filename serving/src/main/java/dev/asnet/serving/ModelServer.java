package dev.asnet.serving;

import ai.onnxruntime.OrtException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.util.JavalinBindException;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import dev.asnet.runtime.RuntimeOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP server for asnet models speaking the Open Inference Protocol (KServe v2 REST, as Triton
 * speaks it), on Javalin (Jetty underneath).
 *
 * <p>Endpoints: {@code GET /v2} (server metadata), {@code GET /v2/health/live},
 * {@code GET /v2/health/ready}, {@code GET /v2/models/{name}} (model metadata),
 * {@code GET /v2/models/{name}/ready}, {@code POST /v2/models/{name}/infer} (each model path also
 * under {@code /versions/1}), and {@code GET /metrics} (Prometheus). Errors are
 * {@code {"error": "..."}} with 400 (bad request), 404 (unknown model, version or path), 405,
 * 413 (body over the limit), 500 (the model failed) or 503 (queue full, shutting down).
 *
 * <pre>{@code
 * try (ModelServer server = ModelServer.start(List.of(Path.of("as-resnet20.onnx")),
 *         ServerConfig.builder().optPort(8000).build())) {
 *     server.awaitShutdown();
 * }
 * }</pre>
 *
 * <p>{@link #close()} shuts down gracefully: the server stops taking inference requests (503,
 * and {@code /v2/health/ready} turns 503), runs every queued request and sends its answer, stops
 * listening, and then closes the models.
 */
public final class ModelServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ModelServer.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The listen backlog: connections the kernel holds until Jetty accepts them. */
    private static final int ACCEPT_QUEUE = 1024;

    private final ServerConfig config;
    private final Map<String, ServedModel> models;
    private final ServingMetrics metrics;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Object lock = new Object();
    private volatile boolean accepting;
    private boolean closed;
    private Javalin app;

    private ModelServer(ServerConfig config, Map<String, ServedModel> models, ServingMetrics metrics) {
        this.config = config;
        this.models = models;
        this.metrics = metrics;
    }

    /**
     * Opens the models and starts listening. Every model must load: if one does not, those already
     * opened are closed and nothing listens.
     *
     * @param files the {@code .onnx} files; each is served under its file name without {@code .onnx}
     * @param config how to listen, batch and run
     * @return the running server
     * @throws IllegalArgumentException if no file is given or two files give the same name
     * @throws IOException if a model cannot be read or served (the message names the file and why)
     *     or the address cannot be bound
     * @throws OrtException if ONNX Runtime fails to open a model
     */
    public static ModelServer start(List<Path> files, ServerConfig config) throws IOException, OrtException {
        Objects.requireNonNull(config, "config");
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no model given: name at least one .onnx file");
        }
        Map<String, Path> names = new LinkedHashMap<>();
        for (Path f : files) {
            Path before = names.putIfAbsent(ServedModel.nameOf(f), f);
            if (before != null) {
                throw new IllegalArgumentException("two models would both be served as '" + ServedModel.nameOf(f)
                        + "' (" + before + " and " + f + "); a model's name is its file name without .onnx, "
                        + "so rename one");
            }
        }
        ServingMetrics metrics = new ServingMetrics();
        Map<String, ServedModel> models = new LinkedHashMap<>();
        ModelServer server = new ModelServer(config, Collections.unmodifiableMap(models), metrics);
        try {
            for (Path f : files) {
                models.put(ServedModel.nameOf(f), ServedModel.open(f, config, metrics));
            }
            server.listen();
            return server;
        } catch (IOException | OrtException | RuntimeException | Error e) {
            server.closeModels();
            throw e;
        }
    }

    /**
     * Session settings for serving: as given, but with ONNX Runtime's idle threads sleeping instead
     * of spinning, because the HTTP threads (reading, parsing and writing requests) need the same
     * cores between model calls.
     *
     * @param options the user's settings
     * @return the settings to serve with
     */
    public static RuntimeOptions servingOptions(RuntimeOptions options) {
        return options.toBuilder().optSpinning(false).build();
    }

    private void listen() throws IOException {
        app = Javalin.create(this::configure);
        try {
            app.start(config.host(), config.port());
        } catch (JavalinBindException e) {
            throw new IOException("cannot listen on " + config.host() + ":" + config.port() + ": "
                    + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage())
                    + " (is another server using the port? choose another with --port)", e);
        } catch (RuntimeException e) {
            if (e.getCause() instanceof IOException io) {
                throw new IOException("cannot listen on " + config.host() + ":" + config.port() + ": "
                        + io.getMessage(), e);
            }
            throw e;
        }
        accepting = true;
    }

    private void configure(JavalinConfig cfg) {
        cfg.startup.showJavalinBanner = false;
        cfg.startup.showOldJavalinVersionWarning = false;
        cfg.http.maxRequestSize = config.maxBodyBytes();
        // The connector Javalin would make, but with a listen backlog for bursts of clients
        // connecting at once: with the JVM's default of 50, a burst of 128 overflowed it, the
        // kernel dropped SYNs and those clients connected only after SYN retransmits (1 s, 3 s,
        // ... up to 30 s and more).
        cfg.jetty.addConnector((server, http) -> {
            ServerConnector c = new ServerConnector(server, new HttpConnectionFactory(http));
            c.setHost(config.host());
            c.setPort(config.port());
            c.setAcceptQueueSize(ACCEPT_QUEUE);
            return c;
        });
        // A known path with the wrong method is a 405, not a 404.
        cfg.http.prefer405over404 = true;
        cfg.routes.get("/v2", this::serverMetadata);
        cfg.routes.get("/v2/health/live", ctx -> json(ctx, 200, Map.of("live", true)));
        cfg.routes.get("/v2/health/ready", ctx -> json(ctx, accepting ? 200 : 503, Map.of("ready", accepting)));
        cfg.routes.get("/v2/models/{name}", ctx -> json(ctx, 200, model(ctx).metadata()));
        cfg.routes.get("/v2/models/{name}/versions/{version}", ctx -> json(ctx, 200, model(ctx).metadata()));
        cfg.routes.get("/v2/models/{name}/ready", this::modelReady);
        cfg.routes.get("/v2/models/{name}/versions/{version}/ready", this::modelReady);
        cfg.routes.post("/v2/models/{name}/infer", this::infer);
        cfg.routes.post("/v2/models/{name}/versions/{version}/infer", this::infer);
        cfg.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                .result(metrics.scrape()));
        cfg.routes.exception(ServingException.class, (e, ctx) -> error(ctx, e.status(), e.getMessage()));
        cfg.routes.exception(HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(),
                e.getStatus() == 404 ? "no such endpoint: " + ctx.method() + " " + ctx.path()
                        : e.getStatus() == 405 ? "method " + ctx.method() + " is not allowed on " + ctx.path()
                        : e.getStatus() == 413 ? "the request body is larger than the server's limit of "
                                + config.maxBodyBytes() + " bytes"
                        : e.getMessage()));
        cfg.routes.exception(OrtException.class, (e, ctx) -> {
            LOG.log(System.Logger.Level.WARNING, "ONNX Runtime failed on " + ctx.path(), e);
            error(ctx, 500, "the model failed to run: " + e.getMessage());
        });
        cfg.routes.exception(Exception.class, (e, ctx) -> {
            LOG.log(System.Logger.Level.ERROR, "internal error on " + ctx.method() + " " + ctx.path(), e);
            error(ctx, 500, "internal error (" + e.getClass().getSimpleName() + "); see the server log");
        });
        // What Javalin answers by itself (unknown paths, wrong methods): the same JSON errors.
        cfg.routes.error(404, ctx -> {
            if (ctx.result() == null) {
                error(ctx, 404, "no such endpoint: " + ctx.method() + " " + ctx.path());
            }
        });
        cfg.routes.error(405, ctx -> {
            if (ctx.result() == null) {
                error(ctx, 405, "method " + ctx.method() + " is not allowed on " + ctx.path());
            }
        });
    }

    private void serverMetadata(Context ctx) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", "asnet");
        String v = ModelServer.class.getPackage().getImplementationVersion();
        m.put("version", v != null ? v : "development");
        m.put("extensions", List.of("binary_tensor_data"));
        json(ctx, 200, m);
    }

    private void modelReady(Context ctx) {
        ServedModel m = model(ctx);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", m.name());
        body.put("ready", accepting);
        json(ctx, accepting ? 200 : 503, body);
    }

    /** The model a path names (and its version, when the path has one). */
    private ServedModel model(Context ctx) {
        String name = ctx.pathParam("name");
        ServedModel m = models.get(name);
        if (m == null) {
            throw new ServingException(404, "unknown model '" + name + "'; this server serves: "
                    + String.join(", ", models.keySet()));
        }
        String version = ctx.pathParamMap().get("version");
        if (version != null && !version.equals(ServedModel.VERSION)) {
            throw new ServingException(404, "model '" + name + "' has no version '" + version + "' (only "
                    + ServedModel.VERSION + ")");
        }
        return m;
    }

    private void infer(Context ctx) throws IOException, OrtException {
        long t0 = System.nanoTime();
        ServedModel m = model(ctx);
        inFlight.incrementAndGet();
        // Announced before the body is read, so that a batch forming meanwhile may wait for it.
        try (ServedModel.Arrival arrival = m.arrival()) {
            if (!accepting) {
                throw new ServingException(503, "the server is shutting down");
            }
            byte[] body = readBody(ctx);
            InferRequest request = InferRequest.parse(body, ctx.header(InferRequest.HEADER_LENGTH));
            InferResponse.Encoded out = m.infer(request, arrival).encode();
            ctx.status(200).contentType(out.contentType());
            if (out.headerLength() >= 0) {
                ctx.header(InferRequest.HEADER_LENGTH, Integer.toString(out.headerLength()));
            }
            // Written and flushed here, not left to Javalin after the handler: once the in-flight
            // count drops, a shutdown may stop the connectors.
            ctx.res().setContentLength(out.body().length);
            OutputStream os = ctx.res().getOutputStream();
            os.write(out.body());
            ctx.res().flushBuffer();
            metrics.latency(m.name(), System.nanoTime() - t0);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    /** Reads the body, refusing (413) more than the limit whatever the Content-Length says. */
    private byte[] readBody(Context ctx) throws IOException {
        long limit = config.maxBodyBytes();
        if (ctx.contentLength() > limit) {
            throw new ServingException(413, "the request body (" + ctx.contentLength()
                    + " bytes) is larger than the server's limit of " + limit + " bytes");
        }
        try (InputStream in = ctx.req().getInputStream()) {
            long declared = ctx.req().getContentLengthLong();
            if (declared >= 0) {
                // The usual case: one array of the declared size, filled in place (no growing
                // buffers and copies as a read to the limit would make).
                byte[] body = new byte[(int) declared];
                int n = in.readNBytes(body, 0, body.length);
                if (n < body.length) {
                    throw new ServingException(400, "the request body ended after " + n + " of its "
                            + declared + " bytes (Content-Length)");
                }
                // Read on to the end of the content (-1 at once), as reading to the limit did, so
                // that the request is seen consumed and a longer body is refused, not left unread.
                if (in.read() != -1) {
                    throw new ServingException(400, "the request body is longer than its Content-Length of "
                            + declared + " bytes");
                }
                return body;
            }
            byte[] body = in.readNBytes((int) limit + 1);
            if (body.length > limit) {
                throw new ServingException(413, "the request body is larger than the server's limit of " + limit
                        + " bytes");
            }
            return body;
        }
    }

    private void json(Context ctx, int status, Object body) {
        try {
            ctx.status(status).contentType("application/json").result(JSON.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void error(Context ctx, int status, String message) {
        metrics.error(status);
        json(ctx, status, Map.of("error", message == null ? "error " + status : message));
    }

    /**
     * The port the server listens on (the one chosen when the configuration said 0).
     *
     * @return the port
     */
    public int port() {
        return app.port();
    }

    /**
     * The address the server listens on, such as {@code http://127.0.0.1:8000}.
     *
     * @return the base URL
     */
    public String baseUrl() {
        String host = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
        return "http://" + host + ":" + port();
    }

    /**
     * The served models by name, in the order given.
     *
     * @return the models
     */
    public Map<String, ServedModel> models() {
        return models;
    }

    /**
     * The metrics shown at {@code /metrics}.
     *
     * @return the metrics
     */
    public ServingMetrics metrics() {
        return metrics;
    }

    /**
     * The configuration.
     *
     * @return the configuration
     */
    public ServerConfig config() {
        return config;
    }

    /**
     * Blocks until {@link #close()} has finished (from a shutdown hook, say).
     *
     * @throws InterruptedException if interrupted while waiting
     */
    public void awaitShutdown() throws InterruptedException {
        synchronized (lock) {
            while (!closed) {
                lock.wait();
            }
        }
    }

    /**
     * The first step of {@link #close()}, for a shutdown in stages (say, to let a load balancer see
     * the server go unready before it stops): from now on inference requests get 503 and
     * {@code /v2/health/ready} and the models' ready endpoints answer 503, while requests already
     * queued are still run and answered.
     */
    public void stopAccepting() {
        accepting = false;
    }

    /**
     * Shuts down gracefully: refuses new inference requests (503), runs every queued request and
     * sends its answer (for up to {@link ServerConfig#drainTimeout()}), stops listening, and closes
     * the models. Closing twice does nothing.
     */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
        }
        stopAccepting();
        long deadline = System.nanoTime() + config.drainTimeout().toNanos();
        List<Thread> drains = new ArrayList<>();
        for (ServedModel m : models.values()) {
            Thread t = new Thread(() -> m.drain(config.drainTimeout()), "asnet-drain-" + m.name());
            t.start();
            drains.add(t);
        }
        for (Thread t : drains) {
            joinQuietly(t);
        }
        // The answers of drained requests are still being written: wait for those handlers.
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (app != null) {
            app.stop();
        }
        closeModels();
        synchronized (lock) {
            closed = true;
            lock.notifyAll();
        }
    }

    private static void joinQuietly(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void closeModels() {
        for (ServedModel m : models.values()) {
            try {
                m.close();
            } catch (OrtException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "closing model '" + m.name() + "' failed", e);
            }
        }
    }
}
