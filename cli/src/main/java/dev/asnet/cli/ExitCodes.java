package dev.asnet.cli;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The exit codes of every {@code asnet} command, which scripts may rely on.
 */
public final class ExitCodes {
    /** Success. */
    public static final int OK = 0;
    /** A failure while running: ONNX Runtime reported an error, or an internal error. */
    public static final int RUNTIME_FAILURE = 1;
    /** The command line is wrong: unknown command or option, bad or missing value, unknown model name. */
    public static final int USAGE = 2;
    /**
     * A file cannot be used: missing, unreadable or unwritable, not an ONNX model, not a decodable
     * image, not a valid IDX dataset.
     */
    public static final int FILE_PROBLEM = 3;
    /** The input does not fit the model: wrong input size, different class count. */
    public static final int INPUT_MISMATCH = 4;
    /** The model needs the asnet op library, or the execution provider asked for, and it is unavailable. */
    public static final int NATIVE_UNAVAILABLE = 5;

    /** The exit codes with their meaning, as every command's help lists them. */
    static final Map<String, String> HELP = helpList();

    private static Map<String, String> helpList() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(Integer.toString(OK), "success");
        m.put(Integer.toString(RUNTIME_FAILURE), "runtime failure (ONNX Runtime error, internal error)");
        m.put(Integer.toString(USAGE), "usage error (unknown command or option, bad value, unknown model)");
        m.put(Integer.toString(FILE_PROBLEM), "file problem (missing, unreadable or unwritable file, not an ONNX "
                + "model, undecodable image, bad dataset)");
        m.put(Integer.toString(INPUT_MISMATCH), "input does not fit the model (wrong input size, class count)");
        m.put(Integer.toString(NATIVE_UNAVAILABLE), "asnet op library or execution provider (CUDA) unavailable");
        return Collections.unmodifiableMap(m);
    }

    private ExitCodes() {}
}
