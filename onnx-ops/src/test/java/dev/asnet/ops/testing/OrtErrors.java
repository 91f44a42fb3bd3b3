package dev.asnet.ops.testing;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtException;
import org.junit.jupiter.api.function.Executable;

/** The check op tests make of a bad input: ONNX Runtime reports an error whose message names it. */
public final class OrtErrors {
    private OrtErrors() {}

    /**
     * Asserts that running throws an {@link OrtException} whose message contains every fragment.
     *
     * @param run what should fail (a session creation or run)
     * @param fragments text the message must contain (the op's name, the input, the sizes...)
     * @return the exception, for further checks
     */
    public static OrtException expect(Executable run, String... fragments) {
        OrtException e = assertThrows(OrtException.class, run);
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "message '" + e.getMessage() + "' should mention '" + f + "'");
        }
        return e;
    }
}
