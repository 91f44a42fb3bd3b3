package dev.asnet.runtime.nchwc;

import ai.onnxruntime.OrtException;
import dev.asnet.exporter.onnx.Onnx.ModelProto;
import dev.asnet.exporter.onnx.Onnx.NodeProto;
import dev.asnet.exporter.onnx.Onnx.TensorProto;
import dev.asnet.exporter.ops.AsnetDomain;
import dev.asnet.runtime.ExecutionProvider;
import dev.asnet.runtime.OptimizationLevel;
import dev.asnet.runtime.RuntimeOptions;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Decides whether a model is opened as ONNX Runtime's optimized graph with its ActiveShift nodes on
 * the blocked layout, and produces that model (from the cache, or by optimizing and rewriting it).
 *
 * <p>It applies when the options ask for it ({@link RuntimeOptions#nchwcRewrite()}), the session is a
 * CPU one at {@link OptimizationLevel#ALL} (only then does ONNX Runtime use NCHWc), the model has a
 * {@code dev.asnet:ActiveShift} node (or, in a quantized model, {@code ActiveShiftU8} or {@code
 * ChannelAffineU8}: their {@code Transpose -> op -> Transpose} chains become channels-last {@code
 * ActiveShiftNhwcU8} and {@code ChannelAffineNhwcU8}, {@link ChannelsLastU8Rewriter}), is not already an optimized graph and holds all its tensors.
 * It then needs the op library's {@code ActiveShiftNchwc} (otherwise the model is opened as it is,
 * with one debug log line per process) and ONNX Runtime's block size on this machine. The rewritten model
 * is opened at level ALL too: ONNX Runtime's transformers leave an already optimized graph as it is
 * (they only convert standard-domain ops, and the blocked ops and ActiveShiftNchwc are not).
 */
public final class NchwcRewrite {
    /** Metadata key of machine-specific models: what ONNX Runtime, CPU and block size they were made for. */
    public static final String MACHINE_SPECIFIC = dev.asnet.exporter.ModelInfo.MACHINE_SPECIFIC;

    private static final System.Logger LOG = System.getLogger(NchwcRewrite.class.getName());
    private static final AtomicBoolean OP_MISSING_LOGGED = new AtomicBoolean();
    private static final AtomicBoolean NO_BLOCK_LOGGED = new AtomicBoolean();

    private NchwcRewrite() {}

    /** What happened to a model. */
    public enum Status {
        /** The rewrite does not apply (turned off, not CPU at ALL, no ActiveShift, ...). */
        NOT_APPLICABLE,
        /** It applies but could not be done here (no ActiveShiftNchwc, no block size, an error). */
        SKIPPED,
        /** ONNX Runtime's graph had no rewritable chain; the model is opened as it is. */
        UNCHANGED,
        /** The model to open is the rewritten one. */
        REWRITTEN
    }

    /**
     * The model to open and why.
     *
     * @param model the bytes to give ONNX Runtime (the original unless {@link Status#REWRITTEN})
     * @param status what happened
     * @param fromCache whether the answer came from the cache
     * @param message one line for logs and tests
     */
    public record Outcome(byte[] model, Status status, boolean fromCache, String message) {
        /**
         * Whether the model to open is the rewritten one.
         *
         * @return true when rewritten
         */
        public boolean rewritten() {
            return status == Status.REWRITTEN;
        }

        /**
         * The outcome without the model bytes, to keep.
         *
         * @return the summary
         */
        public Summary summary() {
            return new Summary(status, fromCache, message);
        }
    }

    /**
     * What happened to a model, as an opened model remembers it.
     *
     * @param status what happened
     * @param fromCache whether the answer came from the cache
     * @param message one line for logs and tests
     */
    public record Summary(Status status, boolean fromCache, String message) {}

    /**
     * Prepares a model for opening.
     *
     * @param model the model's bytes
     * @param proto the same model parsed
     * @param source the model's name for messages
     * @param options the session options asked for
     * @param provider the provider the session really uses (after any CUDA fallback)
     * @return the model to open (never null; the original bytes unless rewritten)
     */
    public static Outcome prepare(byte[] model, ModelProto proto, String source, RuntimeOptions options,
            ExecutionProvider provider) {
        String notApplicable = notApplicable(proto, options, provider);
        if (notApplicable != null) {
            return new Outcome(model, Status.NOT_APPLICABLE, false, notApplicable);
        }
        for (TensorProto t : proto.getGraph().getInitializerList()) {
            if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
                return skipped(model, source + ": NCHWc rewrite skipped: tensor '" + t.getName()
                        + "' is stored as external data", null);
            }
        }
        NchwcSupport.OpAvailability op = NchwcSupport.activeShiftNchwc();
        if (!op.available()) {
            // Expected until the op library has the kernel, and nothing a user can act on: a debug
            // line, so commands do not print it on every run.
            String message = source + ": NCHWc rewrite skipped: the asnet op library has no "
                    + NchwcOps.ACTIVE_SHIFT_NCHWC + " yet (" + op.reason() + ")";
            LOG.log(OP_MISSING_LOGGED.compareAndSet(false, true) ? System.Logger.Level.DEBUG
                    : System.Logger.Level.TRACE, message);
            return new Outcome(model, Status.SKIPPED, false, message);
        }
        return rewriteCached(model, proto, source, NchwcCache.forOptions(options));
    }

    /**
     * The cached or freshly built rewrite of a model, without checking that the op library can run
     * it (that is {@link #prepare}'s job): key, lookup, and on a miss or a refused entry, ONNX
     * Runtime's optimization, the rewrite and a new entry.
     *
     * @param model the model's bytes
     * @param proto the same model parsed
     * @param source the model's name for messages
     * @param cache the cache
     * @return the outcome ({@link Status#REWRITTEN}, {@link Status#UNCHANGED} or {@link Status#SKIPPED})
     */
    public static Outcome rewriteCached(byte[] model, ModelProto proto, String source, NchwcCache cache) {
        BlockSizeDetector.Result block = NchwcSupport.blockSize();
        if (block.blockSize().isEmpty()) {
            return skipped(model, source + ": NCHWc rewrite skipped: " + block.explanation(), NO_BLOCK_LOGGED);
        }
        CacheKey key;
        try {
            key = CacheKey.of(model, NchwcSupport.ortVersion(), NchwcSupport.opLibraryHash(),
                    block.blockSize().getAsInt(), MachineIdentity.describe());
        } catch (IOException e) {
            return skipped(model, source + ": NCHWc rewrite skipped: " + e.getMessage(), null);
        }
        NchwcCache.Lookup found = cache.read(key);
        if (found.entry() != null) {
            NchwcCache.Entry e = found.entry();
            String message = source + ": " + e.summary() + " (cached in " + cache.file(key) + ")";
            LOG.log(System.Logger.Level.DEBUG, message);
            return new Outcome(e.rewritten() ? e.model() : model, e.rewritten() ? Status.REWRITTEN : Status.UNCHANGED,
                    true, message);
        }
        if (found.problem() != null) {
            LOG.log(System.Logger.Level.WARNING, "NCHWc cache: " + found.problem() + "; rebuilding it");
        }
        MachineSpecificModels.Built built;
        try {
            built = MachineSpecificModels.build(model, proto, true, source);
        } catch (OrtException | IOException | RuntimeException e) {
            return skipped(model, source + ": NCHWc rewrite skipped: " + e.getMessage(), null);
        }
        if (built.blockSize().blockSize().isPresent()
                && built.blockSize().blockSize().getAsInt() != block.blockSize().getAsInt()) {
            return skipped(model, source + ": NCHWc rewrite skipped: the model's graph has block size "
                    + built.blockSize().blockSize().getAsInt() + " but the probe found "
                    + block.blockSize().getAsInt(), null);
        }
        boolean rewritten = built.rewritten();
        NchwcCache.Entry entry = new NchwcCache.Entry(rewritten,
                rewritten ? built.model().toByteArray() : new byte[0], built.summary());
        try {
            cache.write(key, entry);
        } catch (IOException e) {
            // The cache only saves time: the model still opens.
            LOG.log(System.Logger.Level.WARNING, "NCHWc cache: cannot write " + cache.file(key) + ": " + e.getMessage());
        }
        String message = source + ": " + built.summary();
        LOG.log(System.Logger.Level.INFO, message);
        return new Outcome(rewritten ? entry.model() : model, rewritten ? Status.REWRITTEN : Status.UNCHANGED,
                false, message);
    }

    /** Why the rewrite does not apply, or null when it does. */
    private static String notApplicable(ModelProto proto, RuntimeOptions options, ExecutionProvider provider) {
        if (!options.nchwcRewrite()) {
            return "NCHWc rewrite turned off";
        }
        if (options.optimizationLevel() != OptimizationLevel.ALL || provider != ExecutionProvider.CPU) {
            return "NCHWc rewrite applies to CPU sessions at optimization level all";
        }
        boolean activeShift = false;
        for (NodeProto n : proto.getGraph().getNodeList()) {
            if (n.getDomain().equals(NchwcOps.DOMAIN)) {
                return "the model is already an ONNX Runtime optimized graph";
            }
            activeShift |= NchwcOps.isActiveShift(n) || NchwcOps.is(n, AsnetDomain.DOMAIN, AsnetDomain.ACTIVE_SHIFT_U8)
                    || NchwcOps.is(n, AsnetDomain.DOMAIN, AsnetDomain.CHANNEL_AFFINE_U8);
        }
        return activeShift ? null : "the model has no " + AsnetDomain.DOMAIN + ":" + AsnetDomain.ACTIVE_SHIFT
                + ", " + AsnetDomain.ACTIVE_SHIFT_U8 + " or " + AsnetDomain.CHANNEL_AFFINE_U8 + " node";
    }

    private static Outcome skipped(byte[] model, String message, AtomicBoolean once) {
        boolean first = once == null || once.compareAndSet(false, true);
        LOG.log(first ? System.Logger.Level.INFO : System.Logger.Level.DEBUG, message);
        return new Outcome(model, Status.SKIPPED, false, message);
    }
}
