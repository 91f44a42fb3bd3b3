package dev.asnet.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtEnvironment;
import dev.asnet.exporter.export.AslLowering;
import dev.asnet.exporter.testing.OrtRunner;
import dev.asnet.exporter.testing.TestArrays;
import dev.asnet.ops.AsnetOps;
import dev.asnet.ops.testing.OpSessions;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class AsnetModelTest {
    /**
     * ONNX Runtime on its own, with the op library and its default thread count like AsnetModel's
     * sessions: the reference for what AsnetModel returns.
     */
    private static final OrtRunner DIRECT = OpSessions.runner(0);
    private static final int IMAGE = 28 * 28;

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(AslLowering.class)
    void everyLoweringMatchesDirectOnnxRuntime(AslLowering lowering) throws Exception {
        byte[] bytes = TestModels.fashion(TestModels.AS_RESNET, lowering);
        float[] x = TestModels.random(1, 3 * IMAGE);
        try (AsnetModel model = AsnetModel.open(bytes, RuntimeOptions.defaults())) {
            assertEquals(lowering == AslLowering.CUSTOM, model.usesAsnetOps(),
                    "the op library is registered exactly when the model imports dev.asnet");
            assertEquals(ExecutionProvider.CPU, model.executionProvider());
            assertEquals("input", model.input().name());
            assertEquals("[N, 1, 28, 28]", model.input().shapeText());
            FloatTensor y = model.run(FloatTensor.of(x, 3, 1, 28, 28));
            assertArrayEquals(new long[] {3, 10}, y.shape());
            // With the NCHWc rewrite (custom lowering at ALL) the shifts run on the blocked layout:
            // the same arithmetic in another order, so equal to float rounding.
            float[] direct = DIRECT.run(bytes, "input", x, 3, 1, 28, 28).get(0).data();
            assertTrue(TestArrays.maxAbsDiff(direct, y.data()) <= 1e-5 * Math.max(1, TestArrays.maxAbs(direct)),
                    "differs by " + TestArrays.maxAbsDiff(direct, y.data()));
        }
        // Without the rewrite AsnetModel runs exactly what ONNX Runtime runs.
        try (AsnetModel model = AsnetModel.open(bytes, RuntimeOptions.builder().optNchwcRewrite(false).build())) {
            assertArrayEquals(DIRECT.run(bytes, "input", x, 3, 1, 28, 28).get(0).data(),
                    model.run(FloatTensor.of(x, 3, 1, 28, 28)).data(), 0f);
        }
    }

    @Test
    void theThreeLoweringsComputeTheSameNetwork() throws Exception {
        float[] x = TestModels.random(2, 2 * IMAGE);
        float[] ref = null;
        for (AslLowering l : AslLowering.values()) {
            try (AsnetModel model = AsnetModel.open(TestModels.fashion(TestModels.AS_RESNET, l), RuntimeOptions.defaults())) {
                float[] y = model.run(FloatTensor.of(x, 2, 1, 28, 28)).data();
                if (ref == null) {
                    ref = y;
                } else {
                    assertTrue(TestArrays.maxAbsDiff(ref, y) < 1e-3, l + " differs by " + TestArrays.maxAbsDiff(ref, y));
                }
            }
        }
    }

    @Test
    void baselineNeedsNoOpLibrary() throws Exception {
        byte[] bytes = TestModels.fashion(TestModels.DW_RESNET, AslLowering.CUSTOM);
        try (AsnetModel model = AsnetModel.open(bytes, RuntimeOptions.defaults())) {
            assertFalse(model.usesAsnetOps());
            float[] x = TestModels.random(3, IMAGE);
            assertArrayEquals(DIRECT.run(bytes, "input", x, 1, 1, 28, 28).get(0).data(), model.run(FloatTensor.of(x, 1, 1, 28, 28)).data(), 0f);
        }
    }

    @Test
    void runBatchAndNamedRunAgreeWithRun() throws Exception {
        try (AsnetModel model = AsnetModel.open(TestModels.fashion(TestModels.AS_RESNET, AslLowering.CUSTOM),
                RuntimeOptions.defaults())) {
            List<float[]> samples = new ArrayList<>();
            float[] stacked = new float[5 * IMAGE];
            for (int i = 0; i < 5; i++) {
                float[] s = TestModels.random(10 + i, IMAGE);
                samples.add(s);
                System.arraycopy(s, 0, stacked, i * IMAGE, IMAGE);
            }
            FloatTensor all = model.run(FloatTensor.of(stacked, 5, 1, 28, 28));
            List<float[]> perSample = model.runBatch(samples);
            assertEquals(5, perSample.size());
            for (int i = 0; i < 5; i++) {
                assertArrayEquals(all.item(i), perSample.get(i), 0f);
            }
            Map<String, FloatTensor> named = model.run(Map.of("input", FloatTensor.of(stacked, 5, 1, 28, 28)));
            assertArrayEquals(all.data(), named.get("logits").data(), 0f);
            assertEquals(List.of(), model.runBatch(List.of()));
            // A batch of one after a batch of five reuses the buffers with a smaller size.
            assertArrayEquals(all.item(2), model.run(FloatTensor.of(samples.get(2), 1, 1, 28, 28)).data(), 1e-6f);
        }
    }

    @Test
    void openFromPathEqualsOpenFromBytes() throws Exception {
        byte[] bytes = TestModels.fashion(TestModels.AS_RESNET, AslLowering.DEPTHWISE);
        Path file = Files.write(dir.resolve("m.onnx"), bytes);
        float[] x = TestModels.random(4, IMAGE);
        try (AsnetModel a = AsnetModel.open(file); AsnetModel b = AsnetModel.open(bytes, RuntimeOptions.defaults())) {
            assertEquals(file.toString(), a.description().source());
            assertArrayEquals(a.run(FloatTensor.of(x, 1, 1, 28, 28)).data(), b.run(FloatTensor.of(x, 1, 1, 28, 28)).data(), 0f);
        }
    }

    @Test
    void everyOptionProducesTheSameResults() throws Exception {
        byte[] bytes = TestModels.fashion(TestModels.AS_RESNET, AslLowering.CUSTOM);
        float[] x = TestModels.random(5, 4 * IMAGE);
        float[] ref;
        try (AsnetModel m = AsnetModel.open(bytes, RuntimeOptions.defaults())) {
            ref = m.run(FloatTensor.of(x, 4, 1, 28, 28)).data();
        }
        for (OptimizationLevel level : OptimizationLevel.values()) {
            for (int threads : new int[] {1, 2}) {
                RuntimeOptions o = RuntimeOptions.builder().optOptimizationLevel(level).optIntraOpThreads(threads).build();
                try (AsnetModel m = AsnetModel.open(bytes, o)) {
                    assertEquals(o, m.options());
                    float[] y = m.run(FloatTensor.of(x, 4, 1, 28, 28)).data();
                    assertTrue(TestArrays.maxAbsDiff(ref, y) < 1e-4, o + " differs by " + TestArrays.maxAbsDiff(ref, y));
                }
            }
        }
    }

    @Test
    void cudaWithoutTheGpuBuildFailsClearlyOrFallsBack() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(
                OrtEnvironment.getAvailableProviders().contains(ai.onnxruntime.OrtProvider.CUDA),
                "this test is about the CPU build of ONNX Runtime");
        byte[] bytes = TestModels.fashion(TestModels.AS_RESNET, AslLowering.CUSTOM);
        RuntimeOptions strict = RuntimeOptions.builder().optExecutionProvider(ExecutionProvider.CUDA).build();
        ProviderUnavailableException e = assertThrows(ProviderUnavailableException.class,
                () -> AsnetModel.open(bytes, strict));
        assertEquals(ExecutionProvider.CUDA, e.provider());
        assertTrue(e.getMessage().contains("no CUDA execution provider"), e.getMessage());
        assertTrue(e.getMessage().contains("-Pgpu"), e.getMessage());
        RuntimeOptions lenient = RuntimeOptions.builder().optExecutionProvider(ExecutionProvider.CUDA)
                .optFallbackToCpu(true).build();
        try (AsnetModel m = AsnetModel.open(bytes, lenient)) {
            assertEquals(ExecutionProvider.CPU, m.executionProvider());
            assertEquals(ExecutionProvider.CUDA, m.options().executionProvider());
            assertArrayEquals(new long[] {1, 10}, m.run(FloatTensor.of(new float[IMAGE], 1, 1, 28, 28)).shape());
        }
    }

    @Test
    void optionsAreValidatedInBuild() {
        assertThrows(IllegalArgumentException.class, () -> RuntimeOptions.builder().optIntraOpThreads(-1).build());
        assertThrows(IllegalArgumentException.class, () -> RuntimeOptions.builder().optCudaDevice(-1).build());
        assertThrows(NullPointerException.class, () -> RuntimeOptions.builder().optOptimizationLevel(null).build());
        assertEquals(OptimizationLevel.ALL, RuntimeOptions.defaults().optimizationLevel());
        assertEquals(ExecutionProvider.CPU, RuntimeOptions.defaults().executionProvider());
        assertEquals(OptimizationLevel.BASIC, OptimizationLevel.parse("Basic"));
        assertEquals(ExecutionProvider.CUDA, ExecutionProvider.parse("cuda"));
        assertThrows(IllegalArgumentException.class, () -> ExecutionProvider.parse("tpu"));
    }

    @Test
    void sessionConfigEntriesAreValidatedKeptAndApplied() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> RuntimeOptions.builder().optSessionConfigEntry("", "1").build());
        assertThrows(IllegalArgumentException.class, () -> RuntimeOptions.builder().optSessionConfigEntry(" ", "1").build());
        assertThrows(NullPointerException.class, () -> RuntimeOptions.builder().optSessionConfigEntry("k", null));
        RuntimeOptions options = RuntimeOptions.builder()
                .optSessionConfigEntry("session.disable_prepacking", "0")
                .optSessionConfigEntry("session.disable_prepacking", "1")   // set again: replaces
                .optSessionConfigEntry("session.intra_op.allow_spinning", "0")
                .build();
        assertEquals(Map.of("session.disable_prepacking", "1", "session.intra_op.allow_spinning", "0"),
                options.sessionConfigEntries());
        assertEquals(options.sessionConfigEntries(), options.toBuilder().build().sessionConfigEntries());
        assertTrue(options.toString().contains("config={session.disable_prepacking=1"), options.toString());
        byte[] bytes = TestModels.fashion(TestModels.AS_RESNET, AslLowering.PORTABLE);
        float[] x = TestModels.random(3, IMAGE);
        try (AsnetModel plain = AsnetModel.open(bytes, RuntimeOptions.defaults());
                AsnetModel configured = AsnetModel.open(bytes, options)) {
            assertArrayEquals(plain.runBatch(List.of(x)).get(0), configured.runBatch(List.of(x)).get(0), 1e-5f);
        }
        // The entries reach ONNX Runtime: told to read the ORT format, it cannot load an ONNX model.
        RuntimeOptions ortFormat = RuntimeOptions.builder().optSessionConfigEntry("session.load_model_format", "ORT")
                .build();
        Exception e = assertThrows(Exception.class, () -> AsnetModel.open(bytes, ortFormat).close());
        assertTrue(e instanceof ai.onnxruntime.OrtException || e instanceof InvalidModelException, e.toString());
    }

    @Test
    void theSessionIsReachableUntilClose() throws Exception {
        AsnetModel model = AsnetModel.open(TestModels.fashion(TestModels.AS_RESNET, AslLowering.PORTABLE),
                RuntimeOptions.defaults());
        try {
            ai.onnxruntime.OrtSession session = model.session();
            assertEquals(List.of(model.input().name()), List.copyOf(session.getInputNames()));
            assertTrue(session.getOutputNames().contains(model.output().name()));
            // A run on the session itself computes what run() does.
            float[] x = TestModels.random(4, IMAGE);
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            try (ai.onnxruntime.OnnxTensor t = ai.onnxruntime.OnnxTensor.createTensor(env,
                    java.nio.FloatBuffer.wrap(x), new long[] {1, 1, 28, 28});
                    ai.onnxruntime.OrtSession.Result r = session.run(Map.of(model.input().name(), t))) {
                float[][] direct = (float[][]) r.get(0).getValue();
                assertArrayEquals(model.runBatch(List.of(x)).get(0), direct[0], 1e-6f);
            }
        } finally {
            model.close();
        }
        assertThrows(IllegalStateException.class, model::session);
    }

    @Test
    void wrongInputSizeIsRejectedBeforeOnnxRuntime() throws Exception {
        try (AsnetModel m = AsnetModel.open(TestModels.fashion(TestModels.AS_RESNET, AslLowering.PORTABLE),
                RuntimeOptions.defaults())) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> m.run(FloatTensor.of(new float[3 * 32 * 32], 1, 3, 32, 32)));
            assertTrue(e.getMessage().contains("wrong input size: the model's input 'input' is [N, 1, 28, 28] "
                    + "but the data is [1, 3, 32, 32]"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> m.runBatch(List.of(new float[10])));
            assertThrows(IllegalArgumentException.class, () -> m.run(Map.of("x", FloatTensor.of(new float[1], 1))));
            assertThrows(IllegalArgumentException.class, () -> FloatTensor.of(new float[5], 2, 3));
        }
    }

    @Test
    void closedModelRefusesToRun() throws Exception {
        AsnetModel m = AsnetModel.open(TestModels.fashion(TestModels.AS_RESNET, AslLowering.CUSTOM), RuntimeOptions.defaults());
        m.close();
        m.close();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> m.run(FloatTensor.of(new float[IMAGE], 1, 1, 28, 28)));
        assertTrue(e.getMessage().contains("is closed"));
    }

    @Test
    void filesThatAreNotModels() throws Exception {
        assertThrows(NoSuchFileException.class, () -> AsnetModel.open(dir.resolve("absent.onnx")));
        InvalidModelException e = assertThrows(InvalidModelException.class, () -> AsnetModel.open(dir));
        assertTrue(e.getMessage().contains("is a directory"), e.getMessage());
        Path text = Files.writeString(dir.resolve("notes.onnx"), "this is not a model\n");
        e = assertThrows(InvalidModelException.class, () -> AsnetModel.open(text));
        assertTrue(e.getMessage().contains("not an ONNX model"), e.getMessage());
        Path empty = Files.write(dir.resolve("empty.onnx"), new byte[0]);
        e = assertThrows(InvalidModelException.class, () -> AsnetModel.open(empty));
        assertTrue(e.getMessage().contains("not an ONNX model (empty file)"), e.getMessage());
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
        e = assertThrows(InvalidModelException.class, () -> AsnetModel.open(png, RuntimeOptions.defaults()));
        assertTrue(e.getMessage().contains("not an ONNX model"), e.getMessage());
    }

    @Test
    void foreignCustomDomainIsNamed() throws Exception {
        byte[] bytes = TestModels.withForeignDomain(TestModels.fashion(TestModels.AS_RESNET, AslLowering.PORTABLE),
                "com.example.vendor");
        InvalidModelException e = assertThrows(InvalidModelException.class,
                () -> AsnetModel.open(bytes, RuntimeOptions.defaults()));
        assertTrue(e.getMessage().contains("ONNX Runtime cannot load the model (it uses ops from com.example.vendor"),
                e.getMessage());
    }

    @Test
    void missingOpLibraryIsReported() throws Exception {
        byte[] custom = TestModels.fashion(TestModels.AS_RESNET, AslLowering.CUSTOM);
        byte[] portable = TestModels.fashion(TestModels.AS_RESNET, AslLowering.PORTABLE);
        String old = System.getProperty(AsnetOps.LIBRARY_PROPERTY);
        System.setProperty(AsnetOps.LIBRARY_PROPERTY, dir.resolve("missing/libasnet_ops.so").toString());
        try {
            OpLibraryException e = assertThrows(OpLibraryException.class,
                    () -> AsnetModel.open(custom, RuntimeOptions.defaults()));
            assertTrue(e.getMessage().contains("uses the dev.asnet ops but the asnet op library cannot be loaded"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("--lowering portable or depthwise"), e.getMessage());
            // The portable lowering never touches the library.
            try (AsnetModel m = AsnetModel.open(portable, RuntimeOptions.defaults())) {
                assertNotNull(m.run(FloatTensor.of(new float[IMAGE], 1, 1, 28, 28)));
            }
        } finally {
            if (old == null) {
                System.clearProperty(AsnetOps.LIBRARY_PROPERTY);
            } else {
                System.setProperty(AsnetOps.LIBRARY_PROPERTY, old);
            }
        }
    }
}
