package dev.asnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.asnet.ops.AsnetOps;
import dev.asnet.ops.OrtEnvironments;
import dev.asnet.runtime.dataset.FashionMnist;
import dev.asnet.runtime.dataset.LabeledImages;
import java.awt.image.BufferedImage;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The packaged jar as a user runs it: export, inspect, predict and eval on 200 Fashion-MNIST test
 * images, in every lowering and for a baseline; every number it prints is checked against a direct
 * ONNX Runtime run of the exported file.
 */
class EndToEndIT {
    private static final int N = 200;
    private static final int IMAGES = 4;
    private static final Pattern PREDICTION = Pattern.compile("^\\s+(\\d+)\\. (.+?)\\s+(\\d+)\\s+([0-9.]+)$");
    private static final Pattern ACCURACY = Pattern.compile("accuracy\\s+([0-9.]+) \\((\\d+)/(\\d+)\\)");

    @TempDir
    static Path work;

    static LabeledImages data;
    static List<Path> pngs = new ArrayList<>();

    @BeforeAll
    static void images() throws Exception {
        assumeTrue(Files.isDirectory(FashionMnist.DEFAULT_DIR), "dataset-fashion-mnist not installed");
        data = FashionMnist.test().limit(N);
        for (int i = 0; i < IMAGES; i++) {
            BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
            for (int p = 0; p < 784; p++) {
                img.getRaster().setSample(p % 28, p / 28, 0, Byte.toUnsignedInt(data.images().pixels()[i * 784 + p]));
            }
            Path f = work.resolve("test" + i + ".png");
            ImageIO.write(img, "png", f.toFile());
            pngs.add(f);
        }
    }

    /** Logits of the first {@code n} dataset images from a plain ONNX Runtime session, Fashion-MNIST normalization. */
    static float[] directLogits(Path model, int n) throws Exception {
        float[] x = new float[n * 784];
        for (int i = 0; i < x.length; i++) {
            x[i] = (Byte.toUnsignedInt(data.images().pixels()[i]) / 255f - 0.2860f) / 0.3530f;
        }
        OrtEnvironment env = OrtEnvironments.get();
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            AsnetOps.register(so);
            try (OrtSession s = env.createSession(model.toString(), so);
                    OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {n, 1, 28, 28});
                    OrtSession.Result r = s.run(Map.of("input", t))) {
                FloatBuffer fb = ((OnnxTensor) r.get(0)).getFloatBuffer();
                float[] out = new float[fb.remaining()];
                fb.get(out);
                return out;
            }
        }
    }

    static int argmax(float[] v, int off) {
        int best = 0;
        for (int i = 1; i < 10; i++) {
            if (v[off + i] > v[off + best]) {
                best = i;
            }
        }
        return best;
    }

    static double[] softmax(float[] v, int off) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < 10; i++) {
            max = Math.max(max, v[off + i]);
        }
        double[] p = new double[10];
        double sum = 0;
        for (int i = 0; i < 10; i++) {
            p[i] = Math.exp(v[off + i] - max);
            sum += p[i];
        }
        for (int i = 0; i < 10; i++) {
            p[i] /= sum;
        }
        return p;
    }

    private static Jar.Proc ok(String... args) throws Exception {
        Jar.Proc p = Jar.asnet(work, args);
        assertEquals(0, p.exitCode(), String.join(" ", args) + "\n" + p);
        return p;
    }

    @ParameterizedTest
    @ValueSource(strings = {"custom", "portable", "depthwise"})
    void exportInspectPredictEval(String lowering) throws Exception {
        Path model = work.resolve("as-resnet20-" + lowering + ".onnx");
        Jar.Proc export = ok("export", "as-resnet20-16x1", "--lowering", lowering, "--input", "1x28x28",
                "--classes", "10", "-o", model.toString());
        assertTrue(export.out().startsWith("wrote " + model), export.out());
        assertTrue(Files.size(model) > 10_000);

        Jar.Proc inspect = ok("inspect", model.toString());
        assertTrue(inspect.out().contains("architecture    as-resnet20-16x1"), inspect.out());
        assertTrue(inspect.out().contains("input           input: float[N, 1, 28, 28]"), inspect.out());
        assertTrue(inspect.out().contains("output          logits: float[N, 10]"), inspect.out());
        assertTrue(inspect.out().contains("lowering        " + lowering), inspect.out());
        assertEquals(lowering.equals("custom"), inspect.out().contains("dev.asnet:ActiveShift x"), inspect.out());
        assertTrue(inspect.out().contains(lowering.equals("custom") ? "custom domains  dev.asnet"
                : "custom domains  none"), inspect.out());
        assertTrue(inspect.out().contains("asnet.class_labels   T-shirt/top | Trouser"), inspect.out());

        float[] logits = directLogits(model, N);
        checkPredict(model, logits);
        checkEval(model, logits);
    }

    @Test
    void baselineWithVariedPredictions() throws Exception {
        Path model = work.resolve("mobilenetv2.onnx");
        ok("export", "mobilenetv2-cifar", "--input", "1x28x28", "--classes", "10", "-o", model.toString());
        Jar.Proc inspect = ok("inspect", model.toString());
        assertTrue(inspect.out().contains("lowering        none"), inspect.out());
        float[] logits = directLogits(model, N);
        checkPredict(model, logits);
        String out = checkEval(model, logits);
        // Per-class accuracies as printed equal those of the direct run.
        int[] total = new int[10];
        int[] hit = new int[10];
        for (int i = 0; i < N; i++) {
            total[data.label(i)]++;
            hit[data.label(i)] += argmax(logits, i * 10) == data.label(i) ? 1 : 0;
        }
        for (int c = 0; c < 10; c++) {
            String line = String.format(Locale.ROOT, "  %d %-12s %.4f (%d images)", c, FashionMnist.LABELS.get(c),
                    total[c] == 0 ? 0 : (double) hit[c] / total[c], total[c]);
            assertTrue(out.contains(line), "missing '" + line + "' in\n" + out);
        }
    }

    /** predict --top 10 prints, per image, all ten classes in the order and with the probabilities of the direct run. */
    private static void checkPredict(Path model, float[] logits) throws Exception {
        List<String> args = new ArrayList<>(List.of("predict", model.toString()));
        pngs.forEach(p -> args.add(p.toString()));
        args.addAll(List.of("--top", "10"));
        Jar.Proc predict = ok(args.toArray(String[]::new));
        String[] lines = predict.out().split("\\R");
        assertEquals(IMAGES * 11, lines.length, predict.out());
        for (int i = 0; i < IMAGES; i++) {
            assertEquals(pngs.get(i).toString(), lines[i * 11]);
            double[] p = softmax(logits, i * 10);
            double last = 2;
            for (int r = 0; r < 10; r++) {
                Matcher m = PREDICTION.matcher(lines[i * 11 + 1 + r]);
                assertTrue(m.matches(), lines[i * 11 + 1 + r]);
                assertEquals(r + 1, Integer.parseInt(m.group(1)));
                int cls = Integer.parseInt(m.group(3));
                assertEquals(FashionMnist.LABELS.get(cls), m.group(2));
                assertEquals(p[cls], Double.parseDouble(m.group(4)), 1e-4, "image " + i + " class " + cls);
                assertTrue(p[cls] <= last + 1e-7, "classes are printed most probable first");
                last = p[cls];
            }
        }
    }

    /** eval --limit 200 reports the accuracy of the direct run's argmax. */
    private static String checkEval(Path model, float[] logits) throws Exception {
        Jar.Proc eval = ok("eval", model.toString(), "--limit", Integer.toString(N), "--batch-size", "48");
        Matcher m = ACCURACY.matcher(eval.out());
        assertTrue(m.find(), eval.out());
        int correct = 0;
        for (int i = 0; i < N; i++) {
            correct += argmax(logits, i * 10) == data.label(i) ? 1 : 0;
        }
        assertEquals(correct, Integer.parseInt(m.group(2)), eval.out());
        assertEquals(N, Integer.parseInt(m.group(3)));
        assertEquals(String.format(Locale.ROOT, "%.4f", correct / (double) N), m.group(1));
        assertTrue(eval.out().contains("images/s"), eval.out());
        return eval.out();
    }

    /** Help, version-less listing and inspect stay fast: they never load ONNX Runtime's native library. */
    @Test
    void helpAndInspectDoNotStartOnnxRuntime() throws Exception {
        Path model = work.resolve("plain.onnx");
        ok("export", "as-resnet20-16x1", "--input", "1x28x28", "--classes", "10", "-o", model.toString());
        for (List<String> args : List.of(List.of("--help"), List.of("export", "--help"), List.of("inspect", model.toString()))) {
            List<String> cmd = new ArrayList<>(List.of(Jar.javaBin(), "-verbose:class", "-jar", Jar.JAR.toString()));
            cmd.addAll(args);
            Jar.Proc p = Jar.run(work, Map.of(), cmd);
            assertEquals(0, p.exitCode(), p.toString());
            assertTrue(p.out().contains("[class,load]"), "class loading is logged");
            assertTrue(!p.out().contains("ai.onnxruntime.OnnxRuntime ") && !p.out().contains("ai.onnxruntime.OrtEnvironment "),
                    args + " loaded ONNX Runtime");
        }
    }

    @Test
    void errorsAreOneLineWithTheirExitCodes() throws Exception {
        Jar.Proc p = Jar.asnet(work, "inspect", work.resolve("none.onnx").toString());
        assertEquals(ExitCodes.FILE_PROBLEM, p.exitCode());
        assertEquals("asnet: error: " + work.resolve("none.onnx") + ": model file not found", p.err().strip());
        p = Jar.asnet(work, "export", "as-resnet20-16x1", "--input", "28x28", "-o", "x.onnx");
        assertEquals(ExitCodes.USAGE, p.exitCode());
        assertEquals(1, p.err().strip().split("\\R").length, p.err());
        assertEquals("", p.out());
    }

    @Test
    void cudaFallbackWarnsOnOneLine() throws Exception {
        Path model = work.resolve("fallback.onnx");
        ok("export", "as-resnet20-16x1", "--input", "1x28x28", "--classes", "10", "-o", model.toString());
        Jar.Proc p = Jar.asnet(work, "predict", model.toString(), pngs.get(0).toString(), "--device", "cuda",
                "--fallback-to-cpu", "--top", "1");
        assertEquals(0, p.exitCode(), p.toString());
        assertTrue(p.err().startsWith("asnet: WARNING: CUDA was requested"), p.err());
        assertEquals(1, p.err().strip().split("\\R").length, p.err());
        Jar.Proc strict = Jar.asnet(work, "predict", model.toString(), pngs.get(0).toString(), "--device", "cuda");
        assertEquals(ExitCodes.NATIVE_UNAVAILABLE, strict.exitCode(), strict.toString());
    }

    @Test
    void missingOpLibraryExitsWith5() throws Exception {
        Path model = work.resolve("oplib.onnx");
        ok("export", "as-resnet20-16x1", "--input", "1x28x28", "--classes", "10", "-o", model.toString());
        Jar.Proc p = Jar.run(work, Map.of(AsnetOps.LIBRARY_ENV, work.resolve("nowhere/libasnet_ops.so").toString()),
                List.of(Jar.javaBin(), "-jar", Jar.JAR.toString(), "predict", model.toString(), pngs.get(0).toString()));
        assertEquals(ExitCodes.NATIVE_UNAVAILABLE, p.exitCode(), p.toString());
        assertTrue(p.err().contains("asnet op library cannot be loaded"), p.err());
    }
}
