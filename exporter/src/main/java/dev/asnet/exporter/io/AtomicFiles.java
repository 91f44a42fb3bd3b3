package dev.asnet.exporter.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.ByteBuffer;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes files so that readers see either the old or the new contents, never a mix: the bytes go
 * to a temporary file in the same folder, are forced to disk, and the file is moved over the
 * target atomically. Every module writes its outputs (models, checkpoints, metrics, reports)
 * through this class.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    /**
     * Replaces a file's contents atomically (creating missing parent folders).
     *
     * @param target the file
     * @param bytes the new contents
     * @throws IOException if writing or moving fails
     */
    public static void write(Path target, byte[] bytes) throws IOException {
        target = target.toAbsolutePath();
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
        try {
            // Temporary files are created owner-only; results are ordinary files (rw-r--r--).
            if (Files.getFileStore(tmp).supportsFileAttributeView("posix")) {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer b = ByteBuffer.wrap(bytes);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Replaces a text file's contents atomically, as UTF-8.
     *
     * @param target the file
     * @param text the new contents
     * @throws IOException if writing or moving fails
     */
    public static void writeString(Path target, String text) throws IOException {
        write(target, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
