package dev.asnet.training.trainer;

import dev.asnet.models.ModelConfig;
import dev.asnet.runtime.dataset.DatasetFolder;
import dev.asnet.runtime.dataset.ImageDataset;
import dev.asnet.runtime.dataset.ImageSize;
import dev.asnet.runtime.dataset.InMemoryImages;
import dev.asnet.training.data.BatchSource;
import dev.asnet.training.data.ChannelStats;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The data of a run, read and checked before anything is written: the training and test images
 * (held in memory or streamed, see {@link DataOptions.Loading}), their normalization, the model
 * configuration they imply (input size, class names, mean and std) and the configuration with its
 * data-dependent settings resolved ({@link TrainConfig#resolved}).
 */
final class TrainingData {
    /** Images the mean and std are computed from when the training set is streamed from disk. */
    static final int STATS_SAMPLE = 10_000;
    /** How many skipped files a note names. */
    private static final int LISTED = 5;

    final TrainConfig config;
    final ModelConfig modelConfig;
    final BatchSource train;
    final BatchSource test;
    final String datasetName;
    final List<String> notes = new ArrayList<>();

    private TrainingData(TrainConfig config, ModelConfig modelConfig, BatchSource train, BatchSource test,
            String datasetName) {
        this.config = config;
        this.modelConfig = modelConfig;
        this.train = train;
        this.test = test;
        this.datasetName = datasetName;
    }

    /**
     * Opens and reads a run's data.
     *
     * @param config the run's configuration
     * @return the data
     * @throws IOException if the data is missing or broken (the message says what was expected)
     */
    static TrainingData open(TrainConfig config) throws IOException {
        DataOptions d = config.dataOptions();
        DatasetFolder folder = DatasetFolder.builder(config.data()).optFormat(d.format()).optInput(d.input())
                .optValSplit(d.valSplit()).optSeed(config.seed()).optBadImages(d.badImages()).open();
        ImageDataset train = folder.part(DatasetFolder.Part.TRAIN);
        ImageDataset test = folder.part(DatasetFolder.Part.TEST);
        if (config.limit() > 0) {
            train = train.first(config.limit());
        }
        if (config.testLimit() > 0) {
            test = test.first(config.testLimit());
        }
        List<String> skipped = new ArrayList<>(folder.skipped());
        boolean memory = switch (d.loading()) {
            case MEMORY -> true;
            case STREAM -> false;
            case AUTO -> InMemoryImages.bytesNeeded(train) + InMemoryImages.bytesNeeded(test)
                    <= Runtime.getRuntime().maxMemory() / 3;
        };
        if (memory && !train.inMemory()) {
            InMemoryImages loaded = InMemoryImages.load(train, d.badImages(), config.threads());
            skipped.addAll(loaded.skipped());
            train = loaded;
        }
        if (memory && !test.inMemory()) {
            InMemoryImages loaded = InMemoryImages.load(test, d.badImages(), config.threads());
            skipped.addAll(loaded.skipped());
            test = loaded;
        }
        ImageSize size = train.imageSize();
        boolean fashionPreset = folder.format() == DatasetFolder.Format.FASHION_MNIST && size.channels() == 1
                && size.height() == 28 && size.width() == 28;
        float[] mean;
        float[] std;
        String statsFrom;
        if (d.mean() != null) {
            mean = perChannel(d.mean(), size.channels(), "mean");
            std = perChannel(d.std(), size.channels(), "std");
            statsFrom = "given";
        } else if (fashionPreset) {
            mean = ModelConfig.fashionMnist().mean();
            std = ModelConfig.fashionMnist().std();
            statsFrom = "Fashion-MNIST preset";
        } else {
            ChannelStats stats = ChannelStats.compute(train, STATS_SAMPLE);
            mean = stats.mean();
            std = stats.std();
            statsFrom = train.size() > STATS_SAMPLE ? "computed from " + STATS_SAMPLE + " training images"
                    : "computed from the training images";
        }
        ModelConfig mc = fashionPreset && d.mean() == null ? ModelConfig.fashionMnist()
                : ModelConfig.builder().optInput(size.channels(), size.height(), size.width())
                        .optClassLabels(folder.classNames()).optChannelStats(mean, std).build();
        TrainConfig resolved = config.resolved(folder.format(), size.height(), size.width());
        TrainingData data = new TrainingData(resolved, mc, new BatchSource(train, mean, std),
                new BatchSource(test, mean, std), folder.name());
        List<String> names = folder.classNames();
        data.notes.add(String.format(Locale.ROOT, "data: %s (%s), %d classes (%s), %d training and %d test images of "
                + "%s, %s; mean %s, std %s (%s); crop padding %d px%s", folder.dir(), folder.format().id(),
                names.size(), names.size() <= 12 ? String.join(", ", names) : String.join(", ", names.subList(0, 12))
                        + ", ...", train.size(), test.size(), size, memory ? "in memory" : "streamed from disk",
                Arrays.toString(mean), Arrays.toString(std), statsFrom, resolved.pad(),
                config.flip() ? ", flips" : ""));
        if (!skipped.isEmpty()) {
            data.notes.add("skipped " + skipped.size() + " unreadable image" + (skipped.size() == 1 ? "" : "s") + ": "
                    + String.join("; ", skipped.subList(0, Math.min(LISTED, skipped.size())))
                    + (skipped.size() > LISTED ? "; ..." : ""));
        }
        return data;
    }

    private static float[] perChannel(float[] v, int channels, String what) throws InvalidRunException {
        if (v.length == channels) {
            return v;
        }
        if (v.length == 1) {
            float[] out = new float[channels];
            Arrays.fill(out, v[0]);
            return out;
        }
        throw new InvalidRunException("channel " + what + " has " + v.length + " values but the images have "
                + channels + " channels");
    }
}
