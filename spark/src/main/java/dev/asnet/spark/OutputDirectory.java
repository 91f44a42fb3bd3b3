package dev.asnet.spark;

import java.io.IOException;
import java.util.UUID;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A job's output folder, written whole or not at all: Spark writes into a hidden staging folder
 * next to it ({@code .NAME.asnet-UUID.tmp}, which Spark and Hadoop readers skip), and only a
 * complete result is renamed to the target. An existing target is replaced only when asked, and
 * then only after the new result is complete: it is first renamed aside, then deleted. On HDFS and
 * local disks a rename is atomic; on object stores, which copy, readers may briefly see a partial
 * folder, as with every Spark job there.
 */
final class OutputDirectory {
    private final FileSystem fs;
    private final Path target;
    private final Path staging;
    private final boolean overwrite;

    private OutputDirectory(FileSystem fs, Path target, boolean overwrite) {
        this.fs = fs;
        this.target = target;
        this.overwrite = overwrite;
        this.staging = sibling(target, "tmp");
    }

    /**
     * Checks the target before any work starts.
     *
     * @param fs the target's file system
     * @param target the folder the job's result is to become
     * @param overwrite whether an existing folder may be replaced
     * @return the output
     * @throws OutputExistsException if the target exists and overwriting was not asked for, or it
     *     is not a folder
     * @throws IOException if the file system cannot be asked
     */
    static OutputDirectory prepare(FileSystem fs, Path target, boolean overwrite) throws IOException {
        Path qualified = fs.makeQualified(target);
        if (qualified.getParent() == null) {
            throw new OutputExistsException(target + " is a file system root; name a folder to create");
        }
        if (fs.exists(qualified)) {
            FileStatus s = fs.getFileStatus(qualified);
            if (!s.isDirectory()) {
                throw new OutputExistsException(target + " exists and is not a folder; asnet will not replace it");
            }
            if (!overwrite) {
                throw new OutputExistsException(target + " exists; pass --overwrite to replace it");
            }
        }
        return new OutputDirectory(fs, qualified, overwrite);
    }

    /**
     * Where Spark writes.
     *
     * @return the staging folder (does not exist yet)
     */
    Path staging() {
        return staging;
    }

    /**
     * The final folder.
     *
     * @return the target
     */
    Path target() {
        return target;
    }

    /**
     * Makes the staged result the target, replacing an existing target if that was allowed.
     *
     * @throws IOException if a rename fails (the staged result is then left in place and named in
     *     the message)
     */
    void commit() throws IOException {
        Path old = null;
        if (fs.exists(target)) {
            if (!overwrite) {
                throw new OutputExistsException(target + " was created while the job ran; the result is in " + staging);
            }
            old = sibling(target, "old");
            if (!fs.rename(target, old)) {
                throw new IOException("cannot move the old " + target + " aside; the new result is in " + staging);
            }
        }
        // The target does not exist now: rename() moves the folder to it (not into it).
        if (!fs.rename(staging, target)) {
            if (old != null && !fs.exists(target)) {
                fs.rename(old, target);
            }
            throw new IOException("cannot rename " + staging + " to " + target);
        }
        if (old != null) {
            fs.delete(old, true);
        }
    }

    /** Removes the staged result after a failure; the target is untouched. */
    void abort() {
        try {
            fs.delete(staging, true);
        } catch (IOException e) {
            System.getLogger(OutputDirectory.class.getName()).log(System.Logger.Level.WARNING,
                    "cannot remove " + staging + ": " + e.getMessage());
        }
    }

    private static Path sibling(Path target, String kind) {
        return new Path(target.getParent(), "." + target.getName() + ".asnet-" + UUID.randomUUID() + "." + kind);
    }

    /** The output folder exists (or is not a folder) and may not be replaced. */
    static final class OutputExistsException extends IOException {
        private static final long serialVersionUID = 1L;

        OutputExistsException(String message) {
            super(message);
        }
    }
}
