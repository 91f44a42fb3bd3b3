package dev.asnet.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The top {@code asnet} command. Each subcommand is one class; to add one, list its class in
 * {@code subcommands} below.
 */
@Command(name = "asnet",
        // INHERIT: every subcommand gets --help and --version without repeating them.
        scope = ScopeType.INHERIT,
        mixinStandardHelpOptions = true,
        description = {"Active Shift networks on ONNX Runtime: export zoo models to ONNX, inspect them, "
                + "classify images and evaluate on Fashion-MNIST."},
        subcommands = {
            ExportCommand.class,
            ConvertCommand.class,
            QuantizeCommand.class,
            InspectCommand.class,
            OptimizeCommand.class,
            PredictCommand.class,
            EvalCommand.class,
            ModelsCommand.class,
            BenchCommand.class,
            TrainCommand.class,
            ChartsCommand.class,
            DemoCommand.class,
            ServeCommand.class,
            picocli.CommandLine.HelpCommand.class,
        },
        footer = {"%nRun 'asnet COMMAND --help' for a command's options."})
public final class AsnetCommand implements Runnable {
    @Spec
    CommandSpec spec;

    /** Prints stack traces of failures; every subcommand accepts it. */
    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "Print the stack trace of a failure.")
    boolean verbose;

    /** Creates the command. */
    public AsnetCommand() {}

    /** Without a subcommand, asks for one. */
    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing command: choose one of "
                + String.join(", ", spec.subcommands().keySet()));
    }
}
