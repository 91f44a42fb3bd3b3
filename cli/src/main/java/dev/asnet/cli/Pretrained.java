package dev.asnet.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Finds the pretrained models shipped in the repository's {@code models/pretrained/} folder. The
 * {@code ./asnet} launcher tells the JVM where the repository is ({@code -Dasnet.home}); without
 * it the working directory is searched.
 */
final class Pretrained {
    /** The folder, relative to the repository root. */
    static final Path FOLDER = Path.of("models", "pretrained");

    private Pretrained() {}

    /** The folder holding the pretrained models. */
    static Path folder() {
        String home = System.getProperty("asnet.home");
        return (home != null ? Path.of(home) : Path.of("")).toAbsolutePath().resolve(FOLDER);
    }

    /**
     * The pretrained AS-ResNet, if the folder has one ({@code as-resnet*.onnx}, first by name).
     *
     * @return the model file, or empty
     * @throws IOException if the folder cannot be listed
     */
    static Optional<Path> find() throws IOException {
        Path dir = folder();
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> found = s.filter(p -> p.getFileName().toString().startsWith("as-resnet")
                    && p.getFileName().toString().endsWith(".onnx")).sorted().toList();
            return found.stream().findFirst();
        }
    }
}
