package dev.asnet.runtime.nchwc;

import dev.asnet.exporter.onnx.Onnx.GraphProto;
import dev.asnet.exporter.onnx.Onnx.ModelProto;
import dev.asnet.exporter.onnx.Onnx.NodeProto;
import dev.asnet.exporter.onnx.Onnx.TensorProto;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeSet;

/**
 * Finds the NCHWc block size ONNX Runtime used for an optimized graph, exactly: every
 * {@code com.microsoft.nchwc:Conv} holds its weights reordered into a blocked order, so for each one
 * the original OIHW weights (in the model before optimization) are reordered for every candidate
 * block size and compared bit for bit. The block sizes that reproduce every matched convolution are
 * the answer; none, or more than one, means the block size is unknown and nothing may be rewritten.
 * Nothing is guessed from the CPU.
 */
public final class BlockSizeDetector {
    /** Block sizes tried: ONNX Runtime's are powers of two (8 with AVX2, 16 with AVX-512). */
    static final int[] CANDIDATES = {2, 4, 8, 16, 32, 64};

    /**
     * The outcome.
     *
     * @param blockSize the block size, if determined
     * @param matchedConvs how many NCHWc convolutions were traced back to original weights
     * @param explanation how it was found, or why it could not be
     */
    public record Result(OptionalInt blockSize, int matchedConvs, String explanation) {}

    private BlockSizeDetector() {}

    /**
     * Determines the block size.
     *
     * @param original the model before optimization
     * @param optimized ONNX Runtime's optimized graph of it
     * @return the result
     */
    public static Result detect(ModelProto original, ModelProto optimized) {
        Map<String, List<float[]>> originalsByShape = new HashMap<>();
        for (TensorProto t : original.getGraph().getInitializerList()) {
            if (t.getDimsCount() == 4) {
                float[] v = TensorData.floats(t);
                if (v != null) {
                    originalsByShape.computeIfAbsent(shapeKey(t.getDims(1), t.getDims(2), t.getDims(3)),
                            k -> new ArrayList<>()).add(v);
                }
            }
        }
        GraphProto g = optimized.getGraph();
        Map<String, TensorProto> initializers = new HashMap<>();
        for (TensorProto t : g.getInitializerList()) {
            initializers.put(t.getName(), t);
        }
        TreeSet<Integer> common = null;
        int convs = 0;
        int matched = 0;
        for (NodeProto n : g.getNodeList()) {
            if (!NchwcOps.is(n, NchwcOps.DOMAIN, NchwcOps.CONV) || n.getInputCount() < 2) {
                continue;
            }
            convs++;
            TensorProto wt = initializers.get(n.getInput(1));
            if (wt == null || wt.getDimsCount() != 4) {
                continue;
            }
            float[] blocked = TensorData.floats(wt);
            List<float[]> sources = originalsByShape.get(shapeKey(wt.getDims(1), wt.getDims(2), wt.getDims(3)));
            if (blocked == null || sources == null) {
                continue;
            }
            TreeSet<Integer> fits = new TreeSet<>();
            int i = (int) wt.getDims(1);
            int k = (int) (wt.getDims(2) * wt.getDims(3));
            for (float[] w : sources) {
                int o = w.length / (i * k);
                for (int b : CANDIDATES) {
                    if (BlockedLayout.roundUp(o, b) == wt.getDims(0)
                            && (BlockedLayout.matchesOutputInputBlocked(w, o, i, k, b, blocked)
                                    || BlockedLayout.matchesOutputBlocked(w, o, i, k, b, blocked))) {
                        fits.add(b);
                    }
                }
            }
            if (fits.isEmpty()) {
                // Weights ONNX Runtime computed itself (a BatchNormalization turned into a 1x1 conv).
                continue;
            }
            matched++;
            if (common == null) {
                common = fits;
            } else {
                common.retainAll(fits);
            }
        }
        if (convs == 0) {
            return new Result(OptionalInt.empty(), 0, "the optimized graph has no NCHWc convolution");
        }
        if (common == null) {
            return new Result(OptionalInt.empty(), 0, "none of the " + convs
                    + " NCHWc convolutions' weights is a reordering of the original weights");
        }
        if (common.size() != 1) {
            return new Result(OptionalInt.empty(), matched, common.isEmpty()
                    ? "the " + matched + " matched NCHWc convolutions agree on no block size"
                    : "the NCHWc convolutions' weights fit block sizes " + common + " alike");
        }
        return new Result(OptionalInt.of(common.first()), matched, "block size " + common.first()
                + " (reproduces the weights of " + matched + " of " + convs + " NCHWc convolutions)");
    }

    private static String shapeKey(long i, long kh, long kw) {
        return i + "x" + kh + "x" + kw;
    }
}
