package dev.asnet.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import picocli.CommandLine.Option;

/**
 * The {@code --json} option of the commands that report results ({@code inspect}, {@code eval},
 * {@code predict}, {@code models}, {@code bench}): one JSON document on stdout instead of text,
 * with the field names listed in the README. Nothing else goes to stdout in that mode, so a script
 * can parse it whole; notes and progress go to stderr, and errors stay one line on stderr with the
 * usual exit code (no JSON document is printed then).
 */
final class JsonOutput {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Option(names = "--json", description = "Print one JSON document on stdout instead of text (fields: see README).")
    boolean enabled;

    /**
     * Prints a tree of maps, lists, strings, numbers and booleans as one JSON document.
     *
     * @param out standard output
     * @param tree the document
     */
    static void print(PrintWriter out, Object tree) {
        try {
            out.println(MAPPER.writeValueAsString(tree));
        } catch (JsonProcessingException e) {
            // Only plain collections and values are passed in: failing to write them is a bug.
            throw new IllegalStateException("cannot write the JSON document: " + e.getMessage(), e);
        }
        out.flush();
    }

    /**
     * A number for JSON: null instead of NaN or infinity, which JSON cannot represent (Jackson would
     * write them as strings, breaking "numbers as numbers").
     *
     * @param v the value
     * @return the value, or null when it is not finite
     */
    static Double number(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
