package dev.asnet.runtime;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.asnet.exporter.ops.AsnetDomain;
import dev.asnet.exporter.onnx.Onnx.ModelProto;
import dev.asnet.ops.AsnetOps;
import dev.asnet.ops.OrtEnvironments;
import dev.asnet.runtime.nchwc.NchwcRewrite;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;

/**
 * The one place asnet turns {@link RuntimeOptions} into ONNX Runtime sessions: the execution
 * provider (with the CPU fallback when allowed), the graph optimization level, the intra-op
 * threads and their spinning, the asnet op library when a model needs it, and the load-time NCHWc
 * rewrite of models with ActiveShift ({@link #prepareModel}). Every module opens
 * its sessions here ({@link AsnetModel}, the trainer's step and evaluation sessions, the
 * benchmarks), so a setting, or a load-time graph rewrite, added here reaches all of them.
 *
 * <pre>{@code
 * try (SessionFactory.Setup setup = SessionFactory.setup(options, true, "model.onnx");
 *         OrtSession session = setup.createSession(bytes)) {
 *     ...
 * }
 * }</pre>
 */
public final class SessionFactory {
    private static final System.Logger LOG = System.getLogger(SessionFactory.class.getName());

    private SessionFactory() {}

    /**
     * Configured session options and what they ended up with. Closing it closes the options; do
     * that after the sessions created from it.
     */
    public static final class Setup implements AutoCloseable {
        private final OrtSession.SessionOptions options;
        private final ExecutionProvider provider;
        private final boolean asnetOps;

        private Setup(OrtSession.SessionOptions options, ExecutionProvider provider, boolean asnetOps) {
            this.options = options;
            this.provider = provider;
            this.asnetOps = asnetOps;
        }

        /**
         * The session options, for settings beyond {@link RuntimeOptions} (a profiler, say).
         *
         * @return the options
         */
        public OrtSession.SessionOptions options() {
            return options;
        }

        /**
         * The provider the sessions use: the CPU when CUDA was asked for and fell back.
         *
         * @return the provider
         */
        public ExecutionProvider provider() {
            return provider;
        }

        /**
         * Whether the asnet op library is registered with the options.
         *
         * @return true when registered
         */
        public boolean asnetOps() {
            return asnetOps;
        }

        /**
         * Creates a session for a serialized model.
         *
         * @param model the ONNX ModelProto bytes
         * @return the session (close it before this setup)
         * @throws OrtException if ONNX Runtime refuses the model
         */
        public OrtSession createSession(byte[] model) throws OrtException {
            return environment().createSession(model, options);
        }

        /**
         * Creates a session for a model file (ONNX Runtime then resolves external data next to it).
         *
         * @param file the model file's absolute path
         * @return the session (close it before this setup)
         * @throws OrtException if ONNX Runtime refuses the model
         */
        public OrtSession createSession(String file) throws OrtException {
            return environment().createSession(file, options);
        }

        @Override
        public void close() {
            options.close();
        }
    }

    /**
     * ONNX Runtime's environment, created once per process (safely: see {@link OrtEnvironments}).
     *
     * @return the environment
     */
    public static OrtEnvironment environment() {
        return OrtEnvironments.get();
    }

    /**
     * Configures session options.
     *
     * @param options what to configure
     * @param asnetOps whether to register the asnet op library (models that import {@code dev.asnet})
     * @param source the model's name for messages (a file name, or what the session is for)
     * @return the configured options
     * @throws ProviderUnavailableException if CUDA was asked for, is unavailable, and falling back
     *     was not allowed
     * @throws OpLibraryException if the op library is needed and cannot be loaded
     * @throws OrtException if ONNX Runtime refuses a setting
     */
    public static Setup setup(RuntimeOptions options, boolean asnetOps, String source)
            throws ProviderUnavailableException, OpLibraryException, OrtException {
        Objects.requireNonNull(options, "options");
        // The environment first, through OrtEnvironments: configuring session options before it
        // exists lets ONNX Runtime create it on this thread, whose stack may be too small for its
        // telemetry's parsing of a long command line (a Spark task thread: SIGSEGV; OrtEnvironments).
        environment();
        OrtSession.SessionOptions so = new OrtSession.SessionOptions();
        try {
            ExecutionProvider provider = ExecutionProvider.CPU;
            if (options.executionProvider() == ExecutionProvider.CUDA) {
                String problem = ExecutionProviders.tryAddCuda(so, options.cudaDevice());
                if (problem == null) {
                    provider = ExecutionProvider.CUDA;
                } else if (options.fallbackToCpu()) {
                    LOG.log(System.Logger.Level.WARNING, problem + "; running " + source + " on the CPU instead");
                    // A failed provider registration may leave the options half-configured.
                    so.close();
                    so = new OrtSession.SessionOptions();
                } else {
                    throw new ProviderUnavailableException(ExecutionProvider.CUDA, problem);
                }
            }
            so.setOptimizationLevel(options.optimizationLevel().toOrt());
            if (options.intraOpThreads() > 0) {
                so.setIntraOpNumThreads(options.intraOpThreads());
            }
            // asnet runs one graph at a time (sequential execution): no inter-op pool is needed.
            so.setInterOpNumThreads(1);
            if (!options.spinning()) {
                so.addConfigEntry("session.intra_op.allow_spinning", "0");
            }
            // The caller's entries come last, so that they can override what asnet set above.
            for (Map.Entry<String, String> e : options.sessionConfigEntries().entrySet()) {
                so.addConfigEntry(e.getKey(), e.getValue());
            }
            if (asnetOps) {
                registerAsnetOps(so, source);
            }
            return new Setup(so, provider, asnetOps);
        } catch (OrtException | RuntimeException | Error e) {
            so.close();
            throw e;
        }
    }

    /**
     * The model a session should load: the model itself, or, for a CPU session at level ALL of a model
     * with ActiveShift nodes, ONNX Runtime's optimized graph with each ReorderOutput -> ActiveShift ->
     * ReorderInput chain replaced by one ActiveShiftNchwc ({@link NchwcRewrite}; cached per machine,
     * done only when the op library has that op, turned off by
     * {@link RuntimeOptions.Builder#optNchwcRewrite(boolean)}).
     *
     * @param model the model's bytes
     * @param proto the same model parsed
     * @param source the model's name for messages
     * @param options the options the session is set up with
     * @param provider the provider the session really uses ({@link Setup#provider()})
     * @return the model to load and what happened
     */
    public static NchwcRewrite.Outcome prepareModel(byte[] model, ModelProto proto, String source,
            RuntimeOptions options, ExecutionProvider provider) {
        return NchwcRewrite.prepare(model, proto, source, options, provider);
    }

    /** A session and what the NCHWc rewrite did for it. */
    public record PreparedSession(OrtSession session, NchwcRewrite.Outcome nchwc) {}

    /**
     * Creates a session for a model as asnet runs it: the NCHWc-rewritten graph when {@link
     * #prepareModel} produces one and it loads, otherwise the model itself (the rewrite is an
     * optimization: a rewritten graph that does not load is logged and skipped). AsnetModel and the
     * benchmarks open models this way, so what is timed is what users run.
     *
     * @param setup the configured options
     * @param model the model's bytes
     * @param proto the same model parsed
     * @param source the model's name for messages
     * @param options the options {@code setup} was made from
     * @param original creates the session for the model itself (from its file, or from its bytes)
     * @return the session and the rewrite's outcome
     * @throws OrtException if the model itself does not load
     * @throws IOException if {@code original} reports the model as invalid
     */
    public static PreparedSession createPrepared(Setup setup, byte[] model, ModelProto proto, String source,
            RuntimeOptions options, SessionSupplier original) throws OrtException, IOException {
        NchwcRewrite.Outcome nchwc = prepareModel(model, proto, source, options, setup.provider());
        if (nchwc.rewritten()) {
            try {
                return new PreparedSession(setup.createSession(nchwc.model()), nchwc);
            } catch (OrtException e) {
                LOG.log(System.Logger.Level.WARNING, source + ": the NCHWc-rewritten model does not load ("
                        + e.getMessage() + "); opening the model as it is");
                nchwc = new NchwcRewrite.Outcome(model, NchwcRewrite.Status.SKIPPED, nchwc.fromCache(),
                        "the rewritten model did not load: " + e.getMessage());
            }
        }
        return new PreparedSession(original.get(), nchwc);
    }

    /** Creates a session; may fail with ONNX Runtime's error. */
    @FunctionalInterface
    public interface SessionSupplier {
        /**
         * Creates the session.
         *
         * @return the session
         * @throws OrtException if ONNX Runtime refuses the model
         * @throws IOException if the model is invalid (a typed {@link InvalidModelException})
         */
        OrtSession get() throws OrtException, IOException;
    }

    private static void registerAsnetOps(OrtSession.SessionOptions so, String source) throws OpLibraryException {
        try {
            AsnetOps.register(so);
        } catch (IOException | OrtException e) {
            throw new OpLibraryException(source + " uses the " + AsnetDomain.DOMAIN
                    + " ops but the asnet op library cannot be loaded: " + e.getMessage()
                    + " (set -D" + AsnetOps.LIBRARY_PROPERTY + "=/path/to/libasnet_ops.so, or export the model "
                    + "with --lowering portable or depthwise, which need no op library)", e);
        }
    }
}
