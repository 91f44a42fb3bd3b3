package dev.asnet.exporter.export;

import dev.asnet.exporter.ModelInfo;
import dev.asnet.exporter.count.Cost;
import dev.asnet.exporter.count.CostCounter;
import dev.asnet.exporter.ir.Graph;
import dev.asnet.exporter.ir.IrException;
import dev.asnet.exporter.ir.Model;
import java.util.ArrayList;
import java.util.List;

/**
 * Prepares a model for inference. The source model is left untouched: its graph is copied once
 * ({@link Graph#copy()}) and passes transform the copy in place:
 * <ul>
 *   <li>{@link FoldBatchNorm} (unless switched off): a Conv whose only user is a
 *       BatchNormalization becomes one Conv with the BN folded into its weights and bias;</li>
 *   <li>{@link SortShiftChannels} (unless switched off): each Active Shift layer's channels are
 *       ordered by their integer offsets, the permutation folded into the convs around it;</li>
 *   <li>{@link LowerActiveShift}: every {@code dev.asnet::ActiveShift} is written in the chosen
 *       {@link AslLowering};</li>
 *   <li>initializers nothing reads any more are removed and the rest ordered by first use
 *       ({@link OrderInitializersByFirstUse}).</li>
 * </ul>
 * Names are kept, so the graph input and output names and the symbolic batch dimension are those
 * of the source. The source's metadata is read as {@link ModelInfo} (so broken asnet metadata is
 * refused, naming the key) and written with the ASL lowering, the BN folding and, for the depthwise
 * lowering, the radius used; the parameter and MAC counts are counted on the source when absent.
 */
public final class InferenceExport {
    private InferenceExport() {}

    /**
     * Builds the inference model.
     *
     * @param source the model as built (names are assigned to it if missing)
     * @param options the lowering and folding choices
     * @return a new model
     * @throws IrException if an ASL cannot be lowered as asked (such as a radius above the limit)
     */
    public static Model prepare(Model source, ExportOptions options) {
        Graph src = source.graph();
        src.validate();
        ModelInfo info = ModelInfo.of(source);  // broken metadata fails before any work
        src.assignNames();
        Graph g = src.copy();
        LowerActiveShift lower = LowerActiveShift.of(options);
        List<GraphPass> passes = new ArrayList<>();
        if (options.foldBatchNorm()) {
            passes.add(new FoldBatchNorm());
        }
        if (options.sortShiftChannels()) {
            passes.add(new SortShiftChannels());
        }
        passes.add(lower);
        passes.add(Graph::removeUnusedInitializers);
        passes.add(graph -> new OrderInitializersByFirstUse(lower.createdInitializers()).apply(graph));
        for (GraphPass pass : passes) {
            pass.apply(g);
        }
        Model m = new Model(g).setOpsetVersion(options.opsetVersion()).setIrVersion(source.irVersion())
                .setProducer(source.producerName(), source.producerVersion());
        ModelInfo.Builder out = info.toBuilder();
        if (info.params().isEmpty() || info.macs().isEmpty()) {
            Cost c = CostCounter.count(src);
            out.cost(c.params(), c.macs());
        }
        // A radius is recorded when this export lowered some layer to depthwise (readers take it to
        // mean the graph holds depthwise-lowered layers); otherwise the source's, if any, is kept.
        boolean depthwise = options.lowering() == AslLowering.DEPTHWISE && lower.maxRadiusUsed() >= 0;
        Integer radius = depthwise ? Integer.valueOf(lower.maxRadiusUsed())
                : info.aslRadius().isPresent() ? Integer.valueOf(info.aslRadius().getAsInt()) : null;
        out.asl(options.lowering(), radius).bnFolded(options.foldBatchNorm());
        return m.setMetadata(out.build().toMetadata());
    }
}
