package dev.asnet.exporter;

/**
 * ActiveShift forward in double precision, straight from the definition: output (i, j) of channel
 * c is the bilinear sample at row i*sh + y_c, column j*sw + x_c, each tap outside reading 0.
 */
final class ShiftReference {
    private ShiftReference() {}

    static float[] forward(float[] x, int n, int c, int h, int w, float[] shift, int sh, int sw) {
        int oh = (h + sh - 1) / sh;
        int ow = (w + sw - 1) / sw;
        float[] y = new float[n * c * oh * ow];
        for (int p = 0; p < n * c; p++) {
            int ch = p % c;
            double fx = Math.floor(shift[2 * ch]);
            double fy = Math.floor(shift[2 * ch + 1]);
            double ax = shift[2 * ch] - fx;
            double ay = shift[2 * ch + 1] - fy;
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    int r = (int) (i * sh + fy);
                    int q = (int) (j * sw + fx);
                    double v = (1 - ax) * (1 - ay) * at(x, p, h, w, r, q) + ax * (1 - ay) * at(x, p, h, w, r, q + 1)
                            + (1 - ax) * ay * at(x, p, h, w, r + 1, q) + ax * ay * at(x, p, h, w, r + 1, q + 1);
                    y[(p * oh + i) * ow + j] = (float) v;
                }
            }
        }
        return y;
    }

    private static double at(float[] x, int p, int h, int w, int r, int q) {
        return r < 0 || r >= h || q < 0 || q >= w ? 0 : x[(p * h + r) * w + q];
    }
}
