package dev.asnet.exporter.export;

import dev.asnet.exporter.ir.Graph;
import dev.asnet.exporter.ir.IrException;
import dev.asnet.exporter.ir.Node;
import dev.asnet.exporter.ir.Value;
import dev.asnet.exporter.ops.AsnetDomain;
import dev.asnet.exporter.ops.GraphBuilder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Writes every {@code dev.asnet::ActiveShift} in one {@link AslLowering}. The custom lowering
 * keeps the node (after checking its shifts are finite); the portable and depthwise ones insert
 * the standard-ONNX form ({@link AslLowerings}) where the node was, under the node's name, give
 * its output the ASL output's name and remove the ASL node. A shift initializer only the ASL read
 * is left unused.
 */
public final class LowerActiveShift implements GraphPass {
    private final AslLowering lowering;
    private final int maxRadius;
    private final int opsetVersion;
    private final List<List<Value>> created = new ArrayList<>();
    private int maxRadiusUsed = -1;

    /**
     * A lowering pass.
     *
     * @param lowering the form to write
     * @param maxRadius the largest depthwise radius allowed
     * @param opsetVersion the target opset (GridSample's mode name depends on it)
     */
    public LowerActiveShift(AslLowering lowering, int maxRadius, int opsetVersion) {
        this.lowering = lowering;
        this.maxRadius = maxRadius;
        this.opsetVersion = opsetVersion;
    }

    /**
     * The pass for export options.
     *
     * @param options the lowering, radius limit and opset
     * @return the pass
     */
    public static LowerActiveShift of(ExportOptions options) {
        return new LowerActiveShift(options.lowering(), options.maxRadius(), options.opsetVersion());
    }

    /**
     * The largest depthwise radius the last run needed.
     *
     * @return the radius, or -1 when nothing was lowered depthwise
     */
    public int maxRadiusUsed() {
        return maxRadiusUsed;
    }

    /**
     * The initializers each lowered node brought, in creation order, one list per node.
     *
     * @return an unmodifiable view
     */
    public List<List<Value>> createdInitializers() {
        return Collections.unmodifiableList(created);
    }

    @Override
    public void apply(Graph g) {
        for (Node n : new ArrayList<>(g.nodes())) {
            if (n.domain().equals(AsnetDomain.DOMAIN) && n.opType().equals(AsnetDomain.ACTIVE_SHIFT)) {
                lower(g, n);
            }
        }
    }

    private void lower(Graph g, Node n) {
        Value x = n.input(0);
        Value shift = n.input(1);
        long[] st = n.attribute(AsnetDomain.STRIDES).map(a -> a.asInts()).orElse(new long[] {1, 1});
        if (shift.isInitializer()) {
            AslLowerings.requireFinite(n.name(), shift.data().floats());
        }
        if (lowering == AslLowering.CUSTOM) {
            return;
        }
        if (lowering == AslLowering.DEPTHWISE && !shift.isInitializer()) {
            throw new IrException(n.describe() + ": the depthwise lowering needs the shift as an initializer but it is "
                    + shift.describe());
        }
        String name = n.name();
        int initializersBefore = g.initializers().size();
        // The replacement takes the node's name while the node is still in place.
        n.rename(null);
        GraphBuilder b = new GraphBuilder(g).before(n);
        Value out;
        try {
            if (lowering == AslLowering.PORTABLE) {
                out = AslLowerings.portable(b, name, x, shift, st[0], st[1], opsetVersion);
            } else {
                maxRadiusUsed = Math.max(maxRadiusUsed, AslLowerings.radius(shift.data().floats()));
                out = AslLowerings.depthwise(b, name, x, shift.data(), st[0], st[1], maxRadius);
            }
        } catch (IrException e) {
            n.rename(name);
            throw e;
        }
        created.add(List.copyOf(g.initializers().subList(initializersBefore, g.initializers().size())));
        Value old = n.output();
        String outName = old.name();
        old.replaceAllUsesWith(out);
        g.removeNode(n);
        out.rename(outName);
    }
}
