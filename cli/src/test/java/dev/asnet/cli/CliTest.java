package dev.asnet.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.asnet.exporter.ModelInfo;
import dev.asnet.exporter.onnx.Onnx.ModelProto;
import dev.asnet.exporter.onnx.Onnx.TensorProto;
import dev.asnet.ops.AsnetOps;
import dev.asnet.runtime.dataset.FashionMnist;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every command's help, and every bad input producing its one-line message and exit code. */
class CliTest {
    @TempDir
    static Path shared;

    @TempDir
    Path dir;

    /** A small Fashion-MNIST model in the custom lowering. */
    static Path model;
    /** A grayscale 28x28 PNG. */
    static Path image;

    @BeforeAll
    static void exportModel() throws Exception {
        model = shared.resolve("m.onnx");
        CliRunner.Result r = CliRunner.run("export", "as-resnet20-16x1", "--input", "1x28x28", "--classes", "10",
                "-o", model.toString());
        assertEquals(0, r.exitCode(), r.toString());
        image = shared.resolve("img.png");
        ImageIO.write(new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY), "png", image.toFile());
    }

    /** Asserts the exit code and that stderr is exactly one line containing the message. */
    private static CliRunner.Result fails(int code, String message, String... args) {
        CliRunner.Result r = CliRunner.run(args);
        assertEquals(code, r.exitCode(), r.toString());
        String[] lines = r.errLines();
        assertTrue(lines.length >= 1 && lines[0].startsWith("asnet: error: "), r.toString());
        assertTrue(lines[0].contains(message), "expected '" + message + "' in: " + lines[0]);
        assertEquals(1, lines.length, "one line, no stack trace:\n" + r.err());
        return r;
    }

    /** The top command and every registered subcommand, including those other modules add. */
    static java.util.stream.Stream<String> commands() {
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(""),
                new picocli.CommandLine(new AsnetCommand()).getSubcommands().keySet().stream()
                        .filter(c -> !c.equals("help")));
    }

    @ParameterizedTest
    @MethodSource("commands")
    void everyCommandHasHelpWithExitCodes(String command) {
        CliRunner.Result r = command.isEmpty() ? CliRunner.run("--help") : CliRunner.run(command, "--help");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().startsWith("Usage: asnet" + (command.isEmpty() ? "" : " " + command)), r.out());
        assertTrue(r.out().contains("Exit codes:"), r.out());
        assertTrue(r.out().contains("5   asnet op library or execution provider (CUDA) unavailable"), r.out());
        assertTrue(r.out().contains("--verbose"), r.out());
    }

    @ParameterizedTest
    @MethodSource("commands")
    void everyCommandShowsAnExample(String command) {
        if (!command.isEmpty()) {
            assertTrue(CliRunner.run(command, "--help").out().contains("Example"), command);
        }
    }

    @Test
    void quantizeWritesAQdqModelThatEvalPredictAndInspectHandle() throws Exception {
        Path q = dir.resolve("q.onnx");
        CliRunner.Result r = CliRunner.run("quantize", model.toString(), "-o", q.toString(), "--calibration", "synthetic",
                "--images", "4", "--seed", "7", "--threads", "1");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("weighted layers int8"), r.out());
        // The pre-activation BatchNormalizations: one uint8 op each (the model needs the library anyway).
        assertTrue(r.out().contains("BatchNormalization as ChannelAffineU8"), r.out());
        assertTrue(r.out().contains("stem conv float"), "the stem stays float by default: " + r.out());
        assertTrue(CliRunner.run("inspect", q.toString()).out().contains("dev.asnet:ChannelAffineU8 x"));
        Path qs = dir.resolve("qs.onnx");
        r = CliRunner.run("quantize", model.toString(), "-o", qs.toString(), "--calibration", "synthetic", "--images", "4",
                "--stem", "int8", "--threads", "1");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(!r.out().contains("stem conv float"), r.out());
        fails(ExitCodes.USAGE, "--stem: expected float or int8, got 'fp16'", "quantize", model.toString(), "-o",
                qs.toString(), "--stem", "fp16");
        Path qc = dir.resolve("qc.onnx");
        r = CliRunner.run("quantize", model.toString(), "-o", qc.toString(), "--calibration", "synthetic", "--images", "4",
                "--batch-norm", "conv", "--threads", "1");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("BatchNormalization as depthwise conv") && !r.out().contains("ChannelAffineU8"), r.out());
        fails(ExitCodes.USAGE, "unknown BatchNormalization form 'fp16'", "quantize", model.toString(), "-o",
                qc.toString(), "--batch-norm", "fp16");
        r = CliRunner.run("inspect", q.toString());
        assertTrue(r.out().contains("int8 QDQ") && r.out().contains("4 images of synthetic"), r.out());
        assertTrue(r.out().contains("; stem float (conv0)"), r.out());
        assertTrue(!CliRunner.run("inspect", qs.toString()).out().contains("; stem "));
        assertEquals(0, CliRunner.run("predict", q.toString(), image.toString()).exitCode());
        fails(ExitCodes.USAGE, "is already quantized", "quantize", q.toString(), "-o", dir.resolve("q2.onnx").toString(),
                "--calibration", "synthetic");
        Path empty = Files.createDirectory(dir.resolve("empty"));
        fails(ExitCodes.FILE_PROBLEM, "no calibration data", "quantize", model.toString(), "-o", q.toString(),
                "--calibration", "img:" + empty);
        fails(ExitCodes.USAGE, "unknown calibration method 'best'", "quantize", model.toString(), "-o", q.toString(),
                "--method", "best");
        fails(ExitCodes.USAGE, "--images must be >= 1", "quantize", model.toString(), "-o", q.toString(), "--images", "0");
        fails(ExitCodes.USAGE, "unknown Active Shift form 'int4'", "quantize", model.toString(), "-o", q.toString(),
                "--asl", "int4");
        // Both Active Shift forms; the default is the uint8 op.
        Path qf = dir.resolve("qf.onnx");
        r = CliRunner.run("quantize", model.toString(), "-o", qf.toString(), "--calibration", "synthetic", "--images", "4",
                "--asl", "float", "--threads", "1");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("Active Shift layers in float"), r.out());
        assertTrue(CliRunner.run("inspect", qf.toString()).out().contains("dev.asnet:ActiveShift x"));
        assertTrue(CliRunner.run("inspect", q.toString()).out().contains("dev.asnet:ActiveShiftU8 x"));
        // The portable form: standard ops only.
        Path qd = dir.resolve("qd.onnx");
        r = CliRunner.run("quantize", model.toString(), "-o", qd.toString(), "--calibration", "synthetic", "--images", "4",
                "--asl", "depthwise", "--threads", "1");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("as int8 depthwise convs") && r.out().contains("standard ONNX ops only"), r.out());
        String inspected = CliRunner.run("inspect", qd.toString()).out();
        assertTrue(!inspected.contains("dev.asnet:") && inspected.contains("Active Shift in depthwise"), inspected);
        assertEquals(0, CliRunner.run("predict", qd.toString(), image.toString()).exitCode());
        Path wide = dir.resolve("wide.onnx");
        assertEquals(0, CliRunner.run("export", "as-resnet20-16x1", "--input", "1x32x32", "--classes", "10", "-o",
                wide.toString()).exitCode());
        if (Files.isDirectory(FashionMnist.DEFAULT_DIR)) {
            fails(ExitCodes.INPUT_MISMATCH, "wrong calibration image size", "quantize", wide.toString(), "-o",
                    q.toString(), "--images", "10");
        }
        assertTrue(CliRunner.run("quantize", "--help").out().contains("asnet quantize"));
    }

    @Test
    void helpCommandAndVersion() {
        CliRunner.Result r = CliRunner.run("help", "eval");
        assertEquals(0, r.exitCode());
        assertTrue(r.out().contains("--limit"), r.out());
        r = CliRunner.run("--version");
        assertEquals(0, r.exitCode());
        assertTrue(r.out().contains("ONNX Runtime 1.29.0"), r.out());
    }

    @Test
    void usageErrors() {
        fails(ExitCodes.USAGE, "missing command", new String[0]);
        fails(ExitCodes.USAGE, "Unmatched argument", "frobnicate");
        fails(ExitCodes.USAGE, "Unknown option: '--bogus'", "inspect", "--bogus", model.toString());
        fails(ExitCodes.USAGE, "unknown model 'resnet-9000'; run 'asnet models'", "export", "resnet-9000", "-o", "x.onnx");
        fails(ExitCodes.USAGE, "'1x28' is not CxHxW", "export", "as-resnet20-16x1", "--input", "1x28", "-o", "x.onnx");
        fails(ExitCodes.USAGE, "1 (grayscale) or 3 (RGB) channels", "export", "as-resnet20-16x1", "--input", "2x28x28",
                "-o", "x.onnx");
        fails(ExitCodes.USAGE, "unknown ASL lowering 'fast'", "export", "as-resnet20-16x1", "--lowering", "fast",
                "-o", "x.onnx");
        fails(ExitCodes.USAGE, "the class count must be in [1, 1000000], got 0", "export", "as-resnet20-16x1", "--classes", "0", "-o", "x.onnx");
        fails(ExitCodes.USAGE, "Missing required option: '--output=FILE'", "export", "as-resnet20-16x1");
        fails(ExitCodes.USAGE, "portable ASL lowering uses GridSample and needs opset >= 16", "export",
                "as-resnet20-16x1", "--lowering", "portable", "--opset", "13", "-o", "x.onnx");
        fails(ExitCodes.USAGE, "unknown dataset 'mnist'", "export", "as-resnet20-16x1", "--dataset", "mnist", "-o", "x.onnx");
        fails(ExitCodes.USAGE, "--threads must be >= 0", "predict", model.toString(), image.toString(),
                "--threads", "-1");
        fails(ExitCodes.USAGE, "unknown optimization level 'max'", "predict", model.toString(), image.toString(),
                "--optimization", "max");
        fails(ExitCodes.USAGE, "unknown device 'tpu': use cpu, cuda or cuda:N", "predict", model.toString(), image.toString(),
                "--device", "tpu");
        fails(ExitCodes.USAGE, "--top must be >= 1", "predict", model.toString(), image.toString(), "--top", "0");
        fails(ExitCodes.USAGE, "Missing required parameter: 'IMAGE'", "predict", model.toString());
        fails(ExitCodes.USAGE, "--limit must be >= 1", "eval", model.toString(), "--limit", "0");
        fails(ExitCodes.USAGE, "unknown split 'dev'", "eval", model.toString(), "--split", "dev");
        fails(ExitCodes.USAGE, "unknown model 'nope'", "models", "nope");
        // Found by trying bad values: each a usage error naming the value, none "internal error".
        fails(ExitCodes.USAGE, "the class count must be in [1, 1000000], got 2147483647", "export", "as-resnet20-16x1",
                "--classes", "2147483647", "-o", "x.onnx");
        fails(ExitCodes.USAGE, "--threads 100000 is more than", "predict", model.toString(), image.toString(),
                "--threads", "100000");
        fails(ExitCodes.USAGE, "--rounds must be >= 1, got 0", "bench", "--rounds", "0");
        fails(ExitCodes.USAGE, "--warmup-ms must be >= 0, got -1", "bench", "--warmup-ms", "-1");
        fails(ExitCodes.USAGE, "--threads 100000 is more than", "bench", "--threads", "1,100000");
        fails(ExitCodes.USAGE, "--threads must be >= 1, got 0", "bench", "--threads", "0");
        fails(ExitCodes.USAGE, "unknown optimization level 'FOO'", "bench", "--levels", "FOO");
        fails(ExitCodes.USAGE, "unknown suite 'nope'", "bench", "--suite", "nope");
        fails(ExitCodes.USAGE, "unknown ASL lowering 'fast'", "bench", "--lowerings", "custom,fast");
        fails(ExitCodes.USAGE, "crop padding must be >= 0, got -3", "train", "as-resnet20-16x1", "--pad", "-3",
                "--out", dir.resolve("t1").toString());
        fails(ExitCodes.USAGE, "threads 100000 is more than", "train", "as-resnet20-16x1", "--threads", "100000",
                "--out", dir.resolve("t2").toString());
        fails(ExitCodes.USAGE, "momentum must be in [0, 1)", "train", "as-resnet20-16x1", "--momentum", "1",
                "--out", dir.resolve("t3").toString());
        fails(ExitCodes.USAGE, "learning rate must be a finite number > 0", "train", "as-resnet20-16x1", "--lr",
                "Infinity", "--out", dir.resolve("t4").toString());
        for (String t : new String[] {"t1", "t2", "t3", "t4"}) {
            assertFalse(Files.exists(dir.resolve(t)), "a refused training leaves no folder: " + t);
        }
    }

    @Test
    void trainingRefusesWhatWouldLoseOrMixRuns() throws Exception {
        assumeTrue(Files.isDirectory(FashionMnist.DEFAULT_DIR), "dataset-fashion-mnist not installed");
        String[] base = {"train", "as-resnet20-16x1", "--epochs", "1", "--limit", "64", "--test-limit", "20",
            "--threads", "1", "--no-progress", "--out", dir.resolve("run").toString()};
        String[] run = concat(base, "--batch", "32");
        fails(ExitCodes.USAGE, "batch 100000 is larger than the 64 training images", concat(base, "--batch", "100000"));
        assertFalse(Files.exists(dir.resolve("run")), "refused before creating --out");
        assertEquals(0, CliRunner.run(run).exitCode());
        byte[] model = Files.readAllBytes(dir.resolve("run/model.onnx"));
        // The command draws the run's charts: curves and one shift scatter per ASL layer.
        byte[] png = Files.readAllBytes(dir.resolve("run/charts/loss.png"));
        assertTrue(png.length > 100 && png[0] == (byte) 0x89 && png[1] == 'P');
        assertTrue(Files.size(dir.resolve("run/charts/accuracy.png")) > 100);
        try (var charts = Files.list(dir.resolve("run/charts"))) {
            assertEquals(9, charts.filter(p -> p.getFileName().toString().startsWith("shifts-")).count());
        }
        fails(ExitCodes.USAGE, "already holds a training run", run);
        assertArrayEquals(model, Files.readAllBytes(dir.resolve("run/model.onnx")), "the finished run is intact");
        assertEquals(0, CliRunner.run(concat(run, "--overwrite")).exitCode());
        fails(ExitCodes.RUNTIME_FAILURE, "training diverged at epoch 1", concat(run, "--overwrite", "--lr", "1e30"));
        Path m32 = dir.resolve("m32");
        // IDX images are used at their own size: an --input of another size is refused, naming both.
        fails(ExitCodes.INPUT_MISMATCH, "are 32x32 but the input is 1x28x28", "train", "as-resnet20-16x1", "--data",
                write32x32Dataset(dir.resolve("d32")).toString(), "--input", "1x28x28", "--out", m32.toString());
        assertFalse(Files.exists(m32));
    }

    /** A valid IDX data set of 32x32 images. */
    private static Path write32x32Dataset(Path d) throws Exception {
        Files.createDirectories(d);
        for (String split : new String[] {"train", "t10k"}) {
            int n = 64;
            java.nio.ByteBuffer im = java.nio.ByteBuffer.allocate(16 + n * 32 * 32);
            im.putInt(0x00000803).putInt(n).putInt(32).putInt(32);
            java.nio.ByteBuffer lb = java.nio.ByteBuffer.allocate(8 + n);
            lb.putInt(0x00000801).putInt(n);
            for (int i = 0; i < n; i++) {
                lb.put((byte) (i % 10));
            }
            Files.write(d.resolve(split + "-images-idx3-ubyte"), im.array());
            Files.write(d.resolve(split + "-labels-idx1-ubyte"), lb.array());
        }
        return d;
    }

    private static String[] concat(String[] a, String... b) {
        String[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    @Test
    void brokenMetadataIsShownByInspectAndRefusedByPredictNamingTheKey() throws Exception {
        ModelProto.Builder b = ModelProto.parseFrom(Files.readAllBytes(model)).toBuilder();
        for (int i = 0; i < b.getMetadataPropsCount(); i++) {
            if (b.getMetadataProps(i).getKey().equals(ModelInfo.CHANNEL_STD)) {
                b.getMetadataPropsBuilder(i).setValue("0.3,0.3");
            }
        }
        Path broken = Files.write(dir.resolve("broken.onnx"), b.build().toByteArray());
        CliRunner.Result r = CliRunner.run("inspect", broken.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("metadata error") && r.out().contains("asnet.channel_std '0.3,0.3'"), r.out());
        fails(ExitCodes.FILE_PROBLEM, "asnet.channel_std '0.3,0.3'", "predict", broken.toString(), image.toString());
    }

    @Test
    void fileProblems() throws Exception {
        Path absent = dir.resolve("absent.onnx");
        fails(ExitCodes.FILE_PROBLEM, absent + ": model file not found", "inspect", absent.toString());
        fails(ExitCodes.FILE_PROBLEM, absent + ": model file not found", "predict", absent.toString(), image.toString());
        fails(ExitCodes.FILE_PROBLEM, absent + ": model file not found", "eval", absent.toString(), "--limit", "5");
        Path text = Files.writeString(dir.resolve("readme.onnx"), "# not a model\n");
        fails(ExitCodes.FILE_PROBLEM, "not an ONNX model", "inspect", text.toString());
        fails(ExitCodes.FILE_PROBLEM, "not an ONNX model", "predict", text.toString(), image.toString());
        fails(ExitCodes.FILE_PROBLEM, "is a directory", "inspect", dir.toString());
        // Images: missing, not an image, truncated.
        Path noImage = dir.resolve("absent.png");
        fails(ExitCodes.FILE_PROBLEM, noImage + ": image file not found", "predict", model.toString(), noImage.toString());
        fails(ExitCodes.FILE_PROBLEM, "not a PNG, JPEG or BMP image", "predict", model.toString(), text.toString());
        byte[] png = Files.readAllBytes(image);
        Path cut = Files.write(dir.resolve("cut.png"), Arrays.copyOf(png, png.length / 2));
        fails(ExitCodes.FILE_PROBLEM, "cannot decode the image", "predict", model.toString(), image.toString(), cut.toString());
        // Output: missing folder, a directory.
        fails(ExitCodes.FILE_PROBLEM, "output folder does not exist", "export", "as-resnet20-16x1",
                "-o", dir.resolve("no/such/dir/m.onnx").toString());
        fails(ExitCodes.FILE_PROBLEM, "is a directory", "export", "as-resnet20-16x1", "-o", dir.toString());
        // Special files are never replaced (as root, a rename over /dev/null would succeed).
        if (Files.exists(Path.of("/dev/null"))) {
            fails(ExitCodes.FILE_PROBLEM, "/dev/null: is not a regular file", "export", "as-resnet20-16x1", "-o",
                    "/dev/null");
            assertFalse(Files.isRegularFile(Path.of("/dev/null")));
        }
        // A report folder that is a file is refused before any measuring.
        long t0 = System.nanoTime();
        fails(ExitCodes.FILE_PROBLEM, "the report folder (-o) is a file", "bench", "--suite", "small", "-o",
                text.toString());
        assertTrue(System.nanoTime() - t0 < 20e9, "refused at once");
        // Datasets: missing folder (with the install hint), corrupt files.
        fails(ExitCodes.FILE_PROBLEM, "apt-get install dataset-fashion-mnist", "eval", model.toString(), "--data",
                dir.resolve("nothing").toString());
        Files.write(dir.resolve("t10k-images-idx3-ubyte"), new byte[] {0, 0, 8, 1, 0, 0, 0, 0});
        Files.write(dir.resolve("t10k-labels-idx1-ubyte.gz"), gzip(new byte[] {0, 0, 8, 1, 0, 0, 0, 0}));
        fails(ExitCodes.FILE_PROBLEM, "is an IDX labels file (magic 0x00000801), expected an IDX images file", "eval",
                model.toString(), "--data", dir.toString());
        assertTrue(Files.list(dir).noneMatch(p -> p.getFileName().toString().endsWith(".part")),
                "no temporary files left behind");
    }

    @Test
    void wrongInputSize() throws Exception {
        assumeTrue(Files.isDirectory(FashionMnist.DEFAULT_DIR), "dataset-fashion-mnist not installed");
        Path m32 = dir.resolve("m32.onnx");
        assertEquals(0, CliRunner.run("export", "as-resnet20-16x1", "--lowering", "depthwise", "--input", "1x32x32",
                "-o", m32.toString()).exitCode());
        fails(ExitCodes.INPUT_MISMATCH, "IDX images in " + FashionMnist.DEFAULT_DIR + " are 28x28 but the input is 1x32x32",
                "eval", m32.toString(), "--limit", "10");
        Path m5 = dir.resolve("m5.onnx");
        assertEquals(0, CliRunner.run("export", "as-resnet20-16x1", "--input", "1x28x28", "--classes", "5",
                "-o", m5.toString()).exitCode());
        fails(ExitCodes.INPUT_MISMATCH, "the model has 5 classes but the dataset has 10", "eval", m5.toString(),
                "--limit", "10");
    }

    @Test
    void missingOpLibrary() {
        String old = System.getProperty(AsnetOps.LIBRARY_PROPERTY);
        System.setProperty(AsnetOps.LIBRARY_PROPERTY, dir.resolve("gone/libasnet_ops.so").toString());
        try {
            fails(ExitCodes.NATIVE_UNAVAILABLE, "uses the dev.asnet ops but the asnet op library cannot be loaded",
                    "predict", model.toString(), image.toString());
            // Inspecting needs no native code.
            assertEquals(0, CliRunner.run("inspect", model.toString()).exitCode());
        } finally {
            if (old == null) {
                System.clearProperty(AsnetOps.LIBRARY_PROPERTY);
            } else {
                System.setProperty(AsnetOps.LIBRARY_PROPERTY, old);
            }
        }
    }

    @Test
    void cudaWithTheCpuBuild() {
        assumeFalse(OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA), "needs the CPU build");
        fails(ExitCodes.NATIVE_UNAVAILABLE, "use the GPU build: 'mvn -B install -DskipTests -Pgpu'", "predict",
                model.toString(), image.toString(), "--device", "cuda");
        CliRunner.Result r = CliRunner.run("predict", model.toString(), image.toString(), "--device", "cuda",
                "--fallback-to-cpu", "--top", "1");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("1. "), r.out());
    }

    @Test
    void onnxRuntimeFailuresAreRuntimeFailures() throws Exception {
        // A shift parameter of NaN passes session creation and fails in the op's kernel.
        ModelProto.Builder b = ModelProto.parseFrom(Files.readAllBytes(model)).toBuilder();
        String shift = b.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("ActiveShift"))
                .findFirst().orElseThrow().getInput(1);
        for (TensorProto.Builder t : b.getGraphBuilder().getInitializerBuilderList()) {
            if (t.getName().equals(shift)) {
                java.nio.ByteBuffer raw = java.nio.ByteBuffer.wrap(t.getRawData().toByteArray())
                        .order(java.nio.ByteOrder.LITTLE_ENDIAN);
                raw.putFloat(0, Float.NaN);
                t.setRawData(dev.asnet.shaded.protobuf.ByteString.copyFrom(raw.array()));
            }
        }
        Path broken = Files.write(dir.resolve("nan.onnx"), b.build().toByteArray());
        CliRunner.Result r = fails(ExitCodes.RUNTIME_FAILURE, "ONNX Runtime failed: ", "predict", broken.toString(),
                image.toString());
        assertTrue(r.err().contains("(run again with --verbose for details)"), r.err());
    }

    @Test
    void exportCanSpreadShiftsLikeTrainedOnes() throws Exception {
        Path spread = dir.resolve("spread.onnx");
        assertEquals(0, CliRunner.run("export", "as-resnet20-16x1", "--input", "1x28x28", "--classes", "10",
                "--shift-range", "3.5", "-o", spread.toString()).exitCode());
        double max = 0;
        for (var n : dev.asnet.exporter.io.OnnxReader.read(spread).graph().nodes()) {
            if (n.opType().equals("ActiveShift")) {
                for (float v : n.input(1).data().floats()) {
                    max = Math.max(max, Math.abs(v));
                }
            }
        }
        assertTrue(max > 2.5 && max <= 3.5, "shifts span +-3.5: " + max);
        fails(ExitCodes.USAGE, "--shift-range must be in (0, 64], got -1.0", "export", "as-resnet20-16x1",
                "--shift-range", "-1", "-o", dir.resolve("x.onnx").toString());
    }

    @Test
    void convertRewritesAModelsOwnShiftsIntoAnotherLowering() throws Exception {
        CliRunner.Result original = CliRunner.run("predict", model.toString(), image.toString(), "--top", "3");
        assertEquals(0, original.exitCode(), original.toString());
        for (String lowering : new String[] {"depthwise", "portable", "custom"}) {
            Path converted = dir.resolve("m-" + lowering + ".onnx");
            CliRunner.Result r = CliRunner.run("convert", model.toString(), "--lowering", lowering, "-o",
                    converted.toString());
            assertEquals(0, r.exitCode(), r.toString());
            assertTrue(r.out().contains("9 Active Shift layers in the " + lowering + " lowering"), r.out());
            CliRunner.Result inspect = CliRunner.run("inspect", converted.toString());
            assertTrue(inspect.out().contains("lowering        " + lowering), inspect.out());
            // Same classes and probabilities (to the printed precision) as the original.
            CliRunner.Result p = CliRunner.run("predict", converted.toString(), image.toString(), "--top", "3");
            assertEquals(original.out(), p.out().replace(converted.toString(), model.toString()), lowering);
        }
        Path depthwise = dir.resolve("m-depthwise.onnx");
        fails(ExitCodes.USAGE, "already lowered (depthwise)", "convert", depthwise.toString(), "--lowering", "custom",
                "-o", dir.resolve("back.onnx").toString());
        Path dw = dir.resolve("dw-baseline.onnx");
        assertEquals(0, CliRunner.run("export", "dwresnet20-16x1", "--input", "1x28x28", "--classes", "10", "-o",
                dw.toString()).exitCode());
        fails(ExitCodes.USAGE, "has no Active Shift layers", "convert", dw.toString(), "--lowering", "depthwise", "-o",
                dir.resolve("x.onnx").toString());
        fails(ExitCodes.USAGE, "radius", "convert", model.toString(), "--lowering", "depthwise", "--max-radius", "0",
                "-o", dir.resolve("x.onnx").toString());
    }

    @Test
    void benchTimesModelFilesSideBySide() throws Exception {
        Path dw = dir.resolve("dw.onnx");
        assertEquals(0, CliRunner.run("export", "dwresnet20-16x1", "--input", "1x28x28", "--classes", "10", "-o",
                dw.toString()).exitCode());
        Path out = dir.resolve("bench");
        CliRunner.Result r = CliRunner.run("bench", model.toString(), dw.toString(), "--batch-size", "2", "--threads",
                "1", "--levels", "basic", "--rounds", "2", "--warmup-ms", "0", "--no-profile", "-o", out.toString());
        assertEquals(0, r.exitCode(), r.toString());
        String md = Files.readString(out.resolve("files.md"));
        assertTrue(md.contains("| " + model + " | as-resnet20-16x1 custom b2 |") && md.contains("| " + dw + " | "), md);
        assertTrue(md.contains("| " + model + " / " + dw + " |"), "ratio to the first model: " + md);
        fails(ExitCodes.USAGE, "give model files or --suite, not both", "bench", model.toString(), "--suite", "small");
        fails(ExitCodes.USAGE, "--batch-size must be in [1, 1000000], got 0", "bench", model.toString(),
                "--batch-size", "0");
        Path text = Files.writeString(dir.resolve("notes.onnx"), "not a model");
        fails(ExitCodes.FILE_PROBLEM, "not an ONNX model", "bench", text.toString(), "-o", out.toString());
    }

    @Test
    void benchKeepsTheProfilerTraceWhenAsked() throws Exception {
        Path out = dir.resolve("bench-traces");
        CliRunner.Result r = CliRunner.run("bench", model.toString(), "--threads", "1", "--levels", "basic",
                "--rounds", "1", "--warmup-ms", "0", "--keep-profiles", "-o", out.toString());
        assertEquals(0, r.exitCode(), r.toString());
        Path trace = out.resolve("profiles").resolve(model.getFileName().toString() + ".json");
        JsonNode events = new ObjectMapper().readTree(trace.toFile());
        assertTrue(events.isArray() && events.size() > 0, "a trace-event array");
        boolean shiftNode = false;
        for (JsonNode e : events) {
            shiftNode |= e.path("args").path("op_name").asText().equals("ActiveShift");
        }
        assertTrue(shiftNode, "the ActiveShift node's runs are in the trace");
        try (var files = Files.list(out.resolve("profiles"))) {
            assertEquals(List.of(trace), files.toList(), "only the kept trace is left");
        }
        assertEquals("w32.onnx.json", BenchCommand.traceFileName("/models/w32.onnx", new java.util.HashSet<>()));
        assertEquals("w32.onnx__ORT_layout_.json",
                BenchCommand.traceFileName("/models/w32.onnx (ORT layout)", new java.util.HashSet<>()));
        java.util.Set<String> used = new java.util.HashSet<>();
        assertEquals("as-resnet-w32_custom__ORT_layout_.json", BenchCommand.traceFileName("as-resnet-w32/custom (ORT layout)", used));
        assertEquals("as-resnet-w32_custom__ORT_layout_-2.json", BenchCommand.traceFileName("as-resnet-w32/custom (ORT layout)", used));
    }

    /** Parses stdout as exactly one JSON document: anything else printed there fails the parse. */
    private static JsonNode json(CliRunner.Result r) throws Exception {
        assertEquals(0, r.exitCode(), r.toString());
        return new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(r.out());
    }

    @Test
    void inspectJson() throws Exception {
        JsonNode j = json(CliRunner.run("inspect", model.toString(), "--json"));
        assertEquals(model.toString(), j.get("file").asText());
        assertTrue(j.get("sizeBytes").isNumber() && j.get("sizeBytes").asLong() == Files.size(model), j.toString());
        assertEquals("as-resnet20-16x1", j.get("architecture").asText());
        JsonNode in = j.get("inputs").get(0);
        assertEquals("float", in.get("elementType").asText().toLowerCase(java.util.Locale.ROOT), in.toString());
        assertEquals("[-1,1,28,28]", in.get("dims").toString().replace(" ", ""), in.toString());
        assertEquals(1, j.get("outputs").size());
        assertEquals(9, j.get("operators").get("dev.asnet:ActiveShift").asInt(), j.get("operators").toString());
        assertTrue(j.get("parameters").isIntegralNumber() && j.get("parameters").asLong() > 10_000, j.toString());
        assertTrue(j.get("parametersTrainable").asBoolean());
        assertTrue(j.get("macsPerImage").asLong() > 0);
        assertEquals("custom", j.get("lowering").asText());
        assertFalse(j.get("quantized").asBoolean());
        assertTrue(j.get("machineSpecific").isNull() && j.get("metadataError").isNull(), j.toString());
        assertTrue(j.get("metadata").has(ModelInfo.CHANNEL_STD), j.get("metadata").toString());
        assertTrue(j.get("opsets").has("dev.asnet"), j.get("opsets").toString());
    }

    @Test
    void predictJson() throws Exception {
        JsonNode j = json(CliRunner.run("predict", model.toString(), image.toString(), image.toString(), "--top", "3",
                "--json"));
        assertEquals(2, j.get("images").size());
        for (JsonNode im : j.get("images")) {
            assertEquals(image.toString(), im.get("file").asText());
            assertEquals(3, im.get("top").size());
            JsonNode first = im.get("top").get(0);
            assertEquals(1, first.get("rank").asInt());
            assertTrue(first.get("label").isTextual() && first.get("index").isInt(), first.toString());
            double p = first.get("probability").asDouble();
            assertTrue(first.get("probability").isNumber() && p > 0 && p <= 1, first.toString());
            assertTrue(p >= im.get("top").get(1).get("probability").asDouble(), "ranked: " + im);
        }
    }

    @Test
    void evalJson() throws Exception {
        assumeTrue(Files.isDirectory(FashionMnist.DEFAULT_DIR), "dataset-fashion-mnist not installed");
        JsonNode j = json(CliRunner.run("eval", model.toString(), "--limit", "50", "--batch-size", "25", "--json"));
        assertEquals(50, j.get("count").asInt());
        int correct = j.get("correct").asInt();
        assertEquals(correct / 50.0, j.get("accuracy").asDouble(), 1e-9);
        assertTrue(j.get("imagesPerSecond").asDouble() > 0 && j.get("seconds").isNumber(), j.toString());
        assertEquals("t10k", j.get("split").asText());
        assertEquals(10, j.get("perClass").size());
        int images = 0;
        for (JsonNode c : j.get("perClass")) {
            images += c.get("count").asInt();
            assertTrue(c.get("label").isTextual() && c.has("accuracy"), c.toString());
        }
        assertEquals(50, images);
        assertEquals("T-shirt/top", j.get("perClass").get(0).get("label").asText());
    }

    @Test
    void modelsJson() throws Exception {
        JsonNode j = json(CliRunner.run("models", "--json"));
        java.util.List<String> names = new java.util.ArrayList<>();
        j.get("models").forEach(m -> names.add(m.get("name").asText()));
        assertEquals(new java.util.ArrayList<>(dev.asnet.models.ModelZoo.names()), names);
        JsonNode one = json(CliRunner.run("models", "as-resnet20-16x1", "--input", "1x28x28", "--classes", "10",
                "--json")).get("models").get(0);
        assertEquals(28, one.get("input").get("height").asInt());
        assertEquals(10, one.get("classes").asInt());
        assertTrue(one.get("parameters").isIntegralNumber() && one.get("macs").asLong() > 0, one.toString());
        assertTrue(one.get("description").isTextual());
    }

    @Test
    void benchJsonAndProgressWithoutATerminal() throws Exception {
        Path out = dir.resolve("bench-json");
        CliRunner.Result r = CliRunner.run("bench", model.toString(), "--threads", "1", "--levels", "basic", "--rounds",
                "2", "--warmup-ms", "0", "--no-profile", "--json", "-o", out.toString());
        JsonNode j = json(r);
        assertEquals(1, j.get("results").size(), j.toString());
        JsonNode m = j.get("results").get(0);
        assertEquals(model.toString(), m.get("model").asText());
        assertEquals("1T basic cpu", m.get("config").asText());
        assertEquals(1, m.get("threads").asInt());
        assertTrue(m.get("medianMs").isNumber() && m.get("medianMs").asDouble() > 0, m.toString());
        assertTrue(m.get("p90Ms").asDouble() >= m.get("medianMs").asDouble(), m.toString());
        assertEquals(m.get("runs").asInt() >= 10, m.get("p90Reliable").asBoolean(), m.toString());
        assertTrue(j.get("machine").get("logicalCores").isInt(), j.get("machine").toString());
        // Not a terminal: plain progress lines on stderr, no carriage returns or escape codes.
        assertFalse(r.err().contains("\u001b") || r.err().contains("\r"), r.err());
        assertTrue(r.err().contains("machine: ") && r.err().contains("bench: "), r.err());
        String md = Files.readString(out.resolve("files.md"));
        assertTrue(md.contains("Machine: ") && md.contains(" logical core") && !md.contains("logicalCores="), md);
    }

    @Test
    void trainingWithoutATerminalPrintsPlainProgress() throws Exception {
        assumeTrue(Files.isDirectory(FashionMnist.DEFAULT_DIR), "dataset-fashion-mnist not installed");
        // The per-epoch lines go to System.out and a bar would go to System.err: capture both.
        java.io.PrintStream oldOut = System.out;
        java.io.PrintStream oldErr = System.err;
        java.io.ByteArrayOutputStream sysOut = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream sysErr = new java.io.ByteArrayOutputStream();
        CliRunner.Result r;
        try {
            System.setOut(new java.io.PrintStream(sysOut, true, java.nio.charset.StandardCharsets.UTF_8));
            System.setErr(new java.io.PrintStream(sysErr, true, java.nio.charset.StandardCharsets.UTF_8));
            r = CliRunner.run("train", "as-resnet20-16x1", "--epochs", "1", "--limit", "64", "--test-limit", "20",
                    "--batch", "32", "--threads", "1", "--out", dir.resolve("run").toString());
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        String printed = sysOut.toString(java.nio.charset.StandardCharsets.UTF_8);
        String errors = r.err() + sysErr.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, r.exitCode(), r + printed + errors);
        assertFalse(errors.contains("\u001b") || errors.contains("\r") || printed.contains("\u001b"), errors);
        assertTrue(r.err().contains("epoch 1/1: 32/64 images, loss "), r.err());
        assertTrue(printed.contains("after 1 epoch;"), printed);
    }

    @Test
    void trainHelpExamplesFitTheScreen() {
        String help = CliRunner.run("train", "--help").out();
        String examples = help.substring(help.indexOf("Examples:"));
        String previous = "";
        for (String line : examples.substring(0, examples.indexOf("\n\n") < 0 ? examples.length()
                : examples.indexOf("\n\n")).split("\\R")) {
            // Each line is an example, or the continuation of one that ends in a backslash; none is wrapped.
            assertTrue(line.startsWith("Examples:") || line.startsWith("  asnet train ") || previous.endsWith(" \\"),
                    "an example wrapped mid-word: '" + line + "'\n" + help);
            assertTrue(line.length() < 80, "long line: " + line);
            previous = line;
        }
    }

    @Test
    void trainDefaultsAreThePretrainedModelsRecipe() throws Exception {
        String help = CliRunner.run("train", "--help").out().replaceAll("\\s+", " ");
        String recipe = Files.readString(Path.of("..", "models", "pretrained", "as-resnet20-16x3-fashion-mnist.command.txt"));
        for (String[] option : new String[][] {{"--epochs", "Epochs"}, {"--batch", "Training batch size"}, {"--lr", "Base learning rate"}}) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile(option[0] + " (\\S+)").matcher(recipe);
            assertTrue(m.find(), recipe);
            double used = Double.parseDouble(m.group(1));
            java.util.regex.Matcher d = java.util.regex.Pattern.compile(option[1] + " \\(default: (\\S+)\\)").matcher(help);
            assertTrue(d.find(), help);
            assertEquals(used, Double.parseDouble(d.group(1)), option[0] + " default differs from the pretrained recipe: " + recipe);
        }
    }

    @Test
    void nonFiniteLogitsAreExplained() throws Exception {
        // NaN in the classifier's bias: ONNX Runtime runs it happily and the logits are NaN.
        ModelProto.Builder b = ModelProto.parseFrom(Files.readAllBytes(model)).toBuilder();
        var gemm = b.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("Gemm")).findFirst().orElseThrow();
        String bias = gemm.getInput(2);
        for (TensorProto.Builder t : b.getGraphBuilder().getInitializerBuilderList()) {
            if (t.getName().equals(bias)) {
                java.nio.ByteBuffer raw = java.nio.ByteBuffer.wrap(t.getRawData().toByteArray())
                        .order(java.nio.ByteOrder.LITTLE_ENDIAN);
                raw.putFloat(0, Float.NaN);
                t.setRawData(dev.asnet.shaded.protobuf.ByteString.copyFrom(raw.array()));
            }
        }
        Path broken = Files.write(dir.resolve("nan-logits.onnx"), b.build().toByteArray());
        CliRunner.Result r = fails(ExitCodes.RUNTIME_FAILURE, "the model's output is not finite (NaN for class 0)",
                "predict", broken.toString(), image.toString());
        assertFalse(r.err().contains("internal error"), r.err());
    }

    @Test
    void verboseAddsTheStackTrace() {
        Path absent = dir.resolve("absent.onnx");
        CliRunner.Result quiet = CliRunner.run("inspect", absent.toString());
        assertEquals(1, quiet.errLines().length, quiet.toString());
        CliRunner.Result verbose = CliRunner.run("inspect", absent.toString(), "--verbose");
        assertEquals(ExitCodes.FILE_PROBLEM, verbose.exitCode());
        assertTrue(verbose.errLines().length > 3, verbose.toString());
        assertTrue(verbose.err().contains("java.nio.file.NoSuchFileException"), verbose.err());
        assertTrue(verbose.err().contains("at dev.asnet."), verbose.err());
        CliRunner.Result usage = CliRunner.run("--verbose", "export", "x", "--input", "zzz", "-o", "x.onnx");
        assertEquals(ExitCodes.USAGE, usage.exitCode());
        assertTrue(usage.err().contains("at picocli."), usage.err());
    }

    @Test
    void modelsListsTheZoo() {
        CliRunner.Result r = CliRunner.run("models", "--input", "1x28x28", "--classes", "10", "as-resnet20-16x1",
                "mobilenetv2-cifar");
        assertEquals(0, r.exitCode(), r.toString());
        String[] lines = r.out().strip().split("\\R");
        assertEquals(3, lines.length, r.out());
        assertTrue(lines[0].startsWith("NAME"));
        assertTrue(lines[1].startsWith("as-resnet20-16x1") && lines[1].contains("1x28x28"), lines[1]);
        assertFalse(r.out().contains("shiftnet"), r.out());
    }

    @Test
    void modelsWithoutArgumentsListsEveryNetwork() {
        CliRunner.Result r = CliRunner.run("models");
        assertEquals(0, r.exitCode(), r.toString());
        for (String name : dev.asnet.models.ModelZoo.names()) {
            assertTrue(r.out().contains("\n" + name + " "), name + " missing from:\n" + r.out());
        }
        assertTrue(r.out().contains("mobilenetv2-1.0") && r.out().contains("3x224x224"), r.out());
    }

    private static byte[] gzip(byte[] data) throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }
}
