package dev.asnet.runtime;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Child JVM of {@link LongCommandLineTest}: opens a model as the process's first use of ONNX
 * Runtime, on a thread with a 1 MiB stack (as a Spark task thread or a server's worker has), and
 * prints the result.
 */
public final class FirstSessionOnSmallStackMain {
    private FirstSessionOnSmallStackMain() {}

    /**
     * Runs the check.
     *
     * @param args the model file
     * @throws Exception if the thread fails to start
     */
    public static void main(String[] args) throws Exception {
        byte[] model = Files.readAllBytes(Path.of(args[0]));
        Thread worker = new Thread(null, () -> {
            try (AsnetModel m = AsnetModel.open(model, RuntimeOptions.builder().optIntraOpThreads(1)
                    .optNchwcRewrite(false).build())) {
                System.out.println("opened " + m);
            } catch (Exception e) {
                e.printStackTrace(System.out);
            }
        }, "small-stack", 1 << 20);
        worker.start();
        worker.join();
    }
}
