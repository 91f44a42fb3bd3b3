package dev.asnet.runtime.nchwc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.asnet.exporter.onnx.Onnx.ModelProto;
import dev.asnet.exporter.onnx.Onnx.TensorProto;
import org.junit.jupiter.api.Test;

/** The block size comes from ONNX Runtime's reordered weights, never from a guess. */
class BlockSizeDetectorTest {
    @Test
    void probeAndModelAgree() throws Exception {
        int b = NchwcTestModels.blockSizeOrSkip();
        assertTrue(b == 8 || b == 16, "ONNX Runtime's x86 block sizes are 8 and 16, got " + b);
        byte[] model = NchwcTestModels.pretrained();
        BlockSizeDetector.Result r = BlockSizeDetector.detect(ModelProto.parseFrom(model),
                NchwcTestModels.optimized(model));
        assertEquals(b, r.blockSize().getAsInt(), r.explanation());
        assertTrue(r.matchedConvs() > 0);
    }

    @Test
    void weightsThatFitEveryBlockSizeDetermineNothing() throws Exception {
        NchwcTestModels.blockSizeOrSkip();
        // All-zero weights are the same in every blocked order.
        ModelProto probe = ProbeModels.conv();
        ModelProto zero = probe.toBuilder().setGraph(probe.getGraph().toBuilder().setInitializer(0,
                ProbeModels.floats("w", new float[64 * 64], 64, 64, 1, 1))).build();
        BlockSizeDetector.Result r = BlockSizeDetector.detect(zero, NchwcTestModels.optimized(zero.toByteArray()));
        assertTrue(r.blockSize().isEmpty(), r.explanation());
    }

    @Test
    void withoutNchwcConvolutionsThereIsNoBlockSize() {
        ModelProto probe = ProbeModels.conv();
        BlockSizeDetector.Result r = BlockSizeDetector.detect(probe, probe);
        assertTrue(r.blockSize().isEmpty());
        assertTrue(r.explanation().contains("no NCHWc convolution"), r.explanation());
    }

    @Test
    void reorderedWeightsFromAnotherModelDoNotMatch() throws Exception {
        NchwcTestModels.blockSizeOrSkip();
        ModelProto probe = ProbeModels.conv();
        ModelProto optimized = NchwcTestModels.optimized(probe.toByteArray());
        TensorProto other = ProbeModels.floats("w", dev.asnet.runtime.TestModels.random(3, 64 * 64), 64, 64, 1, 1);
        ModelProto unrelated = probe.toBuilder().setGraph(probe.getGraph().toBuilder().setInitializer(0, other)).build();
        assertTrue(BlockSizeDetector.detect(unrelated, optimized).blockSize().isEmpty());
    }
}
