package dev.asnet.cli;

import ai.onnxruntime.OrtLoggingLevel;
import dev.asnet.ops.OrtEnvironments;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;

/**
 * Sets ONNX Runtime's own log level before the first model is opened. ONNX Runtime prints its
 * errors to stderr itself (for example when the CUDA provider fails to load), and the asnet error
 * line repeats what matters; so only {@code --verbose} lets ONNX Runtime's warnings and errors
 * through.
 */
final class OrtLogging {
    private OrtLogging() {}

    /**
     * Creates the ONNX Runtime environment with the level {@code --verbose} asks for; the
     * environment is per process, so this must run before anything else touches it.
     *
     * @param command the running command
     */
    static void configure(CommandSpec command) {
        OrtEnvironments.get(verbose(command) ? OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING
                : OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL);
    }

    private static boolean verbose(CommandSpec command) {
        for (ParseResult p = command.root().commandLine().getParseResult(); p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }
}
