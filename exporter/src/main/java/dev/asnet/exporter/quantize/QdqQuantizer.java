package dev.asnet.exporter.quantize;

import dev.asnet.exporter.ModelInfo;
import dev.asnet.exporter.export.AslLowering;
import dev.asnet.exporter.export.ExportOptions;
import dev.asnet.exporter.export.FoldBatchNorm;
import dev.asnet.exporter.export.InferenceExport;
import dev.asnet.exporter.export.SortShiftChannels;
import dev.asnet.exporter.ir.DataType;
import dev.asnet.exporter.ir.Graph;
import dev.asnet.exporter.ir.Model;
import dev.asnet.exporter.ir.Node;
import dev.asnet.exporter.ir.Value;
import dev.asnet.exporter.ops.AsnetDomain;
import java.util.Set;

/**
 * Static post-training quantization of a float model into standard ONNX QDQ form, in two steps
 * around calibration, which runs the float model (in {@code runtime}, where ONNX Runtime is):
 *
 * <pre>{@code
 * QuantizationPlan plan = QdqQuantizer.plan(model, QuantizeOptions.defaults());
 * Model calibration = plan.calibrationModel();      // exposes plan.calibratedValues() as outputs
 * Map<String, TensorRange> ranges = ...;            // observed on calibration data
 * Model int8 = plan.quantize(ranges, new CalibrationInfo("fashion-mnist train", 1000, 1));
 * }</pre>
 *
 * <p>{@link #plan} copies the model, folds BatchNormalization into the conv before it where it can
 * ({@link FoldBatchNorm}), rewrites every other BatchNormalization as a depthwise 1x1 conv ({@link
 * BatchNormAsDepthwiseConv}; in the {@link BatchNormQuantization#UINT8} form {@link
 * QuantizationPlan#quantize} turns each into one {@link ChannelAffineU8} node), collapses repeated Relus ({@link CollapseRepeatedRelu}) and decides
 * which activations are quantized; see {@link QuantizationPlan} for the patterns.
 */
public final class QdqQuantizer {
    /** Op types whose presence means a model is quantized already. */
    private static final Set<String> QUANTIZED_OPS = Set.of("QuantizeLinear", "DequantizeLinear", "QLinearConv",
            "QLinearMatMul", "QLinearAdd", "ConvInteger", "MatMulInteger", "DynamicQuantizeLinear");

    private QdqQuantizer() {}

    /**
     * Prepares a model for calibration and quantization. The source is left unchanged.
     *
     * @param source a float model (names are assigned to it if missing)
     * @param options calibration method and Active Shift form
     * @return the plan
     * @throws QuantizationException naming the node or value if the model is already quantized, has
     *     a non-float input, or holds a pattern the quantizer does not handle
     */
    public static QuantizationPlan plan(Model source, QuantizeOptions options) {
        refuseQuantized(source);
        if (options.asl() == AslQuantization.DEPTHWISE) {
            source = lowerToDepthwise(source);
        }
        Graph src = source.graph();
        src.validate();
        src.assignNames();
        for (Value in : src.inputs()) {
            if (in.dataType() != DataType.FLOAT) {
                throw new QuantizationException("graph input " + in.describe() + " is not float; asnet quantizes"
                        + " models with float inputs only");
            }
        }
        // The extended registry accepts dev.asnet::ActiveShiftU8, which the UINT8 form adds.
        Graph g = src.copy(ActiveShiftU8.registry());
        new FoldBatchNorm().apply(g);
        BatchNormAsDepthwiseConv bn = new BatchNormAsDepthwiseConv();
        bn.apply(g);
        CollapseRepeatedRelu relu = new CollapseRepeatedRelu();
        relu.apply(g);
        if (options.asl() == AslQuantization.UINT8) {
            // Channels sharing an integer offset side by side: the channels-last uint8 kernel works
            // on 16-channel chunks and costs one masked load per distinct offset in a chunk. The
            // permutation is folded into the convs around each layer (the function is unchanged).
            new SortShiftChannels().apply(g);
        }
        g.removeUnusedInitializers();
        g.assignNames();
        Model prepared = new Model(g).setOpsetVersion(Math.max(QuantizationPlan.MIN_OPSET, source.opsetVersion()))
                .setIrVersion(source.irVersion()).setProducer(source.producerName(), source.producerVersion());
        source.metadata().forEach(prepared::putMetadata);
        prepared.putMetadata(ModelInfo.BN_FOLDED, "true");
        return new QuantizationPlan(prepared, options, bn.convNames(), relu.removed());
    }

    /**
     * The model with its {@code dev.asnet::ActiveShift} layers as depthwise convolutions (what
     * {@code asnet convert --lowering depthwise} writes), for {@link AslQuantization#DEPTHWISE}.
     */
    private static Model lowerToDepthwise(Model source) {
        boolean any = source.graph().nodes().stream()
                .anyMatch(n -> AsnetDomain.DOMAIN.equals(n.domain()) && n.opType().equals(AsnetDomain.ACTIVE_SHIFT));
        if (!any) {
            return source;
        }
        try {
            return InferenceExport.prepare(source, ExportOptions.builder().setLowering(AslLowering.DEPTHWISE)
                    .optFoldBatchNorm(true).optOpsetVersion(source.opsetVersion()).build());
        } catch (IllegalArgumentException e) {  // IrException included
            throw new QuantizationException("cannot write the Active Shift layers as depthwise convolutions: "
                    + e.getMessage());
        }
    }

    private static void refuseQuantized(Model m) {
        if (m.metadata().containsKey(ModelInfo.QUANTIZED)) {
            throw new QuantizationException("the model is already quantized (" + ModelInfo.QUANTIZED + " = "
                    + m.metadata().get(ModelInfo.QUANTIZED) + "); quantize its float form");
        }
        for (Node n : m.graph().nodes()) {
            if (QUANTIZED_OPS.contains(n.opType()) || n.opType().equals(ActiveShiftU8.OP_TYPE)) {
                throw new QuantizationException("the model is already quantized: it holds " + n.describe()
                        + "; quantize its float form");
            }
        }
        for (Value v : m.graph().initializers()) {
            if (v.dataType().isSmallInteger()) {
                throw new QuantizationException("the model is already quantized: initializer " + v.describe()
                        + " holds integers; quantize its float form");
            }
        }
    }
}
