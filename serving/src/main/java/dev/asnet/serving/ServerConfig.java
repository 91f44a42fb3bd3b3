package dev.asnet.serving;

import dev.asnet.runtime.RuntimeOptions;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link ModelServer} listens, batches and runs its models. Immutable; build with
 * {@link #builder()}:
 *
 * <pre>{@code
 * ServerConfig config = ServerConfig.builder()
 *         .optPort(8000)
 *         .optMaxBatch(32)
 *         .optMaxDelay(Duration.ofMillis(2))
 *         .build();
 * }</pre>
 */
public final class ServerConfig {
    /** The default address: loopback only, so a server is never exposed by accident. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** The default port, Triton's HTTP port. */
    public static final int DEFAULT_PORT = 8000;
    /** The default largest batch, in rows (images). */
    public static final int DEFAULT_MAX_BATCH = 32;
    /** The default longest wait for more requests before a batch runs, in milliseconds. */
    public static final int DEFAULT_MAX_DELAY_MS = 2;
    /** The default bound of each model's queue, in requests. */
    public static final int DEFAULT_QUEUE = 256;
    /** The default largest request body: 32 MiB. */
    public static final long DEFAULT_MAX_BODY_BYTES = 32L << 20;
    /** The largest batch accepted by {@link Builder#optMaxBatch(int)}. */
    public static final int MAX_BATCH_LIMIT = 4096;
    /** The largest queue accepted by {@link Builder#optQueue(int)}. */
    public static final int MAX_QUEUE_LIMIT = 1 << 20;

    private final String host;
    private final int port;
    private final int maxBatch;
    private final Duration maxDelay;
    private final int queue;
    private final long maxBodyBytes;
    private final Duration drainTimeout;
    private final RuntimeOptions runtimeOptions;

    private ServerConfig(Builder b) {
        this.host = b.host;
        this.port = b.port;
        this.maxBatch = b.maxBatch;
        this.maxDelay = b.maxDelay;
        this.queue = b.queue;
        this.maxBodyBytes = b.maxBodyBytes;
        this.drainTimeout = b.drainTimeout;
        this.runtimeOptions = b.runtimeOptions;
    }

    /**
     * A builder starting from the defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The address to bind.
     *
     * @return a host name or IP address
     */
    public String host() {
        return host;
    }

    /**
     * The port to bind; 0 picks a free one ({@link ModelServer#port()} tells which).
     *
     * @return the port
     */
    public int port() {
        return port;
    }

    /**
     * The most rows one model call gathers from queued requests; 1 turns dynamic batching off.
     *
     * @return the batch bound, >= 1
     */
    public int maxBatch() {
        return maxBatch;
    }

    /**
     * How long the first request of a batch may wait for others still being received (read and
     * parsed) before the batch runs; with none on the way the batch runs at once.
     *
     * @return the delay, >= 0
     */
    public Duration maxDelay() {
        return maxDelay;
    }

    /**
     * How many requests each model's queue holds; beyond that requests are refused with 503.
     *
     * @return the bound, >= 1
     */
    public int queue() {
        return queue;
    }

    /**
     * The largest request body accepted; larger ones get 413.
     *
     * @return bytes
     */
    public long maxBodyBytes() {
        return maxBodyBytes;
    }

    /**
     * How long {@link ModelServer#close()} waits for queued requests to finish.
     *
     * @return the timeout
     */
    public Duration drainTimeout() {
        return drainTimeout;
    }

    /**
     * The session settings every model is opened with (threads, optimization, device).
     *
     * @return the options
     */
    public RuntimeOptions runtimeOptions() {
        return runtimeOptions;
    }

    @Override
    public String toString() {
        return "ServerConfig{" + host + ":" + port + ", maxBatch " + maxBatch + ", maxDelay " + maxDelay.toMillis()
                + " ms, queue " + queue + ", maxBody " + maxBodyBytes + " B}";
    }

    /** Builds a {@link ServerConfig}; {@link #build()} checks the values. */
    public static final class Builder {
        private String host = DEFAULT_HOST;
        private int port = DEFAULT_PORT;
        private int maxBatch = DEFAULT_MAX_BATCH;
        private Duration maxDelay = Duration.ofMillis(DEFAULT_MAX_DELAY_MS);
        private int queue = DEFAULT_QUEUE;
        private long maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
        private Duration drainTimeout = Duration.ofSeconds(30);
        private RuntimeOptions runtimeOptions = RuntimeOptions.defaults();

        private Builder() {}

        /**
         * Sets the address to bind (default {@value ServerConfig#DEFAULT_HOST}).
         *
         * @param host a host name or IP address; {@code 0.0.0.0} listens on every interface
         * @return this builder
         */
        public Builder optHost(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /**
         * Sets the port (default {@value ServerConfig#DEFAULT_PORT}; 0 picks a free one).
         *
         * @param port 0-65535
         * @return this builder
         */
        public Builder optPort(int port) {
            this.port = port;
            return this;
        }

        /**
         * Sets the most rows per model call (default {@value ServerConfig#DEFAULT_MAX_BATCH}; 1 = no batching).
         *
         * @param maxBatch 1 to {@value ServerConfig#MAX_BATCH_LIMIT}
         * @return this builder
         */
        public Builder optMaxBatch(int maxBatch) {
            this.maxBatch = maxBatch;
            return this;
        }

        /**
         * Sets how long a batch waits for more requests (default {@value ServerConfig#DEFAULT_MAX_DELAY_MS} ms).
         *
         * @param maxDelay 0 to 10 s
         * @return this builder
         */
        public Builder optMaxDelay(Duration maxDelay) {
            this.maxDelay = Objects.requireNonNull(maxDelay, "maxDelay");
            return this;
        }

        /**
         * Sets each model's queue bound in requests (default {@value ServerConfig#DEFAULT_QUEUE}).
         *
         * @param queue 1 to {@value ServerConfig#MAX_QUEUE_LIMIT}
         * @return this builder
         */
        public Builder optQueue(int queue) {
            this.queue = queue;
            return this;
        }

        /**
         * Sets the largest request body (default 32 MiB).
         *
         * @param maxBodyBytes at least 1 KiB, at most 1 GiB
         * @return this builder
         */
        public Builder optMaxBodyBytes(long maxBodyBytes) {
            this.maxBodyBytes = maxBodyBytes;
            return this;
        }

        /**
         * Sets how long closing waits for queued requests (default 30 s).
         *
         * @param drainTimeout positive
         * @return this builder
         */
        public Builder optDrainTimeout(Duration drainTimeout) {
            this.drainTimeout = Objects.requireNonNull(drainTimeout, "drainTimeout");
            return this;
        }

        /**
         * Sets the session settings (default {@link RuntimeOptions#defaults()}).
         *
         * @param runtimeOptions the options
         * @return this builder
         */
        public Builder optRuntimeOptions(RuntimeOptions runtimeOptions) {
            this.runtimeOptions = Objects.requireNonNull(runtimeOptions, "runtimeOptions");
            return this;
        }

        /**
         * Checks the values and builds the configuration.
         *
         * @return the configuration
         * @throws IllegalArgumentException naming the first value out of range
         */
        public ServerConfig build() {
            if (host.isBlank()) {
                throw new IllegalArgumentException("--host must not be empty");
            }
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("--port must be 0-65535, got " + port);
            }
            if (maxBatch < 1 || maxBatch > MAX_BATCH_LIMIT) {
                throw new IllegalArgumentException("--max-batch must be 1-" + MAX_BATCH_LIMIT + ", got " + maxBatch);
            }
            if (maxDelay.isNegative() || maxDelay.compareTo(Duration.ofSeconds(10)) > 0) {
                throw new IllegalArgumentException("--max-delay-ms must be 0-10000, got " + maxDelay.toMillis());
            }
            if (queue < 1 || queue > MAX_QUEUE_LIMIT) {
                throw new IllegalArgumentException("--queue must be 1-" + MAX_QUEUE_LIMIT + ", got " + queue);
            }
            if (maxBodyBytes < 1024 || maxBodyBytes > (1L << 30)) {
                throw new IllegalArgumentException("the body limit must be 1 KiB to 1 GiB, got " + maxBodyBytes);
            }
            if (drainTimeout.isNegative() || drainTimeout.isZero()) {
                throw new IllegalArgumentException("the drain timeout must be positive, got " + drainTimeout);
            }
            return new ServerConfig(this);
        }
    }
}
