package dev.asnet.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads model files with messages that say which file and what is wrong. */
final class ModelFiles {
    private ModelFiles() {}

    static byte[] readModelBytes(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, "model file not found");
        }
        if (Files.isDirectory(file)) {
            throw new InvalidModelException(file + ": is a directory, not an ONNX model file");
        }
        return Files.readAllBytes(file);
    }
}
