package dev.asnet.training.trainer;

import dev.asnet.exporter.export.AslLowering;
import dev.asnet.runtime.RuntimeOptions;
import java.nio.file.Path;

/**
 * Everything that defines a training run. Resuming requires the same values (checked against the
 * checkpoint), except the output folder.
 *
 * @param model the zoo model name
 * @param epochs number of epochs
 * @param batch training batch size
 * @param lr base learning rate
 * @param schedule learning-rate schedule
 * @param weightDecay L2 weight decay
 * @param momentum momentum factor
 * @param threads ONNX Runtime intra-op threads
 * @param seed seed of shuffling and augmentation
 * @param data the dataset folder: Fashion-MNIST IDX files, CIFAR-10 binary files or class folders
 *     (see {@link dev.asnet.runtime.dataset.DatasetFolder})
 * @param limit use only the first {@code limit} training images (0 = all)
 * @param testLimit use only the first {@code testLimit} test images (0 = all)
 * @param pad crop padding in pixels (replaced by {@link DataOptions#padFraction()} when that is set)
 * @param flip random horizontal flips
 * @param lowering ASL lowering of the exported model
 * @param evalBatch evaluation batch size
 * @param dataOptions how the data is read (null: {@link DataOptions#defaults()})
 */
public record TrainConfig(String model, int epochs, int batch, float lr, Schedule schedule, float weightDecay,
        float momentum, int threads, long seed, Path data, int limit, int testLimit, int pad, boolean flip,
        AslLowering lowering, int evalBatch, DataOptions dataOptions) {

    /**
     * A configuration that reads its data with {@link DataOptions#defaults()}.
     *
     * @param model the zoo model name
     * @param epochs number of epochs
     * @param batch training batch size
     * @param lr base learning rate
     * @param schedule learning-rate schedule
     * @param weightDecay L2 weight decay
     * @param momentum momentum factor
     * @param threads ONNX Runtime intra-op threads
     * @param seed seed of shuffling and augmentation
     * @param data the dataset folder
     * @param limit training image limit (0 = all)
     * @param testLimit test image limit (0 = all)
     * @param pad crop padding in pixels
     * @param flip random horizontal flips
     * @param lowering ASL lowering of the exported model
     * @param evalBatch evaluation batch size
     */
    public TrainConfig(String model, int epochs, int batch, float lr, Schedule schedule, float weightDecay,
            float momentum, int threads, long seed, Path data, int limit, int testLimit, int pad, boolean flip,
            AslLowering lowering, int evalBatch) {
        this(model, epochs, batch, lr, schedule, weightDecay, momentum, threads, seed, data, limit, testLimit, pad, flip,
                lowering, evalBatch, DataOptions.defaults());
    }

    /**
     * Validates the values.
     *
     * @param model the zoo model name
     * @param epochs number of epochs
     * @param batch training batch size
     * @param lr base learning rate
     * @param schedule learning-rate schedule
     * @param weightDecay L2 weight decay
     * @param momentum momentum factor
     * @param threads ONNX Runtime intra-op threads
     * @param seed seed of shuffling and augmentation
     * @param data the dataset folder
     * @param limit training image limit (0 = all)
     * @param testLimit test image limit (0 = all)
     * @param pad crop padding in pixels
     * @param flip random horizontal flips
     * @param lowering ASL lowering of the exported model
     * @param evalBatch evaluation batch size
     * @param dataOptions how the data is read (null: the defaults)
     */
    public TrainConfig {
        dataOptions = dataOptions == null ? DataOptions.defaults() : dataOptions;
        if (epochs < 1 || batch < 1 || evalBatch < 1) {
            throw new IllegalArgumentException("epochs, batch and eval batch must be >= 1");
        }
        RuntimeOptions.checkThreads("threads", threads, false);
        if (!(lr > 0) || !Float.isFinite(lr)) {
            throw new IllegalArgumentException("learning rate must be a finite number > 0, got " + lr);
        }
        if (!(weightDecay >= 0) || !Float.isFinite(weightDecay)) {
            throw new IllegalArgumentException("weight decay must be a finite number >= 0, got " + weightDecay);
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        }
        if (pad < 0) {
            throw new IllegalArgumentException("crop padding must be >= 0, got " + pad);
        }
        if (limit < 0 || testLimit < 0) {
            throw new IllegalArgumentException("limits must be >= 0");
        }
    }

    /**
     * Whether a checkpoint made under {@code other} may be resumed with this configuration:
     * everything that changes the result must be equal (threads and evaluation batch may differ).
     *
     * @param other the checkpoint's configuration
     * @return a description of the first difference, or null when compatible
     */
    public String incompatibility(TrainConfig other) {
        if (!model.equals(other.model)) {
            return "model " + other.model + " vs " + model;
        }
        if (epochs != other.epochs || batch != other.batch || lr != other.lr || schedule != other.schedule
                || weightDecay != other.weightDecay || momentum != other.momentum || seed != other.seed
                || limit != other.limit || pad != other.pad || flip != other.flip) {
            return "training settings differ: checkpoint " + other + ", now " + this;
        }
        String data = dataOptions.incompatibility(other.dataOptions);
        if (data != null) {
            return "data settings differ: " + data;
        }
        return null;
    }

    /**
     * This configuration with its data-dependent settings fixed for the data read: the crop
     * padding in pixels (a padding fraction resolved for the image size) and the layout
     * recognized. A checkpoint records this form, so a resumed run compares like with like.
     *
     * @param format the layout read
     * @param height image height
     * @param width image width
     * @return the resolved configuration
     */
    public TrainConfig resolved(dev.asnet.runtime.dataset.DatasetFolder.Format format, int height, int width) {
        DataOptions d = dataOptions;
        DataOptions fixed = new DataOptions(format, d.input(), d.valSplit(), d.mean(), d.std(), 0, d.badImages(),
                d.loading());
        return new TrainConfig(model, epochs, batch, lr, schedule, weightDecay, momentum, threads, seed, data, limit,
                testLimit, d.padPixels(pad, height, width), flip, lowering, evalBatch, fixed);
    }
}
