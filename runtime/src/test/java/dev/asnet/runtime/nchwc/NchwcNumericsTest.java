package dev.asnet.runtime.nchwc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.asnet.exporter.onnx.Onnx.ModelProto;
import dev.asnet.exporter.onnx.Onnx.NodeProto;
import dev.asnet.exporter.ops.AsnetDomain;
import dev.asnet.exporter.testing.TestArrays;
import dev.asnet.models.ModelZoo;
import dev.asnet.runtime.AsnetModel;
import dev.asnet.runtime.FloatTensor;
import dev.asnet.runtime.RuntimeOptions;
import dev.asnet.runtime.TestModels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The rewritten models compute what ONNX Runtime's own graph computes: within 1e-5 of the output's
 * scale at batch 1, 7 and 64, for every zoo network with ActiveShift (at a small input) and the
 * pretrained model. Needs the native ActiveShiftNchwc: until the op library has it, these tests
 * are skipped, and they run by themselves once it lands.
 */
class NchwcNumericsTest {
    @TempDir
    Path cache;

    @BeforeEach
    void needsTheKernel() {
        NchwcSupport.OpAvailability op = NchwcSupport.activeShiftNchwc();
        assumeTrue(op.available(), "the op library has no ActiveShiftNchwc yet: " + op.reason());
        NchwcTestModels.blockSizeOrSkip();
    }

    /**
     * AS-ResNet-w32 at 3x64x64 with shifts uniform in +-4.7 (about 15 integer offsets per 16-channel
     * block even sorted, offsets wider than its 4x4 and 2x2 maps): the kernel's planar-row path,
     * at column strides 1 and 2.
     */
    private static final String SPREAD = "as-resnet-w32 (shifts +-4.7)";

    /** Every zoo network that has ActiveShift nodes, at 3x32x32 (small, still 5 downsamplings deep). */
    static Stream<String> models() {
        List<String> out = new ArrayList<>();
        out.add("pretrained");
        out.add(SPREAD);
        for (String name : ModelZoo.names()) {
            if (hasActiveShift(NchwcTestModels.zoo(name, 3, 32))) {
                out.add(name);
            }
        }
        return out.stream();
    }

    private static boolean hasActiveShift(byte[] model) {
        try {
            for (NodeProto n : ModelProto.parseFrom(model).getGraph().getNodeList()) {
                if (n.getDomain().equals(AsnetDomain.DOMAIN) && n.getOpType().equals(AsnetDomain.ACTIVE_SHIFT)) {
                    return true;
                }
            }
            return false;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void rewrittenModelAgreesWithOnnxRuntimesGraph(String name) throws Exception {
        byte[] model = name.equals("pretrained") ? NchwcTestModels.pretrained()
                : name.equals(SPREAD) ? NchwcTestModels.zooSpread("as-resnet-w32", 3, 64, 4.7f, 17)
                : NchwcTestModels.zoo(name, 3, 32);
        RuntimeOptions.Builder o = RuntimeOptions.builder().optIntraOpThreads(2).optNchwcCacheDir(cache);
        try (AsnetModel rewritten = AsnetModel.open(model, o.build());
                AsnetModel reference = AsnetModel.open(model, o.optNchwcRewrite(false).build())) {
            assertEquals(dev.asnet.runtime.nchwc.NchwcRewrite.Status.REWRITTEN, rewritten.nchwcRewrite().status(),
                    rewritten.nchwcRewrite().message());
            for (int batch : new int[] {1, 7, 64}) {
                long[] shape = reference.input().dims();
                shape[0] = batch;
                FloatTensor x = FloatTensor.of(TestModels.random(batch * 13L, (int) FloatTensor.elementCount(shape)), shape);
                float[] want = reference.run(x).data();
                float[] got = rewritten.run(x).data();
                double scale = 0;
                for (float v : want) {
                    scale = Math.max(scale, Math.abs(v));
                }
                double diff = TestArrays.maxAbsDiff(want, got);
                assertTrue(diff <= 1e-5 * Math.max(scale, 1e-30),
                        name + " batch " + batch + ": max diff " + diff + " at output scale " + scale);
            }
        }
    }
}
