package dev.asnet.exporter.export;

import dev.asnet.exporter.ModelMetadata;
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
 * of the source. Metadata is copied and {@link ModelMetadata#ASL_LOWERING}, {@link
 * ModelMetadata#BN_FOLDED} and, for the depthwise lowering, {@link ModelMetadata#ASL_RADIUS} are
 * set; {@link ModelMetadata#PARAMS} and {@link ModelMetadata#MACS} are counted on the source when
 * absent.
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
        source.metadata().forEach(m::putMetadata);
        if (!source.metadata().containsKey(ModelMetadata.PARAMS) || !source.metadata().containsKey(ModelMetadata.MACS)) {
            Cost c = CostCounter.count(src);
            m.putMetadata(ModelMetadata.PARAMS, Long.toString(c.params()));
            m.putMetadata(ModelMetadata.MACS, Long.toString(c.macs()));
        }
        m.putMetadata(ModelMetadata.ASL_LOWERING, options.lowering().id());
        if (options.lowering() == AslLowering.DEPTHWISE && lower.maxRadiusUsed() >= 0) {
            m.putMetadata(ModelMetadata.ASL_RADIUS, Integer.toString(lower.maxRadiusUsed()));
        }
        m.putMetadata(ModelMetadata.BN_FOLDED, Boolean.toString(options.foldBatchNorm()));
        return m;
    }
}
