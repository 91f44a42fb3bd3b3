package dev.asnet.serving;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * The server's metrics, kept by Micrometer and exposed at {@code /metrics} in Prometheus text
 * format. The names as Prometheus shows them:
 * <ul>
 *   <li>{@code asnet_requests_total{model}}: inference requests received per model;
 *   <li>{@code asnet_errors_total{code}}: error responses by HTTP status, every endpoint;
 *   <li>{@code asnet_request_latency_seconds{model}}: a histogram of inference latency, from
 *       the body being read to the response being ready (successful requests);
 *   <li>{@code asnet_batch_size{model}}: a histogram of rows per model call;
 *   <li>{@code asnet_batch_requests{model}}: a histogram of requests per model call;
 *   <li>{@code asnet_batch_run_seconds{model}}: a histogram of model call time;
 *   <li>{@code asnet_queue_depth{model}}: requests waiting now.
 * </ul>
 */
public final class ServingMetrics {
    private static final double[] BATCH_BUCKETS = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096};

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, ModelMeters> models = new ConcurrentHashMap<>();
    private final Map<Integer, Counter> errors = new ConcurrentHashMap<>();

    /** A model's meters, registered once: looking them up on every request would cost more than using them. */
    private record ModelMeters(Counter requests, Timer latency, DistributionSummary batchRows,
            DistributionSummary batchRequests, Timer batchRun) {}

    /** Creates an empty registry. */
    public ServingMetrics() {}

    private ModelMeters meters(String model) {
        return models.computeIfAbsent(model, m -> new ModelMeters(
                Counter.builder("asnet.requests").description("Inference requests received").tag("model", m)
                        .register(registry),
                Timer.builder("asnet.request.latency").description("Inference latency of successful requests")
                        .tag("model", m).publishPercentileHistogram()
                        .minimumExpectedValue(Duration.ofNanos(100_000)).maximumExpectedValue(Duration.ofSeconds(30))
                        .register(registry),
                DistributionSummary.builder("asnet.batch.size").description("Rows per model call").tag("model", m)
                        .serviceLevelObjectives(BATCH_BUCKETS).register(registry),
                DistributionSummary.builder("asnet.batch.requests").description("Requests per model call")
                        .tag("model", m).serviceLevelObjectives(BATCH_BUCKETS).register(registry),
                Timer.builder("asnet.batch.run").description("Model call time").tag("model", m)
                        .publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(100_000))
                        .maximumExpectedValue(Duration.ofSeconds(30)).register(registry)));
    }

    /**
     * Registers a model's meters, so that they show (at zero) before its first request.
     *
     * @param model the model's name
     */
    void register(String model) {
        meters(model);
    }

    /**
     * Counts an inference request for a model.
     *
     * @param model the model's name
     */
    void request(String model) {
        meters(model).requests().increment();
    }

    /**
     * Counts an error response.
     *
     * @param status its HTTP status
     */
    void error(int status) {
        errors.computeIfAbsent(status, code -> Counter.builder("asnet.errors").description("Error responses by HTTP status")
                .tag("code", Integer.toString(code)).register(registry)).increment();
    }

    /**
     * Records a successful inference's latency.
     *
     * @param model the model's name
     * @param nanos the latency
     */
    void latency(String model, long nanos) {
        meters(model).latency().record(nanos, TimeUnit.NANOSECONDS);
    }

    /**
     * Records a batch.
     *
     * @param model the model's name
     * @param requests requests in it
     * @param rows rows in it
     * @param runNanos the model call's time
     */
    void batch(String model, int requests, int rows, long runNanos) {
        ModelMeters m = meters(model);
        m.batchRows().record(rows);
        m.batchRequests().record(requests);
        m.batchRun().record(runNanos, TimeUnit.NANOSECONDS);
    }

    /**
     * Registers a model's queue depth, read when scraped.
     *
     * @param model the model's name
     * @param source what to read it from
     * @param depth reads the depth
     * @param <T> the source's type
     */
    <T> void queueDepth(String model, T source, ToDoubleFunction<T> depth) {
        Gauge.builder("asnet.queue.depth", source, depth).description("Requests waiting in the model's queue")
                .tag("model", model).strongReference(true).register(registry);
    }

    /**
     * The metrics in Prometheus text format (version 0.0.4).
     *
     * @return the text
     */
    public String scrape() {
        return registry.scrape();
    }

    /**
     * The registry, for tests and embedding applications that add their own meters.
     *
     * @return the registry
     */
    public PrometheusMeterRegistry registry() {
        return registry;
    }
}
