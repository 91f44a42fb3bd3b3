package dev.asnet.training.data;

import dev.asnet.runtime.dataset.LabeledImages;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.SplittableRandom;

/**
 * Cuts a dataset into batches and writes them, normalized as the model expects ({@code (pixel /
 * 255 - mean) / std}), into native input buffers. Training order is a permutation drawn per epoch;
 * augmentation draws per batch; both from {@link Seeds}, so batch {@code b} of epoch {@code e}
 * is the same whenever it is produced.
 */
public final class BatchSource {
    private final LabeledImages data;
    private final float mean;
    private final float std;
    private final int rows;
    private final int cols;
    private final float[] scratch;

    /**
     * A source over grayscale images.
     *
     * @param data the images and labels
     * @param mean the channel mean of pixels scaled to [0, 1]
     * @param std the channel standard deviation
     */
    public BatchSource(LabeledImages data, float mean, float std) {
        this.data = data;
        this.mean = mean;
        this.std = std;
        this.rows = data.rows();
        this.cols = data.cols();
        this.scratch = new float[rows * cols];
    }

    /**
     * Number of images.
     *
     * @return the dataset size
     */
    public int size() {
        return data.size();
    }

    /**
     * The label of one image.
     *
     * @param index the image
     * @return its class
     */
    public int label(int index) {
        return data.label(index);
    }

    /**
     * The visiting order of one training epoch (Fisher-Yates with a seed from run seed and epoch).
     *
     * @param seed the run seed
     * @param epoch the epoch (0-based)
     * @return a permutation of {@code 0..size-1}
     */
    public int[] permutation(long seed, int epoch) {
        int[] p = new int[data.size()];
        for (int i = 0; i < p.length; i++) {
            p[i] = i;
        }
        SplittableRandom r = new SplittableRandom(Seeds.mix(seed, epoch, 1));
        for (int i = p.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /**
     * Writes images {@code order[from .. from+count)} into the buffers, augmented.
     *
     * @param order image indices
     * @param from first position in {@code order}
     * @param count how many images (the buffers' batch size)
     * @param aug the augmentation
     * @param rngSeed seed of this batch's augmentation draws
     * @param images destination [count, 1, rows, cols]
     * @param labels destination [count], or null
     */
    public void fill(int[] order, int from, int count, Augmentation aug, long rngSeed, FloatBuffer images,
            LongBuffer labels) {
        SplittableRandom r = new SplittableRandom(rngSeed);
        float zero = (0f - mean) / std;
        int n = rows * cols;
        for (int k = 0; k < count; k++) {
            int idx = order[from + k];
            data.copyScaled(idx, scratch, 0);
            int dy = aug.pad() > 0 ? r.nextInt(2 * aug.pad() + 1) - aug.pad() : 0;
            int dx = aug.pad() > 0 ? r.nextInt(2 * aug.pad() + 1) - aug.pad() : 0;
            boolean flip = aug.flip() && r.nextBoolean();
            int base = k * n;
            for (int i = 0; i < rows; i++) {
                int si = i + dy;
                for (int j = 0; j < cols; j++) {
                    int sj = (flip ? cols - 1 - j : j) + dx;
                    float v = si < 0 || si >= rows || sj < 0 || sj >= cols ? zero
                            : (scratch[si * cols + sj] - mean) / std;
                    images.put(base + i * cols + j, v);
                }
            }
            if (labels != null) {
                labels.put(k, data.label(idx));
            }
        }
    }
}
