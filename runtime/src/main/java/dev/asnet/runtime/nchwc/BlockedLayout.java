package dev.asnet.runtime.nchwc;

/**
 * ONNX Runtime's NCHWc layout for a block size {@code b}, as documented in
 * {@code docs/onnxruntime.md}: channels are padded to {@code Cp = roundup(C, b)} and element
 * {@code (n, c, h, w)} of a tensor lies at {@code (((n*(Cp/b) + c/b)*H + h)*W + w)*b + c%b}. Convolution
 * weights are stored in one of two blocked orders; reproducing them from the original weights is
 * how {@link BlockSizeDetector} learns the block size.
 */
final class BlockedLayout {
    private BlockedLayout() {}

    /**
     * Rounds a channel count up to a multiple of the block size.
     *
     * @param channels the count, >= 0
     * @param block the block size, > 0
     * @return the padded count
     */
    static long roundUp(long channels, long block) {
        return (channels + block - 1) / block * block;
    }

    /**
     * Whether OIHW weights {@code w} of shape {@code [o, i, k]} (k = kernel height x width), stored
     * in the order with blocks over output and input channels (ONNX Runtime's {@code OIHWBiBo}),
     * give exactly {@code blocked}. That order is
     * {@code [roundup(o,b)/b][i/b][k][b input][b output]}; output channels beyond {@code o} are 0.
     *
     * @return true when every value matches bit for bit (-0.0 and NaN payloads included)
     */
    static boolean matchesOutputInputBlocked(float[] w, int o, int i, int k, int b, float[] blocked) {
        if (i % b != 0) {
            return false;
        }
        long op = roundUp(o, b);
        if (blocked.length != op * i * k) {
            return false;
        }
        int inBlocks = i / b;
        int d = 0;
        for (int ob = 0; ob < op / b; ob++) {
            for (int ib = 0; ib < inBlocks; ib++) {
                for (int kk = 0; kk < k; kk++) {
                    for (int bi = 0; bi < b; bi++) {
                        int in = ib * b + bi;
                        for (int bo = 0; bo < b; bo++, d++) {
                            int out = ob * b + bo;
                            float v = out < o ? w[(out * i + in) * k + kk] : 0f;
                            if (Float.floatToRawIntBits(v) != Float.floatToRawIntBits(blocked[d])) {
                                return false;
                            }
                        }
                    }
                }
            }
        }
        return true;
    }

    /**
     * Whether OIHW weights stored with blocks over output channels only (ONNX Runtime's
     * {@code OIHWBo}, used for depthwise convolutions and for inputs with fewer channels than a
     * block) give exactly {@code blocked}: the order {@code [roundup(o,b)/b][i][k][b output]}.
     *
     * @return true when every value matches bit for bit
     */
    static boolean matchesOutputBlocked(float[] w, int o, int i, int k, int b, float[] blocked) {
        long op = roundUp(o, b);
        if (blocked.length != op * i * k) {
            return false;
        }
        int d = 0;
        for (int ob = 0; ob < op / b; ob++) {
            for (int in = 0; in < i; in++) {
                for (int kk = 0; kk < k; kk++) {
                    for (int bo = 0; bo < b; bo++, d++) {
                        int out = ob * b + bo;
                        float v = out < o ? w[(out * i + in) * k + kk] : 0f;
                        if (Float.floatToRawIntBits(v) != Float.floatToRawIntBits(blocked[d])) {
                            return false;
                        }
                    }
                }
            }
        }
        return true;
    }
}
