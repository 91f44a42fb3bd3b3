package dev.asnet.runtime;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * Direct buffers reused across runs. ONNX Runtime reads a direct native-order buffer in place, so
 * an input copied once into one of these is never copied again; outputs of known shape are written
 * into them by ONNX Runtime. Each concurrent run borrows its own pair, so runs never share memory;
 * the pool keeps at most one pair per thread that ran at the same time.
 */
final class ScratchPool {
    private final ConcurrentLinkedDeque<Scratch> free = new ConcurrentLinkedDeque<>();

    /** One run's input and output buffers, grown on demand. */
    static final class Scratch {
        private FloatBuffer input;
        private FloatBuffer output;

        /** A cleared input buffer with room for {@code n} floats, limit n. */
        FloatBuffer input(int n) {
            input = ensure(input, n);
            return input;
        }

        /** An output buffer of exactly {@code n} floats (capacity n), as ONNX Runtime requires. */
        FloatBuffer output(int n) {
            output = ensure(output, n);
            return output.slice(0, n);
        }

        private static FloatBuffer ensure(FloatBuffer b, int n) {
            if (b == null || b.capacity() < n) {
                b = ByteBuffer.allocateDirect(Math.multiplyExact(Math.max(n, 1), Float.BYTES))
                        .order(ByteOrder.nativeOrder()).asFloatBuffer();
            }
            b.clear();
            b.limit(n);
            return b;
        }
    }

    Scratch borrow() {
        Scratch s = free.pollFirst();
        return s != null ? s : new Scratch();
    }

    void giveBack(Scratch s) {
        free.offerFirst(s);
    }

    void clear() {
        free.clear();
    }
}
