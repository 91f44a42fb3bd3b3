package dev.asnet.cli;

import ai.onnxruntime.OrtException;
import dev.asnet.runtime.InputMismatchException;
import dev.asnet.runtime.NonFiniteOutputException;
import dev.asnet.runtime.OpLibraryException;
import dev.asnet.runtime.ProviderUnavailableException;
import dev.asnet.training.trainer.TrainingDivergedException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Turns every failure into one line on stderr ({@code asnet: error: ...}) and an exit code from
 * {@link ExitCodes}; the stack trace follows only with {@code --verbose}.
 */
final class ErrorReporter implements IExecutionExceptionHandler, IParameterExceptionHandler {
    @Override
    public int handleExecutionException(Exception e, CommandLine cmd, ParseResult parseResult) {
        return report(e, cmd.getErr(), verbose(parseResult));
    }

    @Override
    public int handleParseException(ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println("asnet: error: " + oneLine(e.getMessage()) + " (see '" + cmd.getCommandSpec().qualifiedName()
                + " --help')");
        if (verbose(args)) {
            e.printStackTrace(err);
        }
        err.flush();
        return ExitCodes.USAGE;
    }

    /**
     * Prints a failure and chooses its exit code.
     *
     * @param e the failure
     * @param err where to print
     * @param verbose whether to print the stack trace too
     * @return the exit code
     */
    static int report(Throwable e, PrintWriter err, boolean verbose) {
        // Unexpected failures point to --verbose; expected ones say all there is in their message.
        String hint = !verbose && exitCode(e) == ExitCodes.RUNTIME_FAILURE && !explained(e)
                ? " (run again with --verbose for details)" : "";
        err.println("asnet: error: " + oneLine(message(e)) + hint);
        if (verbose) {
            e.printStackTrace(err);
        }
        err.flush();
        return exitCode(e);
    }

    static int exitCode(Throwable e) {
        if (e instanceof CliException c) {
            return c.exitCode();
        }
        if (e instanceof OpLibraryException || e instanceof ProviderUnavailableException) {
            return ExitCodes.NATIVE_UNAVAILABLE;
        }
        if (e instanceof InputMismatchException) {
            return ExitCodes.INPUT_MISMATCH;
        }
        if (e instanceof IOException) {
            return ExitCodes.FILE_PROBLEM;
        }
        return ExitCodes.RUNTIME_FAILURE;
    }

    static String message(Throwable e) {
        if (e instanceof OutOfMemoryError) {
            return "out of memory (the Java heap is " + Runtime.getRuntime().maxMemory() / (1024 * 1024)
                    + " MB; give more with ASNET_JAVA_OPTS=-Xmx4g, or use smaller batches or inputs)";
        }
        if (e instanceof NoSuchFileException n) {
            return n.getReason() != null ? n.getFile() + ": " + n.getReason() : "file not found: " + n.getFile();
        }
        if (e instanceof AccessDeniedException a) {
            return "permission denied: " + a.getFile();
        }
        if (e instanceof FileSystemException f) {
            return f.getMessage();
        }
        if (e instanceof CliException || e instanceof IOException || e instanceof ProviderUnavailableException
                || e instanceof InputMismatchException || explained(e)) {
            return e.getMessage() != null ? e.getMessage() : e.toString();
        }
        if (e instanceof OrtException o) {
            return "ONNX Runtime failed: " + o.getMessage();
        }
        return "internal error: " + e;
    }

    /** Failures whose message says what happened and what to do; a stack trace would add nothing. */
    private static boolean explained(Throwable e) {
        return e instanceof NonFiniteOutputException || e instanceof TrainingDivergedException
                || e instanceof OutOfMemoryError;
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.strip().replaceAll("\\s*\\R\\s*", " | ");
    }

    private static boolean verbose(ParseResult pr) {
        for (ParseResult p = pr; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }

    /** After a parse error the parse result is incomplete: look at the raw arguments instead. */
    private static boolean verbose(String[] args) {
        for (String a : args) {
            if (a.equals("--verbose")) {
                return true;
            }
            if (a.equals("--")) {
                return false;
            }
        }
        return false;
    }
}
