package dev.asnet.cli;

import java.io.PrintWriter;
import java.nio.charset.Charset;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/** Entry point of the {@code asnet} jar. */
public final class Main {
    private Main() {}

    /**
     * Runs the command and exits with its exit code.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        Charset cs = Charset.defaultCharset();
        int code = execute(new PrintWriter(new java.io.OutputStreamWriter(System.out, cs), true),
                new PrintWriter(new java.io.OutputStreamWriter(System.err, cs), true), args);
        System.exit(code);
    }

    /**
     * Runs the command without exiting, printing to the given writers.
     *
     * @param out standard output
     * @param err standard error
     * @param args the command line
     * @return the exit code, one of {@link ExitCodes}
     */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        configureLogging();
        ErrorReporter reporter = new ErrorReporter();
        CommandLine cmd = new CommandLine(new AsnetCommand())
                .setOut(out)
                .setErr(err)
                .setExecutionExceptionHandler(reporter)
                .setParameterExceptionHandler(reporter)
                .setCaseInsensitiveEnumValuesAllowed(true);
        configureAll(cmd, new VersionProvider());
        cmd.setExecutionStrategy(Main::run);
        int code;
        try {
            code = cmd.execute(args);
        } catch (OutOfMemoryError e) {
            // picocli hands only Exceptions to the handler; an Error would end in a raw stack trace.
            code = ErrorReporter.report(e, err, java.util.Arrays.asList(args).contains("--verbose"));
        }
        out.flush();
        err.flush();
        return code;
    }

    /**
     * Runs the chosen command; commands that train or benchmark set ONNX Runtime's log level first
     * (predict and eval do it through their runtime options), so that ONNX Runtime's own
     * coloured error lines do not repeat the asnet error line.
     */
    private static int run(ParseResult parseResult) {
        ParseResult leaf = parseResult;
        while (leaf.subcommand() != null) {
            leaf = leaf.subcommand();
        }
        if (ORT_COMMANDS.contains(leaf.commandSpec().name()) && !leaf.isUsageHelpRequested()
                && !leaf.isVersionHelpRequested()) {
            OrtLogging.configure(leaf.commandSpec());
        }
        return new CommandLine.RunLast().execute(parseResult);
    }

    private static final java.util.Set<String> ORT_COMMANDS = java.util.Set.of("train", "bench", "demo");

    /**
     * Every command's help lists the exit codes and every command answers --version; set here so
     * that new subcommands get both. The version provider is not an annotation attribute because
     * picocli would then call it (starting ONNX Runtime) while building the command tree.
     */
    private static void configureAll(CommandLine cmd, VersionProvider version) {
        cmd.getCommandSpec().versionProvider(version);
        cmd.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(ExitCodes.HELP);
        for (CommandLine sub : cmd.getSubcommands().values()) {
            configureAll(sub, version);
        }
    }

    /** Warnings (such as falling back from CUDA to the CPU) as one line each: "asnet: warning: ...". */
    private static void configureLogging() {
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "asnet: %4$s: %5$s%6$s%n");
        }
    }
}
