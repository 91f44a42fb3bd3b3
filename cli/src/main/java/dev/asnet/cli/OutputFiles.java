package dev.asnet.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The CLI's output files: refuses a missing output folder or a directory as the target (a user
 * typo should not create folders), then writes atomically through the shared
 * {@link dev.asnet.exporter.io.AtomicFiles}.
 */
final class OutputFiles {
    private OutputFiles() {}

    /**
     * Checks the target, then writes it atomically.
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
        dev.asnet.exporter.io.AtomicFiles.write(abs, bytes);
    }
}
