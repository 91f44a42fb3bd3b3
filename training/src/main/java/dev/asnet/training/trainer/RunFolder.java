package dev.asnet.training.trainer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A training run's output folder, held for the length of the run.
 *
 * <p>Two runs writing into one folder would leave a mix of both, so the folder is locked with an
 * operating-system file lock on {@value #LOCK_FILE}: the lock dies with its process (kill -9
 * included), so a lock left by a dead run never blocks the next one, and the file itself is never
 * deleted (deleting a lock file lets two processes each lock a different file).
 *
 * <p>A fresh run must not silently replace an earlier run's results: a folder that already holds
 * a checkpoint, a model or metrics is refused unless the caller asks to overwrite, in which case
 * exactly those known result files are removed first (nothing else in the folder is touched).
 */
public final class RunFolder implements AutoCloseable {
    /** The lock file inside the output folder. */
    public static final String LOCK_FILE = ".asnet-train.lock";

    /** The files and folders a run writes, which mark the folder as holding a run. */
    static final List<String> RESULTS = List.of(Checkpoint.FILE_NAME, Trainer.MODEL_FILE, MetricsFiles.CSV,
            MetricsFiles.JSON, Trainer.COMMAND_FILE);

    private final Path dir;
    private final FileChannel channel;
    private final FileLock lock;

    private RunFolder(Path dir, FileChannel channel, FileLock lock) {
        this.dir = dir;
        this.channel = channel;
        this.lock = lock;
    }

    /** The folder cannot be used for this run: another run holds it, or it holds an earlier run's results. */
    public static final class RunFolderException extends IOException {
        private static final long serialVersionUID = 1L;

        /** Why the folder was refused. */
        public enum Reason {
            /** Another training process (or another trainer in this process) is writing there. */
            IN_USE,
            /** The folder holds an earlier run's results and overwriting was not asked for. */
            HOLDS_RESULTS
        }

        private final Reason reason;

        RunFolderException(Reason reason, String message) {
            super(message);
            this.reason = reason;
        }

        /**
         * Why the folder was refused.
         *
         * @return the reason
         */
        public Reason reason() {
            return reason;
        }
    }

    /**
     * Creates (if needed) and locks a run's output folder.
     *
     * @param dir the output folder
     * @param continuing whether this run continues the checkpoint already in {@code dir}; then its
     *     results are expected and kept
     * @param overwrite whether an earlier run's results in {@code dir} may be removed
     * @return the held folder; close it to release the lock
     * @throws RunFolderException if another run holds the folder, or it holds results and neither
     *     {@code continuing} nor {@code overwrite} is set
     * @throws IOException if the folder cannot be created or locked
     */
    public static RunFolder acquire(Path dir, boolean continuing, boolean overwrite) throws IOException {
        Files.createDirectories(dir);
        Path lockFile = dir.resolve(LOCK_FILE);
        FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        FileLock lock = null;
        try {
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException sameProcess) {
                lock = null;
            }
            if (lock == null) {
                String holder = readHolder(ch);
                throw new RunFolderException(RunFolderException.Reason.IN_USE, "another training run"
                        + (holder.isEmpty() ? "" : " (process " + holder + ")") + " is writing to " + dir
                        + "; wait for it to finish or choose another --out");
            }
            RunFolder folder = new RunFolder(dir, ch, lock);
            if (!continuing) {
                List<String> found = existingResults(dir);
                if (!found.isEmpty() && !overwrite) {
                    throw new RunFolderException(RunFolderException.Reason.HOLDS_RESULTS, dir
                            + " already holds a training run (" + String.join(", ", found) + "); continue it with"
                            + " --resume " + dir + ", choose another --out, or pass --overwrite to replace it");
                }
                for (String name : found) {
                    Files.deleteIfExists(dir.resolve(name));
                }
            }
            ch.truncate(0);
            ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            return folder;
        } catch (IOException | RuntimeException | Error e) {
            if (lock != null) {
                lock.release();
            }
            ch.close();
            throw e;
        }
    }

    /**
     * The result files of a run that exist in a folder.
     *
     * @param dir the folder
     * @return their names, in {@link #RESULTS} order
     */
    static List<String> existingResults(Path dir) {
        List<String> found = new ArrayList<>();
        for (String name : RESULTS) {
            if (Files.exists(dir.resolve(name), LinkOption.NOFOLLOW_LINKS)) {
                found.add(name);
            }
        }
        return found;
    }

    private static String readHolder(FileChannel ch) {
        try {
            ByteBuffer b = ByteBuffer.allocate(32);
            ch.read(b, 0);
            return new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * The folder.
     *
     * @return its path
     */
    public Path dir() {
        return dir;
    }

    /** Releases the lock; the lock file stays (see the class comment). */
    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
