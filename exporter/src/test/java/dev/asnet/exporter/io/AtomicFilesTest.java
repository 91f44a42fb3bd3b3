package dev.asnet.exporter.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@link AtomicFiles} refuses, and that it never writes through or leaves anything behind. */
class AtomicFilesTest {
    @TempDir
    Path dir;

    @Test
    void writesAndReplacesRegularFiles() throws IOException {
        Path f = dir.resolve("sub/m.onnx");
        AtomicFiles.write(f, new byte[] {1, 2, 3});
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(f));
        AtomicFiles.writeString(f, "new");
        assertEquals("new", Files.readString(f));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        assertEquals(List.of("m.onnx"), names(f.getParent()), "no temporary file left");
    }

    @Test
    void refusesDevicesAndLeavesThemAlone() throws IOException {
        Path devNull = Path.of("/dev/null");
        assumeTrue(Files.exists(devNull), "/dev/null");
        Object before = Files.getAttribute(devNull, "unix:rdev");
        FileSystemException e = assertThrows(AtomicFiles.UnsafeTargetException.class,
                () -> AtomicFiles.write(devNull, new byte[] {1}));
        assertTrue(e.getMessage().startsWith("/dev/null: is not a regular file"), e.getMessage());
        assertFalse(Files.isRegularFile(devNull));
        assertEquals(before, Files.getAttribute(devNull, "unix:rdev"), "still the same device");
    }

    @Test
    void refusesFifosDirectoriesAndLinks() throws Exception {
        Path fifo = dir.resolve("fifo");
        Process p = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assumeTrue(p.waitFor() == 0, "mkfifo");
        assertTrue(assertThrows(AtomicFiles.UnsafeTargetException.class, () -> AtomicFiles.write(fifo, new byte[1]))
                .getMessage().contains("not a regular file"));
        assertTrue(Files.exists(fifo, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(fifo));

        Path folder = Files.createDirectory(dir.resolve("folder"));
        assertTrue(assertThrows(AtomicFiles.UnsafeTargetException.class, () -> AtomicFiles.write(folder, new byte[1]))
                .getMessage().contains("is a directory"));

        Path victim = Files.writeString(dir.resolve("victim.txt"), "keep");
        Path link = Files.createSymbolicLink(dir.resolve("link.onnx"), victim);
        assertTrue(assertThrows(AtomicFiles.UnsafeTargetException.class, () -> AtomicFiles.write(link, new byte[1]))
                .getMessage().contains("is a symbolic link"));
        assertEquals("keep", Files.readString(victim));
        assertTrue(Files.isSymbolicLink(link));
        Path dangling = Files.createSymbolicLink(dir.resolve("dangling.onnx"), dir.resolve("made-by-link"));
        assertThrows(AtomicFiles.UnsafeTargetException.class, () -> AtomicFiles.write(dangling, new byte[1]));
        assertFalse(Files.exists(dir.resolve("made-by-link")), "nothing created through a dangling link");
    }

    @Test
    void temporaryFilesAreFreshAndNeverFollowLinks() throws IOException {
        // Links planted at every name a fixed-name writer might use must not be written through.
        Path victim = Files.writeString(dir.resolve("victim.txt"), "keep");
        for (String name : new String[] {"report.md.tmp", ".report.md.tmp", "report.md.part"}) {
            Files.createSymbolicLink(dir.resolve(name), victim);
        }
        for (int i = 0; i < 50; i++) {
            AtomicFiles.writeString(dir.resolve("report.md"), "report " + i);
        }
        assertEquals("keep", Files.readString(victim));
        assertEquals("report 49", Files.readString(dir.resolve("report.md")));
        assertEquals(List.of(".report.md.tmp", "report.md", "report.md.part", "report.md.tmp", "victim.txt"),
                names(dir));
    }

    @Test
    void removesTemporariesOfDeadProcessesOnly() throws IOException {
        Path target = dir.resolve("checkpoint.asnet");
        long dead = deadPid();
        Path stale = Files.writeString(dir.resolve(".checkpoint.asnet." + dead + ".k3j2.tmp"), "half");
        // pid 1 always runs; another target's leftovers and unrelated files are not ours to touch.
        Path live = Files.writeString(dir.resolve(".checkpoint.asnet.1.abc.tmp"), "in progress");
        Path other = Files.writeString(dir.resolve(".model.onnx." + dead + ".zz.tmp"), "other");
        Path unrelated = Files.writeString(dir.resolve(".checkpoint.asnet.notes.tmp"), "mine");
        AtomicFiles.write(target, "ok".getBytes(StandardCharsets.UTF_8));
        assertFalse(Files.exists(stale), "stale temporary removed");
        assertTrue(Files.exists(live) && Files.exists(other) && Files.exists(unrelated));
    }

    @Test
    void errorsNameTheTarget() {
        // /proc refuses new files: the error names what was being written, not a temporary name.
        Path target = Path.of("/proc/self/asnet-model.onnx");
        assumeTrue(Files.isDirectory(target.getParent()), "/proc");
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(target, new byte[1]));
        assertTrue(e.getMessage().startsWith(target + ": "), e.getMessage());
        assertFalse(e.getMessage().contains(".tmp"), e.getMessage());
    }

    private static long deadPid() {
        for (long pid = 4_000_000; ; pid--) {
            if (ProcessHandle.of(pid).isEmpty()) {
                return pid;
            }
        }
    }

    private static List<String> names(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
