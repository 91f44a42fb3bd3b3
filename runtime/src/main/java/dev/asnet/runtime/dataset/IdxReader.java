package dev.asnet.runtime.dataset;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files, the format of MNIST and Fashion-MNIST: a big-endian header (magic number
 * {@code 0x0000TTDD} with type code TT = 0x08 for unsigned bytes and DD dimensions, then one int32
 * per dimension) followed by the data. Files may be gzip-compressed; compression is recognized by
 * content, not by the file name.
 *
 * <p>Reading is strict: the magic number must be the expected one, the data must be exactly as long
 * as the header says (truncated files and trailing bytes are errors), and gzip streams must be
 * intact. Every problem is reported as an {@link IdxFormatException} naming the file.
 */
public final class IdxReader {
    /** Magic number of an IDX file holding unsigned-byte images ({@code N x rows x cols}). */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** Magic number of an IDX file holding unsigned-byte labels ({@code N}). */
    public static final int LABELS_MAGIC = 0x00000801;

    private static final int GZIP_MAGIC = 0x8b1f;

    private IdxReader() {}

    /**
     * Reads an images file.
     *
     * @param file an IDX3 unsigned-byte file, plain or gzip-compressed
     * @return the images
     * @throws NoSuchFileException if the file does not exist
     * @throws IdxFormatException if the file is not a valid IDX images file
     * @throws IOException if reading fails
     */
    public static IdxImages readImages(Path file) throws IOException {
        try (DataInputStream in = open(file)) {
            readMagic(in, file, IMAGES_MAGIC);
            int count = readDimension(in, file, "image count", 0);
            int rows = readDimension(in, file, "rows", 1);
            int cols = readDimension(in, file, "columns", 1);
            long bytes = (long) count * rows * cols;
            if (bytes > Integer.MAX_VALUE - 8) {
                throw new IdxFormatException(file, "header announces " + count + " images of " + rows + "x" + cols
                        + " pixels, too many to hold in one array");
            }
            byte[] pixels = readData(in, file, (int) bytes,
                    count + " images of " + rows + "x" + cols + " pixels (" + bytes + " bytes)");
            return new IdxImages(count, rows, cols, pixels);
        }
    }

    /**
     * Reads a labels file.
     *
     * @param file an IDX1 unsigned-byte file, plain or gzip-compressed
     * @return one label per entry, each in [0, 255]
     * @throws NoSuchFileException if the file does not exist
     * @throws IdxFormatException if the file is not a valid IDX labels file
     * @throws IOException if reading fails
     */
    public static int[] readLabels(Path file) throws IOException {
        try (DataInputStream in = open(file)) {
            readMagic(in, file, LABELS_MAGIC);
            int count = readDimension(in, file, "label count", 0);
            byte[] data = readData(in, file, count, count + " labels");
            int[] labels = new int[count];
            for (int i = 0; i < count; i++) {
                labels[i] = Byte.toUnsignedInt(data[i]);
            }
            return labels;
        }
    }

    private static DataInputStream open(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new IdxFormatException(file, "is a directory, expected an IDX file");
        }
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, "IDX file not found");
        }
        BufferedInputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        try {
            raw.mark(2);
            int b0 = raw.read();
            int b1 = raw.read();
            raw.reset();
            boolean gzip = b0 >= 0 && b1 >= 0 && (b0 | (b1 << 8)) == GZIP_MAGIC;
            InputStream in = gzip ? new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16) : raw;
            return new DataInputStream(in);
        } catch (ZipException | EOFException e) {
            raw.close();
            throw new IdxFormatException(file, "corrupt gzip header", e);
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    private static void readMagic(DataInputStream in, Path file, int expected) throws IOException {
        int magic;
        try {
            magic = in.readInt();
        } catch (EOFException e) {
            throw new IdxFormatException(file, "too short to be an IDX file (no 4-byte magic number)", e);
        } catch (ZipException e) {
            throw new IdxFormatException(file, "corrupt gzip data", e);
        }
        if (magic == expected) {
            return;
        }
        String kind = expected == IMAGES_MAGIC ? "an IDX images file" : "an IDX labels file";
        if (magic == IMAGES_MAGIC || magic == LABELS_MAGIC) {
            throw new IdxFormatException(file, String.format(
                    "is an IDX %s file (magic 0x%08X), expected %s (magic 0x%08X)",
                    magic == IMAGES_MAGIC ? "images" : "labels", magic, kind, expected));
        }
        throw new IdxFormatException(file, String.format(
                "is not %s: magic number 0x%08X, expected 0x%08X", kind, magic, expected));
    }

    private static int readDimension(DataInputStream in, Path file, String what, int min) throws IOException {
        int value;
        try {
            value = in.readInt();
        } catch (EOFException e) {
            throw new IdxFormatException(file, "truncated header (ends before the " + what + ")", e);
        } catch (ZipException e) {
            throw new IdxFormatException(file, "corrupt gzip data", e);
        }
        if (value < min) {
            throw new IdxFormatException(file, "header gives " + what + " " + value + ", must be >= " + min);
        }
        return value;
    }

    private static byte[] readData(DataInputStream in, Path file, int bytes, String announced) throws IOException {
        byte[] data = new byte[bytes];
        int read = 0;
        try {
            while (read < bytes) {
                int n = in.read(data, read, bytes - read);
                if (n < 0) {
                    throw new IdxFormatException(file, "truncated: header announces " + announced
                            + " but the data ends after " + read + " bytes");
                }
                read += n;
            }
            if (in.read() >= 0) {
                throw new IdxFormatException(file, "has extra bytes after the " + announced
                        + " its header announces");
            }
        } catch (EOFException e) {
            // GZIPInputStream throws this when the compressed stream itself is cut short.
            throw new IdxFormatException(file, "truncated gzip stream after " + read + " of " + bytes
                    + " data bytes", e);
        } catch (ZipException e) {
            throw new IdxFormatException(file, "corrupt gzip data after " + read + " of " + bytes
                    + " data bytes", e);
        }
        return data;
    }
}
