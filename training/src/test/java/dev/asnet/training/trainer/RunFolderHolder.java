package dev.asnet.training.trainer;

import java.nio.file.Path;

/** Holds a run folder in a child process for {@link RunFolderTest}: locks, says so, and waits to be killed. */
public final class RunFolderHolder {
    private RunFolderHolder() {}

    /**
     * Locks the folder given as the only argument.
     *
     * @param args the folder
     * @throws Exception if locking fails
     */
    public static void main(String[] args) throws Exception {
        RunFolder folder = RunFolder.acquire(Path.of(args[0]), false, false);
        System.out.println("locked");
        System.out.flush();
        Thread.sleep(120_000);
        folder.close();
    }
}
