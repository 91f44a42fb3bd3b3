package dev.asnet.cli;

import dev.asnet.exporter.onnx.Onnx.ModelProto;
import dev.asnet.exporter.onnx.Onnx.TensorProto;
import dev.asnet.exporter.ops.AsnetDomain;
import dev.asnet.runtime.ModelDescription;
import dev.asnet.runtime.nchwc.MachineSpecificModels;
import dev.asnet.runtime.nchwc.NchwcOps;
import dev.asnet.runtime.nchwc.NchwcRewrite;
import dev.asnet.runtime.nchwc.NchwcSupport;
import dev.asnet.runtime.nchwc.NchwcUnavailableException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code asnet optimize}: writes ONNX Runtime's optimized graph of a model for this machine with each
 * ReorderOutput -> ActiveShift -> ReorderInput chain replaced by one ActiveShiftNchwc, for users of
 * plain ONNX Runtime with the asnet op library (asnet's own runtime does this by itself and caches it).
 */
@Command(name = "optimize",
        description = {"Write the model as ONNX Runtime optimizes it on this machine, with every Active Shift "
                + "layer working on ONNX Runtime's blocked (NCHWc) layout instead of being reordered around.",
                "The file is machine-specific (ONNX Runtime version, NCHWc block size, CPU; recorded in its "
                        + "asnet.machine_specific metadata) and needs an asnet op library with ActiveShiftNchwc. "
                        + "asnet predict/eval do the same rewrite at load time, cached per machine."},
        footer = {"%nExample:%n  asnet optimize as-resnet20.onnx -o as-resnet20.this-cpu.onnx"})
public final class OptimizeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "The .onnx file (custom lowering).")
    Path model;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE",
            description = "The machine-specific .onnx file to write (replaced atomically).")
    Path output;

    /** Creates the command. */
    public OptimizeCommand() {}

    @Override
    public Integer call() throws Exception {
        ModelDescription d = ModelDescription.read(model);
        if (d.machineSpecific().isPresent()) {
            throw new CliException(ExitCodes.USAGE, model + " is already machine-specific: "
                    + d.machineSpecific().get() + "; give the original model");
        }
        if (!d.operators().containsKey(AsnetDomain.DOMAIN + ":" + AsnetDomain.ACTIVE_SHIFT)
                && !d.operators().containsKey(AsnetDomain.DOMAIN + ":" + AsnetDomain.ACTIVE_SHIFT_U8)) {
            throw new CliException(ExitCodes.USAGE, model + " has no " + AsnetDomain.DOMAIN + ":"
                    + AsnetDomain.ACTIVE_SHIFT + " or " + AsnetDomain.ACTIVE_SHIFT_U8
                    + " node, so there is nothing to rewrite (export it with --lowering custom)");
        }
        byte[] bytes = Files.readAllBytes(model);
        ModelProto proto = ModelProto.parseFrom(bytes);
        for (TensorProto t : proto.getGraph().getInitializerList()) {
            if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
                throw new CliException(ExitCodes.FILE_PROBLEM, model + ": tensor '" + t.getName()
                        + "' is stored as external data; asnet optimize needs a self-contained model");
            }
        }
        MachineSpecificModels.Built built;
        try {
            built = MachineSpecificModels.build(bytes, proto, d.importsDomain(AsnetDomain.DOMAIN), model.toString());
        } catch (NchwcUnavailableException e) {
            throw new CliException(ExitCodes.RUNTIME_FAILURE, e.getMessage(), e);
        }
        byte[] out = built.model().toByteArray();
        OutputFiles.write(output, out);
        PrintWriter w = spec.commandLine().getOut();
        w.printf("wrote %s (%s), machine-specific%n", output, Format.bytes(out.length));
        w.printf("  rewrite     %s%n", built.summary());
        w.printf("  block size  %s%n", built.blockSize().explanation());
        w.printf("  made for    %s%n", built.model().getMetadataPropsList().stream()
                .filter(e -> e.getKey().equals(NchwcRewrite.MACHINE_SPECIFIC)).findFirst().orElseThrow().getValue());
        NchwcSupport.OpAvailability op = NchwcSupport.activeShiftNchwc();
        if (built.report().rewritten() > 0 && !op.available()) {
            w.printf("  note        this op library has no %s yet: the file loads only with one that has it%n",
                    NchwcOps.ACTIVE_SHIFT_NCHWC);
        }
        return ExitCodes.OK;
    }
}
