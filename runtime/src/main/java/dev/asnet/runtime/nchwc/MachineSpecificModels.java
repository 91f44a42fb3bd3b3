package dev.asnet.runtime.nchwc;

import ai.onnxruntime.OrtException;
import dev.asnet.exporter.onnx.Onnx.ModelProto;
import dev.asnet.exporter.onnx.Onnx.StringStringEntryProto;
import java.io.IOException;

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
     * @param blockSize how the block size was found
     */
    public record Built(ModelProto model, RewriteReport report, BlockSizeDetector.Result blockSize) {}

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
        BlockSizeDetector.Result found = BlockSizeDetector.detect(original, optimized);
        if (found.blockSize().isEmpty()) {
            throw new NchwcUnavailableException(source + ": the NCHWc block size cannot be determined from ONNX "
                    + "Runtime's optimized graph (" + found.explanation() + "), so nothing is rewritten");
        }
        int b = found.blockSize().getAsInt();
        ActiveShiftNchwcRewriter.Result r = ActiveShiftNchwcRewriter.rewrite(optimized, b,
                ActiveShiftNchwcRewriter.MAX_OFFSETS_PER_BLOCK_FRACTION * b);
        String description = "ONNX Runtime " + NchwcSupport.ortVersion() + " optimized graph for this CPU ("
                + MachineIdentity.describe() + "), NCHWc block size " + b + "; " + r.report().rewritten()
                + " ActiveShift -> " + NchwcOps.ACTIVE_SHIFT_NCHWC + " (needs an asnet op library with that op)";
        ModelProto.Builder m = r.model().toBuilder();
        for (int i = m.getMetadataPropsCount() - 1; i >= 0; i--) {
            if (m.getMetadataProps(i).getKey().equals(NchwcRewrite.MACHINE_SPECIFIC)) {
                m.removeMetadataProps(i);
            }
        }
        m.addMetadataProps(StringStringEntryProto.newBuilder().setKey(NchwcRewrite.MACHINE_SPECIFIC)
                .setValue(description));
        return new Built(m.build(), r.report(), found);
    }
}
