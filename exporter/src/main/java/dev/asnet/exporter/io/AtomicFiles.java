package dev.asnet.exporter.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes files so that readers see either the old or the new contents, never a mix: the bytes go
 * to a temporary file in the same folder, are forced to disk, and the file is moved over the
 * target atomically. Every module writes its outputs (models, checkpoints, metrics, reports)
 * through this class.
 *
 * <p>Rules that keep a careless or hostile path from destroying anything else:
 * <ul>
 *   <li>The target must be absent or a regular file. A device ({@code /dev/null}), FIFO, socket,
 *       directory or symbolic link is refused with {@link UnsafeTargetException}: renaming over it
 *       would replace a system file or the link, and writing through a link would change a file
 *       the user did not name.
 *   <li>The temporary file gets a fresh random name ({@code .NAME.PID.RANDOM.tmp}) and is created
 *       exclusively ({@code CREATE_NEW}, which never follows a link planted at that name).
 *   <li>Temporary files left by processes that died while writing (kill -9, power loss) are
 *       removed the next time the same target is written; those of live processes are left alone.
 *   <li>Every failure names the target (for example "No space left on device").
 * </ul>
 */
public final class AtomicFiles {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final long PID = ProcessHandle.current().pid();

    private AtomicFiles() {}

    /** The target exists and is not a regular file, so asnet will not replace it. */
    public static final class UnsafeTargetException extends FileSystemException {
        private static final long serialVersionUID = 1L;

        /**
         * Creates the exception.
         *
         * @param file the target
         * @param reason what it is and why it is refused
         */
        public UnsafeTargetException(Path file, String reason) {
            super(file.toString(), null, reason);
        }
    }

    /**
     * Replaces a file's contents atomically (creating missing parent folders).
     *
     * @param target the file
     * @param bytes the new contents
     * @throws UnsafeTargetException if the target exists and is not a regular file
     * @throws IOException if writing or moving fails; the message names the target
     */
    public static void write(Path target, byte[] bytes) throws IOException {
        target = target.toAbsolutePath().normalize();
        Path dir = target.getParent();
        checkTarget(target);
        try {
            Files.createDirectories(dir);
        } catch (FileSystemException e) {
            throw withPath(e, dir, "cannot create the output folder");
        }
        removeStaleTemporaries(dir, target.getFileName().toString());
        Path tmp = createTemporary(dir, target.getFileName().toString());
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                ByteBuffer b = ByteBuffer.wrap(bytes);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(true);
            } catch (IOException e) {
                // Disk full and similar errors come without a file name.
                throw withPath(e, target, "cannot write");
            }
            // Checked again just before the move: the target may have changed meanwhile.
            checkTarget(target);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            } catch (FileSystemException e) {
                throw withPath(e, target, "cannot replace");
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
        write(target, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Checks that a path may be replaced by {@link #write}: absent, or a regular file (not a link).
     *
     * @param target the file to be written
     * @throws UnsafeTargetException if it exists and is anything else
     * @throws IOException if its attributes cannot be read
     */
    public static void checkTarget(Path target) throws IOException {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(target, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException absent) {
            return;
        }
        if (a.isRegularFile()) {
            return;
        }
        String what = a.isDirectory() ? "is a directory; give a file name"
                : a.isSymbolicLink() ? "is a symbolic link; asnet neither writes through links nor replaces them, "
                        + "give the real file's path"
                : "is not a regular file (a device, FIFO or socket); asnet writes only regular files";
        throw new UnsafeTargetException(target, what);
    }

    private static Path createTemporary(Path dir, String name) throws IOException {
        Set<PosixFilePermission> perms = PosixFilePermissions.fromString("rw-r--r--");
        boolean posix = Files.getFileStore(dir).supportsFileAttributeView("posix");
        FileAttribute<?>[] attrs = posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(perms)}
                : new FileAttribute<?>[0];
        for (int attempt = 0; ; attempt++) {
            Path tmp = dir.resolve(temporaryName(name));
            try {
                // CREATE_NEW fails on anything already at that name, including a (dangling) link.
                Files.newByteChannel(tmp, Set.<OpenOption>of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                        LinkOption.NOFOLLOW_LINKS), attrs).close();
                if (posix) {
                    // The umask may have narrowed the mode given at creation; results are rw-r--r--.
                    Files.setPosixFilePermissions(tmp, perms);
                }
                return tmp;
            } catch (java.nio.file.FileAlreadyExistsException e) {
                if (attempt >= 16) {
                    throw e;
                }
            } catch (FileSystemException e) {
                throw withPath(e, dir.resolve(name), "cannot create a temporary file in " + dir);
            }
        }
    }

    private static String temporaryName(String name) {
        return "." + name + "." + PID + "." + Long.toUnsignedString(RANDOM.nextLong(), 36) + ".tmp";
    }

    /**
     * Removes temporary files of {@code name} whose writing process no longer runs. Best effort:
     * a folder that cannot be listed is left as it is.
     */
    static void removeStaleTemporaries(Path dir, String name) {
        Pattern p = Pattern.compile(Pattern.quote("." + name + ".") + "(\\d+)\\.[0-9a-z]+\\.tmp");
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "." + globEscape(name) + ".*.tmp")) {
            for (Path f : files) {
                Matcher m = p.matcher(f.getFileName().toString());
                if (!m.matches()) {
                    continue;
                }
                long pid;
                try {
                    pid = Long.parseLong(m.group(1));
                } catch (NumberFormatException e) {
                    continue;
                }
                if (pid != PID && ProcessHandle.of(pid).isEmpty()
                        && Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                    Files.deleteIfExists(f);
                }
            }
        } catch (IOException | RuntimeException e) {
            // Leftovers are harmless; never fail a write because of them.
        }
    }

    private static String globEscape(String s) {
        return s.replaceAll("([\\\\*?\\[\\]{}])", "\\\\$1");
    }

    private static IOException withPath(IOException e, Path path, String what) {
        if (e instanceof UnsafeTargetException) {
            return e;
        }
        String reason;
        if (e instanceof FileSystemException f) {
            // Java leaves the reason out of some of these; their message is then just a file name.
            reason = f.getReason() != null ? f.getReason()
                    : e instanceof NoSuchFileException ? "No such file or directory"
                    : e instanceof java.nio.file.AccessDeniedException ? "Permission denied"
                    : e instanceof java.nio.file.FileAlreadyExistsException ? "File exists"
                    : e.getClass().getSimpleName();
        } else {
            reason = e.getMessage();
        }
        // FileSystemException's message is "FILE: REASON".
        IOException wrapped = new FileSystemException(path.toString(), null, what + ": " + reason);
        wrapped.initCause(e);
        return wrapped;
    }
}
