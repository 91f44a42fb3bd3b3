package dev.asnet.runtime.dataset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.asnet.exporter.InputSpec;
import dev.asnet.runtime.InputMismatchException;
import dev.asnet.runtime.vision.ImageDecodeException;
import dev.asnet.runtime.vision.ImageFiles;
import dev.asnet.runtime.vision.ImageToTensor;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetFolderTest {
    @TempDir
    Path dir;

    private static DatasetFolder open(Path d) throws IOException {
        return DatasetFolder.builder(d).open();
    }

    @Test
    void classFoldersInTrainAndValAreReadRoundRobinAtTheirOwnSize() throws IOException {
        SyntheticDatasets.writeShapes(dir, 4, 2, 20, 1);
        DatasetFolder data = open(dir);
        assertEquals(DatasetFolder.Format.FOLDER, data.format());
        assertEquals(SyntheticDatasets.SHAPES, data.classNames());
        assertEquals(dir.getFileName().toString(), data.name());
        ImageDataset train = data.part(DatasetFolder.Part.TRAIN);
        ImageDataset val = data.part(DatasetFolder.Part.TEST);
        assertEquals(new ImageSize(3, 20, 20), train.imageSize(), "color PNGs: 3 channels, their own size");
        assertEquals(12, train.size());
        assertEquals(6, val.size());
        for (int i = 0; i < train.size(); i++) {
            assertEquals(i % 3, train.label(i), "round-robin over the classes");
        }
        assertFalse(train.inMemory());
        assertTrue(data.describe(DatasetFolder.Part.TEST).contains("val"));
        // A class folder that is a symbolic link to images elsewhere is read like any other.
        Path elsewhere = Files.createDirectories(dir.getParent().resolve(dir.getFileName() + "-linked"));
        try {
            Path linked = SyntheticDatasets.writeShapes(elsewhere.resolve("d"), 2, 1, 20, 9);
            Files.createSymbolicLink(linked.resolve("train/zigzag"), dir.resolve("train/circle"));
            Files.createSymbolicLink(linked.resolve("val/zigzag"), dir.resolve("val/circle"));
            DatasetFolder withLink = open(linked);
            assertEquals(List.of("circle", "square", "triangle", "zigzag"), withLink.classNames());
            assertEquals(10, withLink.part(DatasetFolder.Part.TRAIN).size());
        } finally {
            deleteTree(elsewhere);
        }
    }

    @Test
    void folderPixelsAreWhatTheClassifiersPreparationGives() throws IOException {
        SyntheticDatasets.writeShapes(dir, 2, 1, 40, 2);
        ImageSize size = new ImageSize(3, 24, 30);
        ImageDataset train = DatasetFolder.builder(dir).optInput(size).open().part(DatasetFolder.Part.TRAIN);
        byte[] px = new byte[size.bytes()];
        train.read(1, px, 0);
        // Image 1 is the first square (round-robin): decoded and prepared as ImageClassifier does.
        BufferedImage file = ImageIO.read(dir.resolve("train/square/000.png").toFile());
        InputSpec spec = new InputSpec(3, 24, 30, new float[] {0.1f, 0.2f, 0.3f}, new float[] {0.5f, 0.6f, 0.7f});
        float[] expected = new ImageToTensor(spec).toInput(file);
        int plane = 24 * 30;
        for (int i = 0; i < px.length; i++) {
            assertEquals(expected[i], spec.normalize(i / plane, Byte.toUnsignedInt(px[i])), 0f, "value " + i);
        }
        ImageSize gray = new ImageSize(1, 24, 30);
        byte[] g = new byte[gray.bytes()];
        DatasetFolder.builder(dir).optInput(gray).open().part(DatasetFolder.Part.TRAIN).read(1, g, 0);
        float[] grayExpected = new ImageToTensor(InputSpec.unnormalized(1, 24, 30)).toInput(file);
        for (int i = 0; i < g.length; i++) {
            assertEquals(grayExpected[i] * 255f, Byte.toUnsignedInt(g[i]), 1e-3, "gray value " + i);
        }
    }

    @Test
    void validationSplitIsSeededStratifiedAndDisjoint() throws IOException {
        SyntheticDatasets.writeShapes(dir, 10, 0, 16, 3);
        DatasetFolder a = DatasetFolder.builder(dir).optValSplit(0.3).optSeed(7).open();
        assertFalse(open(dir).hasPart(DatasetFolder.Part.TEST), "no val/ and no split: only the training part");
        assertTrue(a.hasPart(DatasetFolder.Part.TEST));
        List<Path> trainA = files(a, DatasetFolder.Part.TRAIN);
        List<Path> valA = files(a, DatasetFolder.Part.TEST);
        assertEquals(21, trainA.size());
        assertEquals(9, valA.size(), "3 of 10 per class");
        Set<Path> all = new HashSet<>(trainA);
        all.addAll(valA);
        assertEquals(30, all.size(), "disjoint, together every image");
        int[] perClass = new int[3];
        ImageDataset val = a.part(DatasetFolder.Part.TEST);
        for (int i = 0; i < val.size(); i++) {
            perClass[val.label(i)]++;
        }
        assertArrayEquals(new int[] {3, 3, 3}, perClass, "every class in the validation part");
        assertEquals(valA, files(DatasetFolder.builder(dir).optValSplit(0.3).optSeed(7).open(), DatasetFolder.Part.TEST),
                "the same seed holds out the same images");
        assertNotEquals(valA, files(DatasetFolder.builder(dir).optValSplit(0.3).optSeed(8).open(),
                DatasetFolder.Part.TEST), "another seed, others");
    }

    private static List<Path> files(DatasetFolder d, DatasetFolder.Part p) throws IOException {
        FolderImages f = (FolderImages) d.part(p);
        List<Path> out = new ArrayList<>();
        for (int i = 0; i < f.size(); i++) {
            out.add(f.file(i));
        }
        return out;
    }

    @Test
    void errorsSayWhatIsWrongAndWhatWasExpected() throws IOException {
        NoSuchFileException missing = assertThrows(NoSuchFileException.class, () -> open(dir.resolve("absent")));
        assertTrue(missing.getMessage().contains("dataset folder not found"), missing.getMessage());
        DatasetException none = assertThrows(DatasetException.class, () -> open(dir));
        assertTrue(none.getMessage().contains("holds no dataset asnet reads; expected one of: Fashion-MNIST IDX files")
                && none.getMessage().contains("data_batch_1.bin") && none.getMessage().contains("one sub-folder"),
                none.getMessage());
        SyntheticDatasets.writeShapes(dir, 3, 2, 16, 4);
        // An empty class folder.
        Files.createDirectories(dir.resolve("train/hexagon"));
        DatasetException empty = assertThrows(DatasetException.class, () -> open(dir));
        assertTrue(empty.getMessage().contains("train/hexagon: is an empty class folder"), empty.getMessage());
        // A class with training images but none for validation.
        SyntheticDatasets.write(SyntheticDatasets.shape(0, 16, 16, new Random(1)), dir.resolve("train/hexagon/0.png"));
        DatasetException noVal = assertThrows(DatasetException.class, () -> open(dir));
        assertTrue(noVal.getMessage().contains("has no images of class 'hexagon'"), noVal.getMessage());
        // A validation class the training part does not have.
        Files.createDirectories(dir.resolve("val/hexagon"));
        SyntheticDatasets.write(SyntheticDatasets.shape(0, 16, 16, new Random(2)), dir.resolve("val/hexagon/0.png"));
        Files.createDirectories(dir.resolve("val/star"));
        DatasetException extra = assertThrows(DatasetException.class, () -> open(dir));
        assertTrue(extra.getMessage().contains("val/star: is not a class of"), extra.getMessage());
        deleteTree(dir.resolve("val/star"));
        assertEquals(4, open(dir).classNames().size());
        // Mixed sizes: refused without an input size, scaled with one.
        SyntheticDatasets.write(SyntheticDatasets.shape(1, 20, 12, new Random(3)), dir.resolve("train/square/big.png"));
        DatasetException mixed = assertThrows(DatasetException.class, () -> open(dir).part(DatasetFolder.Part.TRAIN));
        assertTrue(mixed.getMessage().contains("images of mixed sizes") && mixed.getMessage().contains("--input CxHxW")
                && mixed.getMessage().contains("20x12"), mixed.getMessage());
        assertEquals(new ImageSize(1, 8, 8), DatasetFolder.builder(dir).optInput(new ImageSize(1, 8, 8)).open()
                .part(DatasetFolder.Part.TRAIN).imageSize());
        Files.delete(dir.resolve("train/square/big.png"));
        // Validation images of another size than the training images.
        SyntheticDatasets.write(SyntheticDatasets.shape(1, 20, 20, new Random(3)), dir.resolve("val/square/big.png"));
        DatasetFolder sized = open(dir);
        sized.part(DatasetFolder.Part.TRAIN);
        DatasetException valSize = assertThrows(DatasetException.class, () -> sized.part(DatasetFolder.Part.TEST));
        assertTrue(valSize.getMessage().contains("but the training images are 16x16"), valSize.getMessage());
        Files.delete(dir.resolve("val/square/big.png"));
        // --val-split next to val/.
        DatasetException both = assertThrows(DatasetException.class,
                () -> DatasetFolder.builder(dir).optValSplit(0.2).open());
        assertTrue(both.getMessage().contains("--val-split is for a folder without a validation folder"),
                both.getMessage());
    }

    @Test
    void unreadableImagesFailOrAreSkippedAndCounted() throws IOException {
        SyntheticDatasets.writeShapes(dir, 3, 2, 16, 5);
        Files.writeString(dir.resolve("train/circle/broken.png"), "not an image");
        Files.writeString(dir.resolve("train/circle/notes.txt"), "ignored: not an image extension");
        DatasetException fail = assertThrows(DatasetException.class, () -> open(dir).part(DatasetFolder.Part.TRAIN));
        assertTrue(fail.getMessage().contains("1 of 10 images") && fail.getMessage().contains("broken.png")
                && fail.getMessage().contains("--bad-images skip"), fail.getMessage());
        DatasetFolder skipping = DatasetFolder.builder(dir).optBadImages(BadImages.SKIP).open();
        assertEquals(9, skipping.part(DatasetFolder.Part.TRAIN).size());
        assertEquals(1, skipping.skipped().size());
        assertTrue(skipping.skipped().get(0).contains("broken.png"), skipping.skipped().toString());
        // Every image of a class unreadable: the class would be left without images.
        for (String n : List.of("000", "001", "002")) {
            Files.writeString(dir.resolve("val/square/" + n + ".png"), "x");
        }
        Files.writeString(dir.resolve("val/square/000.png"), "x");
        DatasetFolder gone = DatasetFolder.builder(dir).optBadImages(BadImages.SKIP).open();
        DatasetException noneLeft = assertThrows(DatasetException.class, () -> gone.part(DatasetFolder.Part.TEST));
        assertTrue(noneLeft.getMessage().contains("class 'square' has no readable images left"), noneLeft.getMessage());
    }

    @Test
    void inMemoryCopyReadsLikeTheFilesAndSkipsWhatFailsToDecode() throws IOException {
        SyntheticDatasets.writeShapes(dir, 4, 1, 16, 6);
        // A PNG whose header is intact but whose pixel data is cut: only decoding finds it.
        Path cut = dir.resolve("train/triangle/zz.png");
        byte[] png = Files.readAllBytes(dir.resolve("train/triangle/000.png"));
        Files.write(cut, java.util.Arrays.copyOf(png, png.length / 2));
        ImageDataset files = open(dir).part(DatasetFolder.Part.TRAIN);
        assertEquals(13, files.size(), "the header is readable");
        assertThrows(ImageDecodeException.class, () -> InMemoryImages.load(files, BadImages.FAIL, 2));
        InMemoryImages memory = InMemoryImages.load(files, BadImages.SKIP, 2);
        assertEquals(12, memory.size());
        assertEquals(1, memory.skipped().size());
        assertTrue(memory.inMemory());
        byte[] a = new byte[files.imageSize().bytes()];
        byte[] b = new byte[a.length];
        for (int i = 0; i < memory.size(); i++) {
            files.read(i, a, 0); // the cut image is the last one, so the first 12 line up
            memory.read(i, b, 0);
            assertArrayEquals(a, b, "image " + i);
            assertEquals(files.label(i), memory.label(i));
        }
        assertEquals(3, files.first(3).size());
    }

    @Test
    void cifar10FilesReadBackRecordForRecord() throws IOException {
        SyntheticDatasets.writeCifar(dir.resolve("cifar-10-batches-bin"), 5, 3, 8);
        DatasetFolder data = open(dir);
        assertEquals(DatasetFolder.Format.CIFAR10, data.format(), "found in cifar-10-batches-bin/");
        assertEquals(DatasetFolder.CIFAR10_LABELS, data.classNames());
        ImageDataset train = data.part(DatasetFolder.Part.TRAIN);
        assertEquals(10, train.size(), "two files of 5");
        assertEquals(3, data.part(DatasetFolder.Part.TEST).size());
        byte[] all = Files.readAllBytes(dir.resolve("cifar-10-batches-bin/data_batch_2.bin"));
        byte[] px = new byte[3 * 32 * 32];
        train.read(7, px, 0);
        assertArrayEquals(java.util.Arrays.copyOfRange(all, 2 * 3073 + 1, 3 * 3073), px, "record 2 of the second file");
        assertEquals(all[2 * 3073], train.label(7));
        ImageDataset gray = DatasetFolder.builder(dir).optInput(new ImageSize(1, 32, 32)).open()
                .part(DatasetFolder.Part.TRAIN);
        byte[] g = new byte[32 * 32];
        gray.read(7, g, 0);
        for (int i = 0; i < g.length; i++) {
            assertEquals(ImageToTensor.luma(Byte.toUnsignedInt(px[i]), Byte.toUnsignedInt(px[1024 + i]),
                    Byte.toUnsignedInt(px[2048 + i])), Byte.toUnsignedInt(g[i]));
        }
        Files.writeString(dir.resolve("cifar-10-batches-bin/batches.meta.txt"), "a\nb\nc\nd\n\n");
        assertEquals(List.of("a", "b", "c", "d"), open(dir).classNames());
        InputMismatchException size = assertThrows(InputMismatchException.class, () -> DatasetFolder.builder(dir)
                .optInput(new ImageSize(3, 28, 28)).open().part(DatasetFolder.Part.TRAIN));
        assertTrue(size.getMessage().contains("are 32x32 but the input is 3x28x28"), size.getMessage());
        // Broken files: a cut record, a label beyond the classes.
        Files.write(dir.resolve("cifar-10-batches-bin/data_batch_1.bin"), new byte[3073 + 10]);
        DatasetException cut = assertThrows(DatasetException.class, () -> open(dir).part(DatasetFolder.Part.TRAIN));
        assertTrue(cut.getMessage().contains("not a whole number of CIFAR-10 records"), cut.getMessage());
        byte[] bad = new byte[3073];
        bad[0] = 7;
        Files.write(dir.resolve("cifar-10-batches-bin/data_batch_1.bin"), bad);
        DatasetException label = assertThrows(DatasetException.class, () -> open(dir).part(DatasetFolder.Part.TRAIN));
        assertTrue(label.getMessage().contains("has label 7, but there are 4 classes"), label.getMessage());
    }

    @Test
    void idxFilesAreFashionMnistAndKeepTheirSize() throws IOException {
        byte[] px = new byte[2 * 28 * 28];
        px[5] = (byte) 200;
        Files.write(dir.resolve("t10k-images-idx3-ubyte"), IdxReaderTest.imagesFile(2, 28, 28, px));
        Files.write(dir.resolve("t10k-labels-idx1-ubyte"), IdxReaderTest.labelsFile(new byte[] {3, 9}));
        DatasetFolder data = open(dir);
        assertEquals(DatasetFolder.Format.FASHION_MNIST, data.format());
        assertEquals(FashionMnist.LABELS, data.classNames());
        ImageDataset rgb = DatasetFolder.builder(dir).optInput(new ImageSize(3, 28, 28)).open()
                .part(DatasetFolder.Part.TEST);
        byte[] three = new byte[3 * 28 * 28];
        rgb.read(0, three, 0);
        assertEquals(200, Byte.toUnsignedInt(three[5]));
        assertEquals(200, Byte.toUnsignedInt(three[28 * 28 + 5]), "gray repeated in every channel");
        assertEquals(9, rgb.label(1));
        assertThrows(DatasetException.class, () -> DatasetFolder.builder(dir).optValSplit(0.1).open());
        assertEquals(DatasetFolder.Format.FASHION_MNIST, DatasetFolder.Format.parse("idx"));
        assertThrows(IllegalArgumentException.class, () -> DatasetFolder.Format.parse("coco"));
    }

    @Test
    void probeReadsSizeAndColorWithoutDecoding() throws IOException {
        BufferedImage gray = new BufferedImage(7, 5, BufferedImage.TYPE_BYTE_GRAY);
        Path g = SyntheticDatasets.write(gray, dir.resolve("g.png"));
        Path c = SyntheticDatasets.write(SyntheticDatasets.shape(0, 9, 4, new Random(1)), dir.resolve("c.png"));
        assertEquals(new ImageFiles.Header(7, 5, true), ImageFiles.probe(g, 100));
        assertEquals(new ImageFiles.Header(9, 4, false), ImageFiles.probe(c, 100));
        ImageDecodeException big = assertThrows(ImageDecodeException.class, () -> ImageFiles.probe(c, 35));
        assertTrue(big.getMessage().contains("more than the limit of 35 pixels"), big.getMessage());
    }

    private static void deleteTree(Path p) throws IOException {
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(q);
            }
        }
    }
}
