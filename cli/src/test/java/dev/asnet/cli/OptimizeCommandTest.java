package dev.asnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.asnet.exporter.onnx.Onnx.ModelProto;
import dev.asnet.exporter.onnx.Onnx.NodeProto;
import dev.asnet.runtime.ModelDescription;
import dev.asnet.runtime.nchwc.NchwcOps;
import dev.asnet.runtime.nchwc.NchwcRewrite;
import dev.asnet.runtime.nchwc.NchwcSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code asnet optimize} writes a machine-specific rewritten model, and {@code asnet inspect} says so. */
class OptimizeCommandTest {
    @TempDir
    static Path shared;

    @TempDir
    Path dir;

    static Path custom;
    static Path portable;

    @BeforeAll
    static void export() {
        custom = shared.resolve("custom.onnx");
        portable = shared.resolve("portable.onnx");
        assertEquals(0, CliRunner.run("export", "as-resnet20-16x1", "--input", "1x28x28", "--classes", "10",
                "-o", custom.toString()).exitCode());
        assertEquals(0, CliRunner.run("export", "as-resnet20-16x1", "--input", "1x28x28", "--classes", "10",
                "--lowering", "portable", "-o", portable.toString()).exitCode());
    }

    private static void assumeNchwc() {
        assumeTrue(NchwcSupport.blockSize().blockSize().isPresent(), NchwcSupport.blockSize().explanation());
    }

    @Test
    void writesTheRewrittenMachineSpecificModel() throws Exception {
        assumeNchwc();
        Path out = dir.resolve("fast.onnx");
        CliRunner.Result r = CliRunner.run("optimize", custom.toString(), "-o", out.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("rewrote"), r.out());
        ModelProto m = ModelProto.parseFrom(Files.readAllBytes(out));
        long blocked = m.getGraph().getNodeList().stream()
                .filter(n -> n.getOpType().equals(NchwcOps.ACTIVE_SHIFT_NCHWC)).count();
        assertTrue(blocked > 0);
        for (NodeProto n : m.getGraph().getNodeList()) {
            assertTrue(!NchwcOps.isActiveShift(n), "every ActiveShift of the zoo network is rewritable");
        }
        ModelDescription d = ModelDescription.read(out);
        assertTrue(d.metadata(NchwcRewrite.MACHINE_SPECIFIC).orElse("").contains("block size"));
        assertTrue(d.customDomains().equals(java.util.Set.of("dev.asnet")), d.customDomains().toString());

        CliRunner.Result inspect = CliRunner.run("inspect", out.toString());
        assertEquals(0, inspect.exitCode(), inspect.toString());
        assertTrue(inspect.out().contains("machine         specific: ONNX Runtime"), inspect.out());
        CliRunner.Result plain = CliRunner.run("inspect", custom.toString());
        assertTrue(plain.out().contains("machine         portable"), plain.out());

        CliRunner.Result again = CliRunner.run("optimize", out.toString(), "-o", dir.resolve("x.onnx").toString());
        assertEquals(ExitCodes.USAGE, again.exitCode(), again.toString());
        assertTrue(again.err().contains("already machine-specific"), again.err());
    }

    @Test
    void modelsWithoutTheCustomOpHaveNothingToRewrite() {
        CliRunner.Result r = CliRunner.run("optimize", portable.toString(), "-o", dir.resolve("x.onnx").toString());
        assertEquals(ExitCodes.USAGE, r.exitCode(), r.toString());
        assertTrue(r.err().startsWith("asnet: error: ") && r.err().contains("nothing to rewrite"), r.err());
        assertTrue(Files.notExists(dir.resolve("x.onnx")));
    }

    @Test
    void missingModelIsAFileProblem() {
        CliRunner.Result r = CliRunner.run("optimize", dir.resolve("absent.onnx").toString(), "-o",
                dir.resolve("x.onnx").toString());
        assertEquals(ExitCodes.FILE_PROBLEM, r.exitCode(), r.toString());
    }

    @Test
    void outputIsRequired() {
        CliRunner.Result r = CliRunner.run("optimize", custom.toString());
        assertEquals(ExitCodes.USAGE, r.exitCode(), r.toString());
        assertTrue(r.err().contains("--output"), r.err());
    }
}
