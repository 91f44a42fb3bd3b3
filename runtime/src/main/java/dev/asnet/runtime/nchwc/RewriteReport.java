package dev.asnet.runtime.nchwc;

import java.util.List;

/**
 * What {@link ActiveShiftNchwcRewriter} did to a graph.
 *
 * @param blockSize the block size the new nodes were given
 * @param rewritten how many ActiveShift nodes became ActiveShiftNchwc
 * @param keptReorders ReorderOutput nodes kept (or added) because NCHW users other than a
 *     rewritten ActiveShift still read them
 * @param left ActiveShift nodes left as they were, each with the reason
 */
public record RewriteReport(int blockSize, int rewritten, int keptReorders, List<Left> left) {
    /**
     * An ActiveShift node the rewrite left alone.
     *
     * @param node the node's name
     * @param reason why
     */
    public record Left(String node, String reason) {
        @Override
        public String toString() {
            return "'" + node + "': " + reason;
        }
    }

    /** Makes the list unmodifiable. */
    public RewriteReport {
        left = List.copyOf(left);
    }

    /**
     * One line for the log: what was rewritten and what was left and why.
     *
     * @return the summary
     */
    public String summary() {
        if (rewritten == 0 && left.isEmpty()) {
            return "no ReorderOutput -> ActiveShift -> ReorderInput chain to rewrite";
        }
        StringBuilder s = new StringBuilder();
        s.append("rewrote ").append(rewritten).append(" ActiveShift node").append(rewritten == 1 ? "" : "s")
                .append(" to ").append(NchwcOps.ACTIVE_SHIFT_NCHWC).append(" (block size ").append(blockSize).append(')');
        if (keptReorders > 0) {
            s.append(", kept ").append(keptReorders).append(" ReorderOutput for other NCHW users");
        }
        if (!left.isEmpty()) {
            s.append("; left ").append(left.size()).append(": ");
            for (int i = 0; i < left.size(); i++) {
                s.append(i == 0 ? "" : "; ").append(left.get(i));
            }
        }
        return s.toString();
    }
}
