package dev.asnet.models;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.asnet.exporter.export.AslLowering;
import dev.asnet.exporter.export.ExportOptions;
import dev.asnet.exporter.io.OnnxWriter;
import dev.asnet.exporter.ir.Model;
import dev.asnet.exporter.testing.OrtRunner;
import dev.asnet.exporter.testing.TestArrays;
import dev.asnet.ops.testing.OpSessions;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every AS network of the zoo, exported with its ASL channels ordered by integer offset (the
 * default) and without, computes the same outputs in ONNX Runtime with the asnet op library, with
 * shifts spread like trained ones (uniform in +-4.7, the released w32 range).
 */
class SortedExportTest {
    @ParameterizedTest
    @ValueSource(strings = {"as-resnet20-16x1", "as-resnet20-16x3", "as-resnet20-46x1", "as-resnet-w32"})
    void sortedChannelsGiveTheSameOutputs(String name) throws Exception {
        Architecture arch = ModelZoo.get(name);
        ModelConfig cfg = ModelConfig.cifar10();
        Model model = arch.build(cfg);
        SplittableRandom r = new SplittableRandom(name.hashCode());
        model.graph().initializers().stream().filter(v -> v.name().endsWith(".shift")).forEach(v -> {
            float[] s = v.data().floats();
            for (int i = 0; i < s.length; i++) {
                s[i] = (float) ((r.nextDouble() * 2 - 1) * 4.7);
            }
            model.graph().replaceInitializerData(v.name(), dev.asnet.exporter.ir.Tensor.ofFloats(s, v.data().dims()));
        });
        byte[] plain = OnnxWriter.toBytes(dev.asnet.exporter.export.InferenceExport.prepare(model,
                ExportOptions.builder().setLowering(AslLowering.CUSTOM).optSortShiftChannels(false).build()));
        byte[] sortedSame = OnnxWriter.toBytes(dev.asnet.exporter.export.InferenceExport.prepare(model,
                ExportOptions.of(AslLowering.CUSTOM)));
        // The default export really reorders: every ASL's shifts come out sorted by integer offset.
        Model back = dev.asnet.exporter.io.OnnxReader.read(sortedSame);
        int asls = 0;
        int changed = 0;
        Model unsorted = dev.asnet.exporter.io.OnnxReader.read(plain);
        for (var n : back.graph().nodes()) {
            if (n.opType().equals("ActiveShift")) {
                float[] sh = n.input(1).data().floats();
                int[] perm = dev.asnet.exporter.export.SortShiftChannels.order(sh);
                for (int k = 0; k < perm.length; k++) {
                    assertEquals(k, perm[k], n.name() + " is sorted");
                }
                float[] orig = unsorted.graph().nodes().get(n.index()).input(1).data().floats();
                changed += java.util.Arrays.equals(sh, orig) ? 0 : 1;
                asls++;
            }
        }
        org.junit.jupiter.api.Assertions.assertTrue(asls > 0 && changed == asls, changed + " of " + asls + " reordered");
        float[] x = TestArrays.randn(3, 2 * 3 * 32 * 32);
        OrtRunner.Output want = OpSessions.WITH_OPS.run(plain, "input", x, 2, 3, 32, 32).get(0);
        OrtRunner.Output got = OpSessions.WITH_OPS.run(sortedSame, "input", x, 2, 3, 32, 32).get(0);
        double scale = Math.max(1, TestArrays.maxAbs(want.data()));
        assertEquals(want.data().length, got.data().length);
        for (int i = 0; i < want.data().length; i++) {
            assertEquals(want.data()[i], got.data()[i], 1e-5 * scale, name + " output " + i);
        }
    }
}
