package dev.asnet.training.data;

import dev.asnet.runtime.dataset.ImageDataset;
import dev.asnet.runtime.dataset.ImageSize;
import dev.asnet.runtime.dataset.LabeledImages;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Cuts a dataset into batches and writes them, normalized as the model expects ({@code (pixel /
 * 255 - mean[c]) / std[c]}), into native input buffers. Training order is a permutation drawn per
 * epoch; augmentation draws per batch; both from {@link Seeds}, so batch {@code b} of epoch
 * {@code e} is the same whenever it is produced.
 *
 * <p>A batch is made in two steps: {@link #read} copies the images' raw pixels (from memory, or
 * decoded from disk: the slow part, which a {@link Prefetcher} runs on a background thread ahead
 * of the training step), then {@link #fill(int[], int, int, byte[], Augmentation, long,
 * FloatBuffer, LongBuffer)} augments and normalizes them. Every random choice is made in the second
 * step, so where and when the pixels were read changes nothing.
 */
public final class BatchSource {
    private final ImageDataset data;
    private final float[] mean;
    private final float[] std;
    private final int channels;
    private final int rows;
    private final int cols;

    /**
     * A source over grayscale images.
     *
     * @param data the images and labels
     * @param mean the channel mean of pixels scaled to [0, 1]
     * @param std the channel standard deviation
     */
    public BatchSource(LabeledImages data, float mean, float std) {
        this(data.asDataset(1, "images"), new float[] {mean}, new float[] {std});
    }

    /**
     * A source over any dataset.
     *
     * @param data the images and labels
     * @param mean per channel, the mean of pixels scaled to [0, 1]
     * @param std per channel, the standard deviation (> 0)
     * @throws IllegalArgumentException if mean or std do not have one value per channel
     */
    public BatchSource(ImageDataset data, float[] mean, float[] std) {
        this.data = Objects.requireNonNull(data, "data");
        ImageSize size = data.imageSize();
        if (mean.length != size.channels() || std.length != size.channels()) {
            throw new IllegalArgumentException("mean and std need one value per channel (" + size.channels() + "), got "
                    + mean.length + " and " + std.length);
        }
        this.mean = mean.clone();
        this.std = std.clone();
        this.channels = size.channels();
        this.rows = size.height();
        this.cols = size.width();
    }

    /**
     * The dataset.
     *
     * @return the images
     */
    public ImageDataset data() {
        return data;
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
     * Bytes of one image's raw pixels.
     *
     * @return channels x rows x columns
     */
    public int imageBytes() {
        return channels * rows * cols;
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
     * Reads the raw pixels of images {@code order[from .. from+count)}. Safe to call from a
     * background thread.
     *
     * @param order image indices
     * @param from first position in {@code order}
     * @param count how many images
     * @param raw destination, {@code count x} {@link #imageBytes()} bytes
     * @throws IOException if an image cannot be read
     */
    public void read(int[] order, int from, int count, byte[] raw) throws IOException {
        int per = imageBytes();
        for (int k = 0; k < count; k++) {
            data.read(order[from + k], raw, k * per);
        }
    }

    /**
     * Writes images {@code order[from .. from+count)} into the buffers, augmented: reads them and
     * calls {@link #fill(int[], int, int, byte[], Augmentation, long, FloatBuffer, LongBuffer)}.
     *
     * @param order image indices
     * @param from first position in {@code order}
     * @param count how many images (the buffers' batch size)
     * @param aug the augmentation
     * @param rngSeed seed of this batch's augmentation draws
     * @param images destination [count, C, rows, cols]
     * @param labels destination [count], or null
     * @throws IOException if an image cannot be read
     */
    public void fill(int[] order, int from, int count, Augmentation aug, long rngSeed, FloatBuffer images,
            LongBuffer labels) throws IOException {
        byte[] raw = new byte[count * imageBytes()];
        read(order, from, count, raw);
        fill(order, from, count, raw, aug, rngSeed, images, labels);
    }

    /**
     * Writes already read images into the buffers, augmented: per image a random crop from the
     * image zero-padded by {@code aug.pad()} pixels (zero = pixel value 0 before normalization) and
     * a horizontal flip, the same for every channel.
     *
     * @param order image indices (for the labels)
     * @param from first position in {@code order}
     * @param count how many images (the buffers' batch size)
     * @param raw their raw pixels, as {@link #read} wrote them
     * @param aug the augmentation
     * @param rngSeed seed of this batch's augmentation draws
     * @param images destination [count, C, rows, cols]
     * @param labels destination [count], or null
     */
    public void fill(int[] order, int from, int count, byte[] raw, Augmentation aug, long rngSeed, FloatBuffer images,
            LongBuffer labels) {
        SplittableRandom r = new SplittableRandom(rngSeed);
        int plane = rows * cols;
        int per = channels * plane;
        for (int k = 0; k < count; k++) {
            int dy = aug.pad() > 0 ? r.nextInt(2 * aug.pad() + 1) - aug.pad() : 0;
            int dx = aug.pad() > 0 ? r.nextInt(2 * aug.pad() + 1) - aug.pad() : 0;
            boolean flip = aug.flip() && r.nextBoolean();
            for (int c = 0; c < channels; c++) {
                float m = mean[c];
                float s = std[c];
                float zero = (0f - m) / s;
                int src = k * per + c * plane;
                int base = k * per + c * plane;
                for (int i = 0; i < rows; i++) {
                    int si = i + dy;
                    for (int j = 0; j < cols; j++) {
                        int sj = (flip ? cols - 1 - j : j) + dx;
                        float v = si < 0 || si >= rows || sj < 0 || sj >= cols ? zero
                                : (Byte.toUnsignedInt(raw[src + si * cols + sj]) / 255f - m) / s;
                        images.put(base + i * cols + j, v);
                    }
                }
            }
            if (labels != null) {
                labels.put(k, data.label(order[from + k]));
            }
        }
    }
}
