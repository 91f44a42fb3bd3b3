package dev.asnet.cli;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Writes files so that readers see either the old file or the complete new one, never a partial one. */
final class AtomicFiles {
    private AtomicFiles() {}

    /**
     * Writes bytes to a temporary file next to the target, then renames it over the target.
     *
     * @param target the file to (re)place
     * @param bytes its content
     * @throws NoSuchFileException if the target's folder does not exist
     * @throws IOException if writing fails
     */
    static void write(Path target, byte[] bytes) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "output folder does not exist");
        }
        if (Files.isDirectory(abs)) {
            throw new IOException(target + ": is a directory; give a file name such as model.onnx");
        }
        Path tmp = Files.createTempFile(dir, "." + abs.getFileName(), ".part");
        try {
            Files.write(tmp, bytes);
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
