package dev.asnet.runtime;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How {@link AsnetModel} creates its ONNX Runtime session. Immutable; build with
 * {@link #builder()}:
 *
 * <pre>{@code
 * RuntimeOptions options = RuntimeOptions.builder()
 *         .optIntraOpThreads(2)
 *         .optOptimizationLevel(OptimizationLevel.ALL)
 *         .optExecutionProvider(ExecutionProvider.CUDA)
 *         .optFallbackToCpu(true)
 *         .build();
 * }</pre>
 */
public final class RuntimeOptions {
    private static final RuntimeOptions DEFAULTS = builder().build();

    private final int intraOpThreads;
    private final OptimizationLevel optimizationLevel;
    private final ExecutionProvider executionProvider;
    private final int cudaDevice;
    private final boolean fallbackToCpu;
    private final boolean spinning;
    private final boolean nchwcRewrite;
    private final Path nchwcCacheDir;
    private final Map<String, String> sessionConfigEntries;

    private RuntimeOptions(Builder b) {
        this.intraOpThreads = b.intraOpThreads;
        this.optimizationLevel = b.optimizationLevel;
        this.executionProvider = b.executionProvider;
        this.cudaDevice = b.cudaDevice;
        this.fallbackToCpu = b.fallbackToCpu;
        this.spinning = b.spinning;
        this.nchwcRewrite = b.nchwcRewrite;
        this.nchwcCacheDir = b.nchwcCacheDir;
        this.sessionConfigEntries = Collections.unmodifiableMap(new LinkedHashMap<>(b.sessionConfigEntries));
    }

    /**
     * The defaults: ONNX Runtime's own thread count, {@link OptimizationLevel#ALL}, CPU.
     *
     * @return the default options
     */
    public static RuntimeOptions defaults() {
        return DEFAULTS;
    }

    /**
     * The most intra-op threads a session may be given: 4 x the available cores, at least 8. More
     * threads than cores only slow ONNX Runtime down, and very large counts take seconds to start
     * (1000 threads: 24 s) or exhaust the process, so larger values are refused.
     *
     * @return the bound
     */
    public static int maxThreads() {
        return Math.max(8, 4 * Runtime.getRuntime().availableProcessors());
    }

    /**
     * Checks a thread count given by a user.
     *
     * @param what how the count is called in the message, e.g. "--threads"
     * @param threads the count
     * @param zeroAllowed whether 0 (automatic) is accepted
     * @return the count
     * @throws IllegalArgumentException if it is negative, 0 where not allowed, or above {@link #maxThreads()}
     */
    public static int checkThreads(String what, int threads, boolean zeroAllowed) {
        if (threads < (zeroAllowed ? 0 : 1)) {
            throw new IllegalArgumentException(what + " must be >= " + (zeroAllowed ? "0 (0 = automatic)" : "1")
                    + ", got " + threads);
        }
        if (threads > maxThreads()) {
            throw new IllegalArgumentException(what + " " + threads + " is more than " + maxThreads() + " (4 x the "
                    + Runtime.getRuntime().availableProcessors() + " available cores, at least 8)");
        }
        return threads;
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
     * Threads of the session's intra-op pool; 0 lets ONNX Runtime choose (one per physical core).
     *
     * @return the thread count, >= 0
     */
    public int intraOpThreads() {
        return intraOpThreads;
    }

    /**
     * The graph optimization level.
     *
     * @return the level
     */
    public OptimizationLevel optimizationLevel() {
        return optimizationLevel;
    }

    /**
     * The execution provider asked for.
     *
     * @return the provider
     */
    public ExecutionProvider executionProvider() {
        return executionProvider;
    }

    /**
     * The CUDA device ordinal used when the provider is {@link ExecutionProvider#CUDA}.
     *
     * @return the device, >= 0
     */
    public int cudaDevice() {
        return cudaDevice;
    }

    /**
     * The device asked for: {@link #executionProvider()} with {@link #cudaDevice()}.
     *
     * @return the device
     */
    public Device device() {
        return executionProvider == ExecutionProvider.CPU ? Device.CPU : Device.cuda(cudaDevice);
    }

    /**
     * Whether idle intra-op threads spin (ONNX Runtime's default, lowest latency for one session)
     * or sleep (when several sessions take turns, as benchmarks do, a spinning pool would steal a
     * core from the next session).
     *
     * @return true to spin
     */
    public boolean spinning() {
        return spinning;
    }

    /**
     * Whether a model using {@code ActiveShift}, opened on the CPU at {@link OptimizationLevel#ALL},
     * runs ONNX Runtime's optimized graph with each {@code ReorderOutput -> ActiveShift ->
     * ReorderInput} chain replaced by one {@code ActiveShiftNchwc} (see
     * {@link dev.asnet.runtime.nchwc.NchwcRewrite}); it happens only when the op library provides
     * that op, and the rewritten model is cached per machine.
     *
     * @return true to rewrite (the default)
     */
    public boolean nchwcRewrite() {
        return nchwcRewrite;
    }

    /**
     * The folder caching rewritten models, when set here; otherwise the system property
     * {@code asnet.nchwc.cache}, the environment variable {@code ASNET_NCHWC_CACHE}, or
     * {@code ~/.cache/asnet/nchwc}.
     *
     * @return the folder, if set in these options
     */
    public Optional<Path> nchwcCacheDir() {
        return Optional.ofNullable(nchwcCacheDir);
    }

    /**
     * A builder starting from these options.
     *
     * @return a new builder with every setting copied
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.intraOpThreads = intraOpThreads;
        b.optimizationLevel = optimizationLevel;
        b.executionProvider = executionProvider;
        b.cudaDevice = cudaDevice;
        b.fallbackToCpu = fallbackToCpu;
        b.spinning = spinning;
        b.nchwcRewrite = nchwcRewrite;
        b.nchwcCacheDir = nchwcCacheDir;
        b.sessionConfigEntries.putAll(sessionConfigEntries);
        return b;
    }

    /**
     * Whether a model asked to run on CUDA runs on the CPU, with a logged warning, when CUDA is not
     * available; when false, opening the model fails with {@link ProviderUnavailableException}.
     *
     * @return true to fall back
     */
    public boolean fallbackToCpu() {
        return fallbackToCpu;
    }

    /**
     * Extra ONNX Runtime session configuration entries, in the order they were set, applied with
     * {@code SessionOptions.addConfigEntry} after asnet's own settings (so an entry here overrides
     * one asnet sets, such as {@code session.intra_op.allow_spinning}).
     *
     * @return key to value; unmodifiable, empty by default
     */
    public Map<String, String> sessionConfigEntries() {
        return sessionConfigEntries;
    }

    @Override
    public String toString() {
        return "RuntimeOptions{threads=" + (intraOpThreads == 0 ? "auto" : intraOpThreads)
                + ", optimization=" + optimizationLevel.id() + ", provider=" + executionProvider.id()
                + (executionProvider == ExecutionProvider.CUDA
                        ? ", device=" + cudaDevice + ", fallback=" + (fallbackToCpu ? "cpu" : "fail") : "")
                + (spinning ? "" : ", spinning=off") + (nchwcRewrite ? "" : ", nchwc-rewrite=off")
                + (nchwcCacheDir == null ? "" : ", nchwc-cache=" + nchwcCacheDir)
                + (sessionConfigEntries.isEmpty() ? "" : ", config=" + sessionConfigEntries) + "}";
    }

    /** Builds {@link RuntimeOptions}; every setting is optional. */
    public static final class Builder {
        private int intraOpThreads;
        private OptimizationLevel optimizationLevel = OptimizationLevel.ALL;
        private ExecutionProvider executionProvider = ExecutionProvider.CPU;
        private int cudaDevice;
        private boolean fallbackToCpu;
        private boolean spinning = true;
        private boolean nchwcRewrite = true;
        private Path nchwcCacheDir;
        private final Map<String, String> sessionConfigEntries = new LinkedHashMap<>();
        // The first invalid entry, kept so that build() reports it: the opt* methods do not throw.
        private String badConfigEntry;

        private Builder() {}

        /**
         * Adds an ONNX Runtime session configuration entry (advanced): a key of ONNX Runtime's
         * session options, such as {@code session.disable_prepacking} or
         * {@code session.intra_op.allow_spinning}, passed to {@code SessionOptions.addConfigEntry}
         * as it is. asnet does not know these keys; ONNX Runtime checks them when the session is
         * created. Setting a key again replaces its value.
         *
         * @param key the key, not empty
         * @param value the value, not null
         * @return this builder
         * @throws NullPointerException if key or value is null
         */
        public Builder optSessionConfigEntry(String key, String value) {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
            if (key.isBlank() && badConfigEntry == null) {
                badConfigEntry = "session config entry key must not be empty (value '" + value + "')";
            }
            sessionConfigEntries.put(key, value);
            return this;
        }

        /**
         * Turns the NCHWc rewrite on (default) or off; see {@link RuntimeOptions#nchwcRewrite()}.
         *
         * @param rewrite false to run ONNX Runtime's graph as it optimizes it
         * @return this builder
         */
        public Builder optNchwcRewrite(boolean rewrite) {
            this.nchwcRewrite = rewrite;
            return this;
        }

        /**
         * Sets the folder caching rewritten models; see {@link RuntimeOptions#nchwcCacheDir()}.
         *
         * @param dir the folder, or null for the default
         * @return this builder
         */
        public Builder optNchwcCacheDir(Path dir) {
            this.nchwcCacheDir = dir;
            return this;
        }

        /**
         * Sets the intra-op thread count.
         *
         * @param threads threads, or 0 to let ONNX Runtime choose; at most {@link #maxThreads()}
         * @return this builder
         */
        public Builder optIntraOpThreads(int threads) {
            this.intraOpThreads = threads;
            return this;
        }

        /**
         * Sets the graph optimization level.
         *
         * @param level the level
         * @return this builder
         */
        public Builder optOptimizationLevel(OptimizationLevel level) {
            this.optimizationLevel = level;
            return this;
        }

        /**
         * Sets the execution provider.
         *
         * @param provider CPU (default) or CUDA
         * @return this builder
         */
        public Builder optExecutionProvider(ExecutionProvider provider) {
            this.executionProvider = provider;
            return this;
        }

        /**
         * Sets the CUDA device ordinal.
         *
         * @param device the device, >= 0 (default 0)
         * @return this builder
         */
        public Builder optCudaDevice(int device) {
            this.cudaDevice = device;
            return this;
        }

        /**
         * Sets the execution provider and CUDA device together.
         *
         * @param device {@link Device#CPU} or a CUDA device
         * @return this builder
         */
        public Builder optDevice(Device device) {
            this.executionProvider = device.provider();
            this.cudaDevice = device.ordinal();
            return this;
        }

        /**
         * Lets idle intra-op threads spin (default) or sleep; see {@link RuntimeOptions#spinning()}.
         *
         * @param spinning false to let idle threads sleep
         * @return this builder
         */
        public Builder optSpinning(boolean spinning) {
            this.spinning = spinning;
            return this;
        }

        /**
         * Chooses what happens when CUDA is asked for but unavailable.
         *
         * @param fallback true to run on the CPU with a warning, false (default) to fail
         * @return this builder
         */
        public Builder optFallbackToCpu(boolean fallback) {
            this.fallbackToCpu = fallback;
            return this;
        }

        /**
         * Validates the settings and builds the options.
         *
         * @return the options
         * @throws IllegalArgumentException if a setting is out of range
         * @throws NullPointerException if a setting is null
         */
        public RuntimeOptions build() {
            Objects.requireNonNull(optimizationLevel, "optimizationLevel");
            Objects.requireNonNull(executionProvider, "executionProvider");
            checkThreads("intra-op threads", intraOpThreads, true);
            if (cudaDevice < 0) {
                throw new IllegalArgumentException("CUDA device must be >= 0, got " + cudaDevice);
            }
            if (badConfigEntry != null) {
                throw new IllegalArgumentException(badConfigEntry);
            }
            return new RuntimeOptions(this);
        }
    }
}
