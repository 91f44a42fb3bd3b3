package dev.asnet.training.data;

import dev.asnet.runtime.dataset.ImageDataset;
import java.io.IOException;

/**
 * Per-channel mean and standard deviation of a dataset's pixels scaled to [0, 1]: the
 * normalization a model trained on the dataset records in its metadata.
 *
 * @param mean one value per channel
 * @param std one value per channel, > 0
 */
public record ChannelStats(float[] mean, float[] std) {
    /** The smallest standard deviation recorded: a constant channel would otherwise divide by 0. */
    public static final float MIN_STD = 1e-3f;

    /**
     * Computes the statistics over every image of a dataset, or over {@code maxImages} evenly
     * spaced ones when it has more (reading a large dataset from disk only for this would cost an
     * extra epoch of decoding).
     *
     * @param data the images
     * @param maxImages the most images read, >= 1
     * @return the statistics
     * @throws IOException if an image cannot be read
     */
    public static ChannelStats compute(ImageDataset data, int maxImages) throws IOException {
        int n = data.size();
        int count = Math.min(n, maxImages);
        int c = data.imageSize().channels();
        int plane = data.imageSize().height() * data.imageSize().width();
        double[] sum = new double[c];
        double[] sumSq = new double[c];
        byte[] px = new byte[data.imageSize().bytes()];
        for (int k = 0; k < count; k++) {
            data.read((int) ((long) k * n / count), px, 0);
            for (int ch = 0; ch < c; ch++) {
                long s = 0;
                long s2 = 0;
                for (int i = ch * plane; i < (ch + 1) * plane; i++) {
                    int v = Byte.toUnsignedInt(px[i]);
                    s += v;
                    s2 += v * v;
                }
                sum[ch] += s;
                sumSq[ch] += s2;
            }
        }
        float[] mean = new float[c];
        float[] std = new float[c];
        double values = (double) count * plane;
        for (int ch = 0; ch < c; ch++) {
            double m = sum[ch] / values / 255.0;
            double var = Math.max(0, sumSq[ch] / values / (255.0 * 255.0) - m * m);
            mean[ch] = (float) m;
            std[ch] = (float) Math.max(MIN_STD, Math.sqrt(var));
        }
        return new ChannelStats(mean, std);
    }
}
