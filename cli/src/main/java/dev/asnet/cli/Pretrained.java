package dev.asnet.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
     * The pretrained AS-ResNet, or a clear error.
     *
     * @return the model file
     * @throws IOException if the folder cannot be listed
     * @throws CliException if there is none
     */
    static Path locate() throws IOException {
        Path dir = folder();
        List<Path> found = List.of();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> s = Files.list(dir)) {
                found = s.filter(p -> p.getFileName().toString().startsWith("as-resnet")
                        && p.getFileName().toString().endsWith(".onnx")).sorted().toList();
            }
        }
        if (found.isEmpty()) {
            throw new CliException(ExitCodes.FILE_PROBLEM, "no pretrained AS-ResNet (as-resnet*.onnx) in " + dir
                    + "; run from the repository (./asnet) or pass --model FILE");
        }
        return found.get(0);
    }
}
