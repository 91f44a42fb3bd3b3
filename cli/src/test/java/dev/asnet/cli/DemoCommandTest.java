package dev.asnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.asnet.runtime.dataset.FashionMnist;
import dev.asnet.runtime.dataset.LabeledImages;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code asnet demo} end to end on a 40-image slice of the Fashion-MNIST test set. */
class DemoCommandTest {
    @Test
    void classifiesEvaluatesComparesAndWritesTheReport(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        writeSlice(syntheticOrReal(), 40, data);
        Path model = dir.resolve("m.onnx");
        CliRunner.Result export = CliRunner.run("export", "as-resnet20-16x1", "--input", "1x28x28", "--classes", "10",
                "-o", model.toString());
        assertEquals(0, export.exitCode(), export.toString());

        Path out = dir.resolve("demo");
        // A link planted at the report's old fixed temporary name must not be written through.
        Files.createDirectories(out);
        Path victim = Files.writeString(dir.resolve("victim.txt"), "keep");
        Files.createSymbolicLink(out.resolve("demo.md.tmp"), victim);
        CliRunner.Result r = CliRunner.run("demo", "--model", model.toString(), "--data", data.toString(), "--images", "3",
                "--rounds", "2", "-o", out.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("test set: ") && r.out().contains("/40 correct"), r.out());
        assertTrue(r.out().contains("report: " + out.resolve("demo.md").toAbsolutePath()), r.out());
        String md = Files.readString(out.resolve("demo.md"));
        assertTrue(md.contains("## Single images") && md.contains("images/test-00002.png"), md);
        assertTrue(md.contains("## Test set") && md.contains("of 40"), md);
        for (String baseline : new String[] {"shiftresnet20-16x1", "dwresnet20-16x1", "mobilenetv2-cifar"}) {
            assertTrue(md.contains("| " + baseline + " |"), baseline + " in\n" + md);
        }
        assertEquals("keep", Files.readString(victim));
        assertTrue(Files.isSymbolicLink(out.resolve("demo.md.tmp")));
        assertEquals(28, ImageIO.read(out.resolve("images/test-00000.png").toFile()).getWidth());
        assertTrue(ImageIO.read(out.resolve("latency-latency-vs-params.png").toFile()).getWidth() > 100);
    }

    /** The real test images when the dataset is installed, else none (the slice is then synthetic). */
    private static LabeledImages syntheticOrReal() {
        try {
            return FashionMnist.test();
        } catch (IOException e) {
            return null;
        }
    }

    private static void writeSlice(LabeledImages source, int n, Path dir) throws IOException {
        ByteArrayOutputStream images = new ByteArrayOutputStream();
        ByteArrayOutputStream labels = new ByteArrayOutputStream();
        try (DataOutputStream im = new DataOutputStream(images); DataOutputStream lb = new DataOutputStream(labels)) {
            im.writeInt(0x00000803);
            im.writeInt(n);
            im.writeInt(28);
            im.writeInt(28);
            lb.writeInt(0x00000801);
            lb.writeInt(n);
            for (int i = 0; i < n; i++) {
                for (int p = 0; p < 28 * 28; p++) {
                    im.writeByte(source != null ? source.images().pixel(i, p / 28, p % 28) : (i * 31 + p * 7) & 0xff);
                }
                lb.writeByte(source != null ? source.label(i) : i % 10);
            }
        }
        Files.write(dir.resolve("t10k-images-idx3-ubyte"), images.toByteArray());
        Files.write(dir.resolve("t10k-labels-idx1-ubyte"), labels.toByteArray());
    }
}
