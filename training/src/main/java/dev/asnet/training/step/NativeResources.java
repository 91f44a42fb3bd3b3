package dev.asnet.training.step;

import ai.onnxruntime.OrtException;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The native objects (session options, sessions, tensors) one owner made, closed in reverse order
 * of creation. A constructor that fails part-way closes what it had made so far, so nothing
 * native leaks; {@link #close} releases everything and reports the first failure with the others
 * suppressed.
 */
final class NativeResources implements AutoCloseable {
    private final Deque<AutoCloseable> made = new ArrayDeque<>();

    /** Registers a resource for closing and returns it. */
    <T extends AutoCloseable> T add(T resource) {
        made.push(resource);
        return resource;
    }

    /** Closes everything after a failure, attaching close errors to it. */
    void closeAfter(Throwable failure) {
        while (!made.isEmpty()) {
            try {
                made.pop().close();
            } catch (Exception e) {
                failure.addSuppressed(e);
            }
        }
    }

    @Override
    public void close() throws OrtException {
        Exception first = null;
        while (!made.isEmpty()) {
            try {
                made.pop().close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first instanceof OrtException o) {
            throw o;
        }
        if (first instanceof RuntimeException r) {
            throw r;
        }
        if (first != null) {
            throw new IllegalStateException("closing native resources failed", first);
        }
    }
}
