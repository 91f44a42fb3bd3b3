package dev.asnet.runtime.dataset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
    @TempDir
    Path dir;

    static byte[] imagesFile(int count, int rows, int cols, byte[] pixels) {
        ByteBuffer b = ByteBuffer.allocate(16 + pixels.length);
        b.putInt(IdxReader.IMAGES_MAGIC).putInt(count).putInt(rows).putInt(cols).put(pixels);
        return b.array();
    }

    static byte[] labelsFile(byte[] labels) {
        ByteBuffer b = ByteBuffer.allocate(8 + labels.length);
        b.putInt(IdxReader.LABELS_MAGIC).putInt(labels.length).put(labels);
        return b.array();
    }

    static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    private Path write(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }

    private static byte[] ramp(int n) {
        byte[] px = new byte[n];
        for (int i = 0; i < n; i++) {
            px[i] = (byte) (i * 7);
        }
        return px;
    }

    @Test
    void readsPlainAndGzipImagesIdentically() throws IOException {
        byte[] px = ramp(3 * 4 * 5);
        IdxImages plain = IdxReader.readImages(write("a", imagesFile(3, 4, 5, px)));
        IdxImages gz = IdxReader.readImages(write("b.gz", gzip(imagesFile(3, 4, 5, px))));
        // Compression is detected by content, not by name.
        IdxImages gzNoExt = IdxReader.readImages(write("c", gzip(imagesFile(3, 4, 5, px))));
        for (IdxImages im : new IdxImages[] {plain, gz, gzNoExt}) {
            assertEquals(3, im.count());
            assertEquals(4, im.rows());
            assertEquals(5, im.cols());
            assertArrayEquals(px, im.pixels());
        }
        assertEquals(Byte.toUnsignedInt(px[(2 * 4 + 3) * 5 + 1]), plain.pixel(2, 3, 1));
    }

    @Test
    void readsLabelsAsUnsigned() throws IOException {
        int[] labels = IdxReader.readLabels(write("l.gz", gzip(labelsFile(new byte[] {0, 9, (byte) 200}))));
        assertArrayEquals(new int[] {0, 9, 200}, labels);
    }

    @Test
    void rejectsWrongKindOfFile() throws IOException {
        Path labels = write("l", labelsFile(new byte[] {1, 2}));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.readImages(labels));
        assertTrue(e.getMessage().contains("is an IDX labels file (magic 0x00000801), expected an IDX images file"),
                e.getMessage());
        Path images = write("i", imagesFile(1, 1, 1, new byte[1]));
        e = assertThrows(IdxFormatException.class, () -> IdxReader.readLabels(images));
        assertTrue(e.getMessage().contains("expected an IDX labels file"), e.getMessage());
    }

    @Test
    void rejectsNonIdxFiles() throws IOException {
        Path text = write("t", "hello world, not idx".getBytes());
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.readImages(text));
        assertTrue(e.getMessage().contains("is not an IDX images file: magic number 0x68656C6C"), e.getMessage());
        Path empty = write("empty", new byte[0]);
        e = assertThrows(IdxFormatException.class, () -> IdxReader.readImages(empty));
        assertTrue(e.getMessage().contains("too short to be an IDX file"), e.getMessage());
        assertEquals(empty, e.file());
    }

    @Test
    void rejectsTruncatedAndOverlongData() throws IOException {
        byte[] full = imagesFile(2, 3, 3, ramp(18));
        Path cut = write("cut", Arrays.copyOf(full, full.length - 5));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.readImages(cut));
        assertTrue(e.getMessage().contains("truncated: header announces 2 images of 3x3 pixels (18 bytes) "
                + "but the data ends after 13 bytes"), e.getMessage());
        Path cutHeader = write("cuth", Arrays.copyOf(full, 10));
        e = assertThrows(IdxFormatException.class, () -> IdxReader.readImages(cutHeader));
        assertTrue(e.getMessage().contains("truncated header"), e.getMessage());
        Path longer = write("long", Arrays.copyOf(full, full.length + 1));
        e = assertThrows(IdxFormatException.class, () -> IdxReader.readImages(longer));
        assertTrue(e.getMessage().contains("extra bytes"), e.getMessage());
    }

    @Test
    void rejectsTruncatedAndCorruptGzip() throws IOException {
        byte[] gz = gzip(imagesFile(50, 10, 10, ramp(5000)));
        Path cut = write("cut.gz", Arrays.copyOf(gz, gz.length / 2));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.readImages(cut));
        assertTrue(e.getMessage().contains("truncated gzip stream") || e.getMessage().contains("corrupt gzip"),
                e.getMessage());
        byte[] bad = gz.clone();
        for (int i = 12; i < bad.length - 8; i++) {
            bad[i] ^= 0x5A;
        }
        Path corrupt = write("bad.gz", bad);
        e = assertThrows(IdxFormatException.class, () -> IdxReader.readImages(corrupt));
        assertTrue(e.getMessage().contains("gzip"), e.getMessage());
    }

    @Test
    void rejectsNegativeDimensions() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(16);
        b.putInt(IdxReader.IMAGES_MAGIC).putInt(-1).putInt(28).putInt(28);
        Path f = write("neg", b.array());
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.readImages(f));
        assertTrue(e.getMessage().contains("image count -1"), e.getMessage());
    }

    @Test
    void missingFileAndDirectory() {
        assertThrows(NoSuchFileException.class, () -> IdxReader.readImages(dir.resolve("nope")));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.readLabels(dir));
        assertTrue(e.getMessage().contains("is a directory"), e.getMessage());
    }
}
