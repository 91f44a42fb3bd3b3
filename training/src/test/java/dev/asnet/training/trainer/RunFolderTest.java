package dev.asnet.training.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.asnet.training.trainer.RunFolder.RunFolderException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The output-folder lock and the refusal to replace an earlier run. */
class RunFolderTest {
    @TempDir
    Path dir;

    @Test
    void oneRunAtATimeInOneProcess() throws Exception {
        Path out = dir.resolve("run");
        try (RunFolder first = RunFolder.acquire(out, false, false)) {
            RunFolderException e = assertThrows(RunFolderException.class, () -> RunFolder.acquire(out, true, false));
            assertEquals(RunFolderException.Reason.IN_USE, e.reason());
            assertTrue(e.getMessage().contains("another training run (process " + ProcessHandle.current().pid()
                    + ") is writing to " + out), e.getMessage());
        }
        // Released on close; the lock file stays and does not block.
        assertTrue(Files.exists(out.resolve(RunFolder.LOCK_FILE)));
        RunFolder.acquire(out, true, false).close();
    }

    @Test
    void oneRunAtATimeAcrossProcessesAndAKilledHolderLeavesNoStaleLock() throws Exception {
        Path out = dir.resolve("run");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process holder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                RunFolderHolder.class.getName(), out.toString()).redirectErrorStream(true).start();
        try {
            BufferedReader lines = new BufferedReader(new InputStreamReader(holder.getInputStream(),
                    StandardCharsets.UTF_8));
            assertEquals("locked", lines.readLine());
            RunFolderException e = assertThrows(RunFolderException.class, () -> RunFolder.acquire(out, true, false));
            assertEquals(RunFolderException.Reason.IN_USE, e.reason());
            assertTrue(e.getMessage().contains("(process " + holder.pid() + ")"), e.getMessage());
        } finally {
            holder.destroyForcibly();  // SIGKILL: no shutdown hook, no cleanup
            assertTrue(holder.waitFor(30, TimeUnit.SECONDS));
        }
        RunFolder.acquire(out, true, false).close();
    }

    @Test
    void earlierResultsAreRefusedUnlessOverwriting() throws Exception {
        Path out = Files.createDirectories(dir.resolve("run"));
        Files.writeString(out.resolve(Checkpoint.FILE_NAME), "old checkpoint");
        Files.writeString(out.resolve(Trainer.MODEL_FILE), "old model");
        Files.writeString(out.resolve("notes.txt"), "the user's own file");
        RunFolderException e = assertThrows(RunFolderException.class, () -> RunFolder.acquire(out, false, false));
        assertEquals(RunFolderException.Reason.HOLDS_RESULTS, e.reason());
        assertTrue(e.getMessage().contains("already holds a training run (checkpoint.asnet, model.onnx)")
                && e.getMessage().contains("--resume " + out) && e.getMessage().contains("--overwrite"), e.getMessage());
        assertEquals("old model", Files.readString(out.resolve(Trainer.MODEL_FILE)));
        // Continuing keeps them; overwriting removes exactly the run's files.
        RunFolder.acquire(out, true, false).close();
        assertTrue(Files.exists(out.resolve(Checkpoint.FILE_NAME)));
        RunFolder.acquire(out, false, true).close();
        assertFalse(Files.exists(out.resolve(Checkpoint.FILE_NAME)));
        assertFalse(Files.exists(out.resolve(Trainer.MODEL_FILE)));
        assertEquals("the user's own file", Files.readString(out.resolve("notes.txt")));
    }
}
