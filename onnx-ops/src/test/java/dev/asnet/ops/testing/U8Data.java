package dev.asnet.ops.testing;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** uint8 tensor data for the uint8 op tests: bytes in and out as unsigned ints, and the channels-last copy. */
public final class U8Data {
    private U8Data() {}

    /**
     * Values in [0, 255] as a direct buffer for {@code OnnxTensor.createTensor(.., OnnxJavaType.UINT8)}.
     *
     * @param values the bytes as ints
     * @return a flipped direct buffer
     */
    public static ByteBuffer bytes(int[] values) {
        ByteBuffer b = ByteBuffer.allocateDirect(values.length).order(ByteOrder.nativeOrder());
        for (int v : values) {
            b.put((byte) v);
        }
        return b.flip();
    }

    /**
     * A uint8 tensor's bytes as unsigned ints.
     *
     * @param buffer the tensor's buffer (read from its position)
     * @return the values in [0, 255]
     */
    public static int[] unsigned(ByteBuffer buffer) {
        int[] y = new int[buffer.remaining()];
        for (int i = 0; i < y.length; i++) {
            y[i] = buffer.get(buffer.position() + i) & 0xFF;
        }
        return y;
    }

    /**
     * {@code [N, C, S...]} to {@code [N, S..., C]}: the channel axis moved last.
     *
     * @param x the data
     * @param n the batch
     * @param c the channels
     * @param inner the product of the other dimensions
     * @return the channels-last copy
     */
    public static int[] channelsLast(int[] x, int n, int c, int inner) {
        int[] t = new int[x.length];
        for (int b = 0; b < n; b++) {
            for (int ch = 0; ch < c; ch++) {
                for (int i = 0; i < inner; i++) {
                    t[(b * inner + i) * c + ch] = x[(b * c + ch) * inner + i];
                }
            }
        }
        return t;
    }
}
