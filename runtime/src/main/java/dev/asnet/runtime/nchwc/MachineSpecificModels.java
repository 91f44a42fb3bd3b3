package dev.asnet.runtime.nchwc;

import ai.onnxruntime.OrtException;
import dev.asnet.exporter.onnx.Onnx.ModelProto;
import dev.asnet.exporter.onnx.Onnx.StringStringEntryProto;
import java.io.IOException;
import java.util.List;

/**
 * Builds the machine-specific model: ONNX Runtime's optimized graph of a model on this machine,
 * its block size read back from the graph, and the rewrite applied, with the
 * {@value NchwcRewrite#MACHINE_SPECIFIC} metadata saying for what it was made.
 */
public final class MachineSpecificModels {

    /**
     * The result.
     *
     * @param model ONNX Runtime's optimized graph, rewritten where possible, with the metadata
     * @param report what the rewrite did
     * @param blockSize how the block size was found (empty for a graph without blocked convs, such as
     *     a quantized one whose uint8 Active Shifts were rewritten)
     * @param nhwcU8 how many {@code Transpose -> ActiveShiftU8 -> Transpose} chains became
     *     {@code ActiveShiftNhwcU8} ({@link ChannelsLastU8Rewriter})
     * @param nhwcAffine how many {@code Transpose -> ChannelAffineU8 -> Transpose} chains became
     *     {@code ChannelAffineNhwcU8}
     */
    public record Built(ModelProto model, RewriteReport report, BlockSizeDetector.Result blockSize, int nhwcU8,
            int nhwcAffine) {
        /**
         * Whether the model differs from ONNX Runtime's own optimized graph.
         *
         * @return true when some chain was rewritten
         */
        public boolean rewritten() {
            return report.rewritten() > 0 || nhwcU8 > 0 || nhwcAffine > 0;
        }

        /**
         * One line for logs: what both rewrites did.
         *
         * @return the summary
         */
        public String summary() {
            String u8 = nhwcU8 + " ActiveShiftU8 chain" + (nhwcU8 == 1 ? "" : "s") + " to "
                    + dev.asnet.exporter.ops.AsnetDomain.ACTIVE_SHIFT_NHWC_U8 + " (channels-last uint8)";
            if (nhwcAffine > 0) {
                u8 = (nhwcU8 > 0 ? u8 + " and " : "") + nhwcAffine + " ChannelAffineU8 chain" + (nhwcAffine == 1 ? "" : "s")
                        + " to " + dev.asnet.exporter.ops.AsnetDomain.CHANNEL_AFFINE_NHWC_U8;
            }
            if (blockSize.blockSize().isEmpty()) {
                return "rewrote " + u8;
            }
            return nhwcU8 + nhwcAffine == 0 ? report.summary() : report.summary() + "; rewrote " + u8;
        }
    }

    private MachineSpecificModels() {}

    /**
     * Optimizes and rewrites a model.
     *
     * @param bytes the model's bytes (tensors stored inside)
     * @param original the same model parsed
     * @param asnetOps whether it imports {@code dev.asnet} (the op library is then registered)
     * @param source the model's name for messages
     * @return the result
     * @throws NchwcUnavailableException if ONNX Runtime's graph reveals no block size
     * @throws OrtException if ONNX Runtime refuses the model
     * @throws IOException if the optimized graph cannot be written or read back
     */
    public static Built build(byte[] bytes, ModelProto original, boolean asnetOps, String source)
            throws OrtException, IOException {
        // Channels ordered by integer offset first (the same function, fewer offsets per block for
        // the blocked kernel); a model the IR cannot read is optimized as it is.
        byte[] sorted = SortedChannels.of(bytes);
        if (sorted != bytes) {
            bytes = sorted;
            original = ModelProto.parseFrom(sorted);
        }
        ModelProto optimized = ModelProto.parseFrom(OptimizedGraphs.optimize(bytes, asnetOps, source));
        // Quantized models: ONNX Runtime's channels-last uint8 convs with Transposes around each
        // ActiveShiftU8. Such a graph may have no blocked float conv at all (then no block size).
        ChannelsLastU8Rewriter.Result u8 = ChannelsLastU8Rewriter.rewrite(optimized, original);
        optimized = u8.model();
        BlockSizeDetector.Result found = BlockSizeDetector.detect(original, optimized);
        if (found.blockSize().isEmpty() && u8.total() > 0) {
            String description = "ONNX Runtime " + NchwcSupport.ortVersion() + " optimized graph for this CPU ("
                    + MachineIdentity.describe() + "); " + channelsLast(u8) + " (needs an asnet op library with "
                    + (u8.affineRewritten() > 0 && u8.rewritten() > 0 ? "those ops)" : "that op)");
            return new Built(withMachineSpecific(optimized, description), new RewriteReport(0, 0, 0, List.of()), found,
                    u8.rewritten(), u8.affineRewritten());
        }
        if (found.blockSize().isEmpty()) {
            throw new NchwcUnavailableException(source + ": the NCHWc block size cannot be determined from ONNX "
                    + "Runtime's optimized graph (" + found.explanation() + "), so nothing is rewritten");
        }
        int b = found.blockSize().getAsInt();
        ActiveShiftNchwcRewriter.Result r = ActiveShiftNchwcRewriter.rewrite(optimized, b,
                ActiveShiftNchwcRewriter.PRODUCT_MAX_OFFSETS_PER_BLOCK);
        String description = "ONNX Runtime " + NchwcSupport.ortVersion() + " optimized graph for this CPU ("
                + MachineIdentity.describe() + "), NCHWc block size " + b + "; " + r.report().rewritten()
                + " ActiveShift -> " + NchwcOps.ACTIVE_SHIFT_NCHWC + (u8.total() > 0 ? ", " + channelsLast(u8) : "")
                + " (needs an asnet op library with " + (u8.total() > 0 ? "those ops)" : "that op)");
        return new Built(withMachineSpecific(r.model(), description), r.report(), found, u8.rewritten(),
                u8.affineRewritten());
    }

    /** "9 ActiveShiftU8 -> ActiveShiftNhwcU8, 10 ChannelAffineU8 -> ChannelAffineNhwcU8" (the non-zero parts). */
    private static String channelsLast(ChannelsLastU8Rewriter.Result u8) {
        List<String> parts = new java.util.ArrayList<>();
        if (u8.rewritten() > 0) {
            parts.add(u8.rewritten() + " ActiveShiftU8 -> " + dev.asnet.exporter.ops.AsnetDomain.ACTIVE_SHIFT_NHWC_U8);
        }
        if (u8.affineRewritten() > 0) {
            parts.add(u8.affineRewritten() + " ChannelAffineU8 -> " + dev.asnet.exporter.ops.AsnetDomain.CHANNEL_AFFINE_NHWC_U8);
        }
        return String.join(", ", parts);
    }

    /** The model with the {@value NchwcRewrite#MACHINE_SPECIFIC} metadata set to a description. */
    private static ModelProto withMachineSpecific(ModelProto model, String description) {
        ModelProto.Builder m = model.toBuilder();
        for (int i = m.getMetadataPropsCount() - 1; i >= 0; i--) {
            if (m.getMetadataProps(i).getKey().equals(NchwcRewrite.MACHINE_SPECIFIC)) {
                m.removeMetadataProps(i);
            }
        }
        m.addMetadataProps(StringStringEntryProto.newBuilder().setKey(NchwcRewrite.MACHINE_SPECIFIC)
                .setValue(description));
        return m.build();
    }
}
