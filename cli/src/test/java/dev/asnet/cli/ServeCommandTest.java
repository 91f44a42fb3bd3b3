package dev.asnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code asnet serve}'s checks and {@code --triton-repo}; serving itself is tested in the serving module and ServeIT. */
class ServeCommandTest {
    static final Path PRETRAINED = Path.of("..", "models", "pretrained", "as-resnet20-16x3-fashion-mnist.onnx");

    @TempDir
    Path dir;

    @Test
    void aModelThatDoesNotLoadRefusesToStart() throws Exception {
        Path bad = Files.write(dir.resolve("broken.onnx"), new byte[] {1, 2, 3});
        CliRunner.Result r = CliRunner.run("serve", bad.toString(), "--port", "0");
        assertEquals(ExitCodes.FILE_PROBLEM, r.exitCode(), r.toString());
        assertTrue(r.err().startsWith("asnet: error: ") && r.err().contains("broken.onnx"), r.err());
        assertFalse(r.out().contains("listening"), r.out());
    }

    @Test
    void badValuesAreUsageErrors() throws Exception {
        CliRunner.Result batch = CliRunner.run("serve", PRETRAINED.toString(), "--max-batch", "0");
        assertEquals(ExitCodes.USAGE, batch.exitCode(), batch.toString());
        assertTrue(batch.err().contains("--max-batch must be 1-"), batch.err());
        CliRunner.Result port = CliRunner.run("serve", PRETRAINED.toString(), "--port", "70000");
        assertEquals(ExitCodes.USAGE, port.exitCode(), port.toString());
        Path a = Files.copy(PRETRAINED, dir.resolve("m.onnx"));
        Path b = Files.copy(PRETRAINED, Files.createDirectory(dir.resolve("sub")).resolve("m.onnx"));
        CliRunner.Result dup = CliRunner.run("serve", a.toString(), b.toString(), "--port", "0");
        assertEquals(ExitCodes.USAGE, dup.exitCode(), dup.toString());
        assertTrue(dup.err().contains("would both be served as 'm'"), dup.err());
    }

    @Test
    void tritonRepositoryIsWrittenAndNotOverwrittenByAccident() throws Exception {
        Path model = Files.copy(PRETRAINED, dir.resolve("fmnist.onnx"));
        Path repo = dir.resolve("triton");
        CliRunner.Result r = CliRunner.run("serve", model.toString(), "--triton-repo", repo.toString(),
                "--max-batch", "8", "--max-delay-ms", "3", "--threads", "1");
        assertEquals(ExitCodes.OK, r.exitCode(), r.toString());
        String config = Files.readString(repo.resolve("fmnist/config.pbtxt"));
        assertTrue(config.contains("max_batch_size: 8") && config.contains("max_queue_delay_microseconds: 3000"),
                config);
        assertTrue(Files.exists(repo.resolve("fmnist/1/model.onnx")));
        CliRunner.Result again = CliRunner.run("serve", model.toString(), "--triton-repo", repo.toString());
        assertEquals(ExitCodes.FILE_PROBLEM, again.exitCode(), again.toString());
        assertTrue(again.err().contains("--overwrite"), again.err());
        CliRunner.Result overwrite = CliRunner.run("serve", model.toString(), "--triton-repo", repo.toString(),
                "--overwrite", "--max-batch", "1");
        assertEquals(ExitCodes.OK, overwrite.exitCode(), overwrite.toString());
        assertTrue(Files.readString(repo.resolve("fmnist/config.pbtxt")).contains("max_batch_size: 1\n"));
    }
}
