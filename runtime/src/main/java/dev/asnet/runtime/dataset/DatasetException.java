package dev.asnet.runtime.dataset;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A dataset folder that cannot be used as it is: no layout asnet reads, an empty class folder,
 * images of mixed sizes without a size to bring them to, a class without validation images, a
 * malformed CIFAR-10 file. The message names the folder or file and what was expected.
 */
public class DatasetException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path path;

    /**
     * Creates the exception.
     *
     * @param path the folder or file at fault
     * @param problem what is wrong and what was expected
     */
    public DatasetException(Path path, String problem) {
        super(path + ": " + problem);
        this.path = path;
    }

    /**
     * The folder or file at fault.
     *
     * @return its path
     */
    public Path path() {
        return path;
    }
}
