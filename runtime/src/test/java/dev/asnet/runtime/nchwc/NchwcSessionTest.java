package dev.asnet.runtime.nchwc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.asnet.exporter.onnx.Onnx.ModelProto;
import dev.asnet.exporter.testing.TestArrays;
import dev.asnet.runtime.AsnetModel;
import dev.asnet.runtime.FloatTensor;
import dev.asnet.runtime.OptimizationLevel;
import dev.asnet.runtime.RuntimeOptions;
import dev.asnet.runtime.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the rewrite runs: AsnetModel's sessions, the option, and the fallback while the op is missing. */
class NchwcSessionTest {
    @TempDir
    Path cache;

    private RuntimeOptions.Builder options() {
        return RuntimeOptions.builder().optIntraOpThreads(1).optNchwcCacheDir(cache);
    }

    private static float[] run(AsnetModel m, int batch) throws Exception {
        long[] shape = m.input().dims();
        shape[0] = batch;
        return m.run(FloatTensor.of(TestModels.random(batch, (int) FloatTensor.elementCount(shape)), shape)).data();
    }

    @Test
    void turnedOffMeansNotApplicable() throws Exception {
        try (AsnetModel m = AsnetModel.open(NchwcTestModels.pretrained(), options().optNchwcRewrite(false).build())) {
            assertEquals(NchwcRewrite.Status.NOT_APPLICABLE, m.nchwcRewrite().status());
            assertTrue(m.nchwcRewrite().message().contains("turned off"));
        }
        try (var files = Files.list(cache)) {
            assertEquals(0, files.count(), "nothing cached when turned off");
        }
    }

    @Test
    void onlyCpuSessionsAtLevelAllAreRewritten() throws Exception {
        try (AsnetModel m = AsnetModel.open(NchwcTestModels.pretrained(),
                options().optOptimizationLevel(OptimizationLevel.EXTENDED).build())) {
            assertEquals(NchwcRewrite.Status.NOT_APPLICABLE, m.nchwcRewrite().status());
        }
        try (AsnetModel m = AsnetModel.open(TestModels.fashion(TestModels.DW_RESNET,
                dev.asnet.exporter.export.AslLowering.CUSTOM), options().build())) {
            assertEquals(NchwcRewrite.Status.NOT_APPLICABLE, m.nchwcRewrite().status(), "no ActiveShift node");
        }
    }

    @Test
    void withoutTheOpTheModelRunsAsBefore() throws Exception {
        assumeFalse(NchwcSupport.activeShiftNchwc().available(), "the op library has ActiveShiftNchwc");
        byte[] model = NchwcTestModels.pretrained();
        try (AsnetModel on = AsnetModel.open(model, options().build());
                AsnetModel off = AsnetModel.open(model, options().optNchwcRewrite(false).build())) {
            assertEquals(NchwcRewrite.Status.SKIPPED, on.nchwcRewrite().status());
            assertTrue(on.nchwcRewrite().message().contains(NchwcOps.ACTIVE_SHIFT_NCHWC), on.nchwcRewrite().message());
            assertArrayEquals(run(off, 7), run(on, 7));
        }
    }

    @Test
    void anOptimizedGraphIsLeftAsItIsWhenOpenedAgainAtLevelAll() throws Exception {
        NchwcTestModels.blockSizeOrSkip();
        byte[] model = NchwcTestModels.pretrained();
        ModelProto once = NchwcTestModels.optimized(model);
        ModelProto twice = NchwcTestModels.optimized(once.toByteArray());
        assertEquals(NchwcTestModels.ops(once), NchwcTestModels.ops(twice));
        try (AsnetModel original = AsnetModel.open(model, options().optNchwcRewrite(false).build());
                AsnetModel reopened = AsnetModel.open(once.toByteArray(), options().build())) {
            assertEquals(NchwcRewrite.Status.NOT_APPLICABLE, reopened.nchwcRewrite().status());
            assertTrue(reopened.description().machineSpecific().isPresent());
            float[] a = run(original, 3);
            float[] b = run(reopened, 3);
            assertTrue(TestArrays.maxAbsDiff(a, b) <= 1e-5, "max diff " + TestArrays.maxAbsDiff(a, b));
        }
    }
}
