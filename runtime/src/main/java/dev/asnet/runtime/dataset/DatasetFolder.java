package dev.asnet.runtime.dataset;

import dev.asnet.runtime.InputMismatchException;
import dev.asnet.runtime.vision.ImageFiles;
import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * A folder holding a labeled image dataset in one of the layouts other frameworks read, with a
 * training part and a test (validation) part:
 *
 * <ul>
 *   <li>{@link Format#FASHION_MNIST}: IDX files {@code train-images-idx3-ubyte[.gz]},
 *       {@code train-labels-idx1-ubyte[.gz]} and the {@code t10k-} pair (MNIST-style, grayscale);</li>
 *   <li>{@link Format#CIFAR10}: the CIFAR-10 binary files {@code data_batch_1.bin} ..
 *       {@code data_batch_5.bin} (training) and {@code test_batch.bin}, directly in the folder or in
 *       its {@code cifar-10-batches-bin/}; class names from {@code batches.meta.txt} when present;</li>
 *   <li>{@link Format#FOLDER}: one sub-folder per class holding PNG, JPEG or BMP files (searched
 *       recursively; other files ignored), class names = folder names in sorted order; either inside
 *       {@code train/} and {@code val/} (or {@code validation/}, {@code test/}), or directly in the
 *       folder with a seeded split holding out a fraction of each class
 *       ({@link Builder#optValSplit}).</li>
 * </ul>
 *
 * <p>{@link Format#AUTO} recognizes the layout from the files present. Opening lists and checks
 * the folder (no class folder, an empty class folder, a class without validation images, a
 * validation class unknown to the training part); {@link #part} then reads one part: IDX files
 * into memory, CIFAR-10 labels (the pixels are read on demand), image headers (size, gray or color,
 * readability; the pixels are decoded on demand). Images of a folder are brought to one size:
 * {@link Builder#optInput} if given (scaled to cover and center-cropped, as
 * {@link dev.asnet.runtime.vision.ImageToTensor} prepares any image), otherwise their own size,
 * which must then be the same for every image. A folder's images are ordered round-robin over the
 * classes (the first image of each class, then the second, ...), so any prefix is balanced.
 *
 * <pre>{@code
 * DatasetFolder data = DatasetFolder.builder(Path.of("shapes")).optValSplit(0.2).open();
 * ImageDataset train = data.part(DatasetFolder.Part.TRAIN);
 * }</pre>
 */
public final class DatasetFolder {
    /** CIFAR-10's class names in label order, used when {@code batches.meta.txt} is absent. */
    public static final List<String> CIFAR10_LABELS = List.of("airplane", "automobile", "bird", "cat", "deer", "dog",
            "frog", "horse", "ship", "truck");
    /** File name endings (lower case) of the images a folder dataset reads. */
    public static final List<String> IMAGE_EXTENSIONS = List.of(".png", ".jpg", ".jpeg", ".bmp");
    /** Names of the validation folder next to {@code train/}, in the order they are looked for. */
    public static final List<String> VALIDATION_FOLDERS = List.of("val", "validation", "test");
    /** How many skipped images a message lists by name. */
    private static final int LISTED = 3;

    /** The layouts. */
    public enum Format {
        /** Recognized from the files present. */
        AUTO,
        /** MNIST-style IDX files, such as Fashion-MNIST's. */
        FASHION_MNIST,
        /** CIFAR-10 binary batches. */
        CIFAR10,
        /** One sub-folder of images per class. */
        FOLDER;

        /**
         * The command-line name.
         *
         * @return such as {@code fashion-mnist}
         */
        public String id() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /**
         * Parses {@code auto}, {@code fashion-mnist} (or {@code idx}), {@code cifar10} or
         * {@code folder}, case-insensitively.
         *
         * @param s the name
         * @return the format
         * @throws IllegalArgumentException for another name
         */
        public static Format parse(String s) {
            String n = s.trim().toLowerCase(Locale.ROOT);
            if (n.equals("idx") || n.equals("mnist")) {
                return FASHION_MNIST;
            }
            for (Format f : values()) {
                if (f.id().equals(n)) {
                    return f;
                }
            }
            throw new IllegalArgumentException("unknown data format '" + s + "' (use auto, fashion-mnist, cifar10 or "
                    + "folder)");
        }
    }

    /** The two parts of a dataset. */
    public enum Part {
        /** The images trained on. */
        TRAIN,
        /** The images accuracy is measured on: the test split, {@code val/}, or the held-out fraction. */
        TEST;

        /**
         * Parses {@code train}, or {@code test} / {@code val} / {@code validation} / {@code t10k}.
         *
         * @param s the name
         * @return the part
         * @throws IllegalArgumentException for another name
         */
        public static Part parse(String s) {
            switch (s.trim().toLowerCase(Locale.ROOT)) {
                case "train":
                    return TRAIN;
                case "test":
                case "t10k":
                case "val":
                case "validation":
                    return TEST;
                default:
                    throw new IllegalArgumentException("unknown split '" + s + "': use train, or test (val)");
            }
        }
    }

    private final Path dir;
    private final Format format;
    private final ImageSize input;
    private final BadImages onBad;
    private final long maxPixels;
    private final String name;
    private final List<String> classNames;
    /** FOLDER only: per part, per class, the image files. */
    private final Map<Part, List<List<Path>>> folderFiles = new EnumMap<>(Part.class);
    private final Map<Part, String> partNames = new EnumMap<>(Part.class);
    private final Map<Part, ImageDataset> loaded = new EnumMap<>(Part.class);
    private final List<String> skipped = new ArrayList<>();
    private ImageSize folderSize;

    private DatasetFolder(Builder b, Path dir, Format format) throws IOException {
        this.dir = dir;
        this.format = format;
        this.input = b.input;
        this.onBad = b.onBad;
        this.maxPixels = b.maxPixels > 0 ? b.maxPixels : ImageFiles.maxPixels();
        switch (format) {
            case FASHION_MNIST -> {
                classNames = FashionMnist.LABELS;
                name = "fashion-mnist";
                partNames.put(Part.TRAIN, dir + " (IDX train-* files)");
                partNames.put(Part.TEST, dir + " (IDX t10k-* files)");
                if (b.valSplit > 0) {
                    throw new DatasetException(dir, "holds IDX files with their own test split; --val-split is for "
                            + "image folders");
                }
            }
            case CIFAR10 -> {
                classNames = cifarNames(dir);
                name = "cifar10";
                partNames.put(Part.TRAIN, dir + " (CIFAR-10 data_batch_*.bin)");
                partNames.put(Part.TEST, dir + " (CIFAR-10 test_batch.bin)");
                if (b.valSplit > 0) {
                    throw new DatasetException(dir, "holds CIFAR-10 files with their own test batch; --val-split is for "
                            + "image folders");
                }
            }
            default -> {
                name = dir.toAbsolutePath().normalize().getFileName() == null ? dir.toString()
                        : dir.toAbsolutePath().normalize().getFileName().toString();
                classNames = listFolder(dir, b.valSplit, b.seed);
            }
        }
    }

    /**
     * Starts describing a dataset folder.
     *
     * @param dir the folder
     * @return a builder
     */
    public static Builder builder(Path dir) {
        return new Builder(dir);
    }

    /** Chooses how a dataset folder is read; {@link #open} checks and lists it. */
    public static final class Builder {
        private final Path dir;
        private Format format = Format.AUTO;
        private ImageSize input;
        private double valSplit;
        private long seed = 1;
        private BadImages onBad = BadImages.FAIL;
        private long maxPixels;

        private Builder(Path dir) {
            this.dir = Objects.requireNonNull(dir, "dir");
        }

        /**
         * Sets the layout (default {@link Format#AUTO}: recognized from the files).
         *
         * @param f the layout
         * @return this builder
         */
        public Builder optFormat(Format f) {
            this.format = Objects.requireNonNull(f, "format");
            return this;
        }

        /**
         * Sets the size images are read at (default: their own). Folder images are scaled to cover
         * it and center-cropped; IDX and CIFAR-10 images must already have its height and width
         * (only the channel count is converted).
         *
         * @param size the size, or null for the images' own
         * @return this builder
         */
        public Builder optInput(ImageSize size) {
            this.input = size;
            return this;
        }

        /**
         * Holds out a fraction of each class of a folder without {@code val/} as its test part
         * (default 0: none). Which images is a function of the seed and the file names only.
         *
         * @param fraction in [0, 1)
         * @return this builder
         */
        public Builder optValSplit(double fraction) {
            this.valSplit = fraction;
            return this;
        }

        /**
         * Sets the seed of the validation split (default 1).
         *
         * @param s the seed
         * @return this builder
         */
        public Builder optSeed(long s) {
            this.seed = s;
            return this;
        }

        /**
         * Sets what happens to image files that cannot be decoded (default: fail).
         *
         * @param policy fail or skip
         * @return this builder
         */
        public Builder optBadImages(BadImages policy) {
            this.onBad = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * Sets the pixel limit of one image file (default {@link ImageFiles#maxPixels()}).
         *
         * @param pixels the largest width x height, >= 1
         * @return this builder
         */
        public Builder optMaxPixels(long pixels) {
            this.maxPixels = pixels;
            return this;
        }

        /**
         * Recognizes the layout, lists the folder and checks it.
         *
         * @return the dataset folder
         * @throws NoSuchFileException if the folder does not exist
         * @throws DatasetException if it holds no layout asnet reads, or the layout is broken
         * @throws IllegalArgumentException if the validation fraction is outside [0, 1)
         * @throws IOException if listing fails
         */
        public DatasetFolder open() throws IOException {
            if (!(valSplit >= 0 && valSplit < 1)) {
                throw new IllegalArgumentException("the validation split must be a fraction in [0, 1), got " + valSplit);
            }
            if (!Files.isDirectory(dir)) {
                if (Files.exists(dir)) {
                    throw new DatasetException(dir, "is a file; --data takes a folder");
                }
                boolean fashion = format == Format.AUTO || format == Format.FASHION_MNIST;
                throw new NoSuchFileException(dir.toString(), null, "dataset folder not found"
                        + (fashion ? " (for Fashion-MNIST: " + FashionMnist.INSTALL_HINT + ")" : ""));
            }
            Path where = dir;
            Format f = format;
            if (f == Format.AUTO || f == Format.CIFAR10) {
                Path inner = dir.resolve("cifar-10-batches-bin");
                if (!isCifar(dir) && Files.isDirectory(inner) && isCifar(inner)) {
                    where = inner;
                }
            }
            if (f == Format.AUTO) {
                f = detect(where);
            }
            return new DatasetFolder(this, where, f);
        }
    }

    /**
     * Recognizes a folder's layout from its files.
     *
     * @param dir the folder
     * @return the layout
     * @throws DatasetException if it holds none, saying what was expected
     * @throws IOException if listing fails
     */
    public static Format detect(Path dir) throws IOException {
        for (String prefix : List.of("train", "t10k")) {
            for (String suffix : List.of("", ".gz")) {
                if (Files.isRegularFile(dir.resolve(prefix + "-images-idx3-ubyte" + suffix))) {
                    return Format.FASHION_MNIST;
                }
            }
        }
        if (isCifar(dir)) {
            return Format.CIFAR10;
        }
        if (!subfolders(dir).isEmpty()) {
            return Format.FOLDER;
        }
        throw new DatasetException(dir, "holds no dataset asnet reads; expected one of: Fashion-MNIST IDX files "
                + "(train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], t10k-...), CIFAR-10 binary files "
                + "(data_batch_1.bin .. data_batch_5.bin, test_batch.bin), or one sub-folder of PNG/JPEG/BMP images "
                + "per class (optionally inside train/ and val/)");
    }

    private static boolean isCifar(Path dir) throws IOException {
        return Files.isRegularFile(dir.resolve("test_batch.bin")) || !cifarBatches(dir).isEmpty();
    }

    /** The data_batch_N.bin files, by N. */
    private static List<Path> cifarBatches(Path dir) throws IOException {
        Map<Integer, Path> found = new java.util.TreeMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String n = p.getFileName().toString();
                if (n.matches("data_batch_[0-9]{1,6}\\.bin") && Files.isRegularFile(p)) {
                    found.put(Integer.parseInt(n.substring(11, n.length() - 4)), p);
                }
            }
        }
        return List.copyOf(found.values());
    }

    private static List<String> cifarNames(Path dir) throws IOException {
        Path meta = dir.resolve("batches.meta.txt");
        if (!Files.isRegularFile(meta)) {
            return CIFAR10_LABELS;
        }
        List<String> names = new ArrayList<>();
        for (String line : Files.readAllLines(meta)) {
            if (!line.isBlank()) {
                names.add(line.strip());
            }
        }
        if (names.isEmpty() || names.size() > 256) {
            throw new DatasetException(meta, "names " + names.size() + " classes; expected one class name per line "
                    + "(10 for CIFAR-10)");
        }
        return List.copyOf(names);
    }

    /** Non-hidden sub-folders, sorted by name. */
    private static List<Path> subfolders(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (Files.isDirectory(p) && !p.getFileName().toString().startsWith(".")) {
                    out.add(p);
                }
            }
        }
        out.sort((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
        return out;
    }

    /**
     * The image files under a class folder, searched recursively (following symbolic links, as a
     * dataset assembled from links to other folders needs), sorted by relative path.
     */
    private static List<Path> images(Path classDir) throws IOException {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(classDir, FileVisitOption.FOLLOW_LINKS)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String n = p.getFileName().toString();
                String lower = n.toLowerCase(Locale.ROOT);
                if (!n.startsWith(".") && IMAGE_EXTENSIONS.stream().anyMatch(lower::endsWith)
                        && Files.isRegularFile(p)) {
                    out.add(p);
                }
            }
        }
        out.sort((a, b) -> classDir.relativize(a).toString().compareTo(classDir.relativize(b).toString()));
        return out;
    }

    /** Lists a folder dataset's classes and files, with every check that needs no decoding. */
    private List<String> listFolder(Path root, double valSplit, long seed) throws IOException {
        Path trainDir = root;
        Path testDir = null;
        if (Files.isDirectory(root.resolve("train"))) {
            trainDir = root.resolve("train");
            for (String v : VALIDATION_FOLDERS) {
                if (Files.isDirectory(root.resolve(v))) {
                    testDir = root.resolve(v);
                    break;
                }
            }
            if (testDir != null && valSplit > 0) {
                throw new DatasetException(root, "has both train/ and " + testDir.getFileName() + "/; --val-split is "
                        + "for a folder without a validation folder");
            }
        }
        List<Path> classDirs = subfolders(trainDir);
        if (classDirs.isEmpty()) {
            throw new DatasetException(trainDir, "has no class folders; expected one sub-folder of PNG/JPEG/BMP images "
                    + "per class");
        }
        List<String> names = new ArrayList<>();
        List<List<Path>> train = new ArrayList<>();
        for (Path c : classDirs) {
            String n = c.getFileName().toString();
            if (n.contains("\n") || n.contains("\r")) {
                throw new DatasetException(c, "a class folder name must not contain a line break");
            }
            List<Path> files = images(c);
            if (files.isEmpty()) {
                throw new DatasetException(c, "is an empty class folder (no .png, .jpg, .jpeg or .bmp files); every "
                        + "class folder needs images: add some, or remove the folder");
            }
            names.add(n);
            train.add(files);
        }
        String trainName = trainDir.toString();
        if (testDir != null) {
            List<List<Path>> test = new ArrayList<>();
            for (Path c : subfolders(testDir)) {
                if (!names.contains(c.getFileName().toString())) {
                    throw new DatasetException(c, "is not a class of " + trainDir + " (its classes: "
                            + String.join(", ", names) + ")");
                }
            }
            for (String n : names) {
                Path c = testDir.resolve(n);
                List<Path> files = Files.isDirectory(c) ? images(c) : List.of();
                if (files.isEmpty()) {
                    throw new DatasetException(testDir, "has no images of class '" + n + "' (expected them in " + c
                            + "); every class needs validation images, or the accuracy would leave it out");
                }
                test.add(files);
            }
            folderFiles.put(Part.TEST, test);
            partNames.put(Part.TEST, testDir + " (image folder)");
        } else if (valSplit > 0) {
            List<List<Path>> kept = new ArrayList<>();
            List<List<Path>> held = new ArrayList<>();
            for (int k = 0; k < names.size(); k++) {
                List<Path> files = train.get(k);
                if (files.size() < 2) {
                    throw new DatasetException(classDirs.get(k), "has only " + files.size() + " image; a validation "
                            + "split needs at least 2 per class");
                }
                int nVal = (int) Math.min(files.size() - 1, Math.max(1, Math.round(valSplit * files.size())));
                List<Path> shuffled = new ArrayList<>(files);
                Collections.shuffle(shuffled, new java.util.Random(new SplittableRandom(seed * 0x9E3779B97F4A7C15L + k)
                        .nextLong()));
                List<Path> v = new ArrayList<>(shuffled.subList(0, nVal));
                List<Path> t = new ArrayList<>(shuffled.subList(nVal, shuffled.size()));
                v.sort(null);
                t.sort(null);
                held.add(v);
                kept.add(t);
            }
            train = kept;
            folderFiles.put(Part.TEST, held);
            trainName = trainDir + " (image folder, " + Math.round((1 - valSplit) * 100) + "% of each class, seed "
                    + seed + ")";
            partNames.put(Part.TEST, trainDir + " (image folder, held-out " + Math.round(valSplit * 100)
                    + "% of each class, seed " + seed + ")");
        }
        folderFiles.put(Part.TRAIN, train);
        partNames.putIfAbsent(Part.TRAIN, trainName.endsWith(")") ? trainName : trainName + " (image folder)");
        return List.copyOf(names);
    }

    /**
     * The layout read.
     *
     * @return FASHION_MNIST, CIFAR10 or FOLDER
     */
    public Format format() {
        return format;
    }

    /**
     * The folder read (for CIFAR-10, possibly its {@code cifar-10-batches-bin/}).
     *
     * @return the folder
     */
    public Path dir() {
        return dir;
    }

    /**
     * A short name of the dataset for a model's metadata: {@code fashion-mnist}, {@code cifar10},
     * or the folder's name.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * The class names, index = label.
     *
     * @return the names
     */
    public List<String> classNames() {
        return classNames;
    }

    /**
     * Whether the dataset has this part: an image folder without a validation folder or split
     * has only a training part (all its images).
     *
     * @param part the part
     * @return whether {@link #part} can read it
     */
    public boolean hasPart(Part part) {
        return format != Format.FOLDER || folderFiles.containsKey(part);
    }

    /**
     * What a part is, for messages: its folder or files.
     *
     * @param part the part
     * @return the description
     */
    public String describe(Part part) {
        return partNames.getOrDefault(part, dir.toString());
    }

    /**
     * Images left out so far because they could not be decoded (with {@link BadImages#SKIP}).
     *
     * @return one message per image
     */
    public List<String> skipped() {
        return Collections.unmodifiableList(skipped);
    }

    /**
     * Reads one part (once; later calls return the same dataset).
     *
     * @param part the part
     * @return its images
     * @throws DatasetException if the part does not exist, images of a folder have mixed sizes and
     *     no input size was given, an image cannot be read (with {@link BadImages#FAIL}), or a class
     *     is left without images
     * @throws InputMismatchException if IDX or CIFAR-10 images do not have the input's height and width
     * @throws IOException if reading fails
     */
    public synchronized ImageDataset part(Part part) throws IOException {
        ImageDataset d = loaded.get(part);
        if (d == null) {
            d = switch (format) {
                case FASHION_MNIST -> idx(part);
                case CIFAR10 -> cifar(part);
                default -> folder(part);
            };
            loaded.put(part, d);
        }
        return d;
    }

    private ImageDataset idx(Part part) throws IOException {
        LabeledImages images = FashionMnist.load(dir, part == Part.TRAIN ? FashionMnist.Split.TRAIN
                : FashionMnist.Split.TEST);
        int channels = fixedSize(images.rows(), images.cols(), 1, "IDX");
        return images.asDataset(channels, describe(part));
    }

    private ImageDataset cifar(Part part) throws IOException {
        List<Path> files;
        if (part == Part.TRAIN) {
            files = cifarBatches(dir);
            if (files.isEmpty()) {
                throw new DatasetException(dir, "has no CIFAR-10 training files (data_batch_1.bin .. data_batch_5.bin)");
            }
        } else {
            Path test = dir.resolve("test_batch.bin");
            if (!Files.isRegularFile(test)) {
                throw new DatasetException(dir, "has no CIFAR-10 test file (test_batch.bin)");
            }
            files = List.of(test);
        }
        int channels = fixedSize(Cifar10Files.SIDE, Cifar10Files.SIDE, 3, "CIFAR-10");
        return Cifar10Files.open(files, classNames, channels, describe(part));
    }

    /** The channel count for fixed-size images, after checking the input's height and width. */
    private int fixedSize(int rows, int cols, int channels, String kind) {
        if (input == null) {
            return channels;
        }
        if (input.height() != rows || input.width() != cols) {
            throw new InputMismatchException("the " + kind + " images in " + dir + " are " + rows + "x" + cols
                    + " but the input is " + input + "; " + kind + " images are used at their own size (only images"
                    + " in class folders are scaled)");
        }
        return input.channels();
    }

    private ImageDataset folder(Part part) throws IOException {
        List<List<Path>> perClass = folderFiles.get(part);
        if (perClass == null) {
            throw new DatasetException(dir, "has no validation images: put the class folders into train/ and val/, "
                    + "or hold out a fraction of each class with --val-split F");
        }
        // Round-robin over the classes: any prefix (--limit) is balanced.
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        int longest = perClass.stream().mapToInt(List::size).max().orElse(0);
        for (int i = 0; i < longest; i++) {
            for (int k = 0; k < perClass.size(); k++) {
                if (i < perClass.get(k).size()) {
                    files.add(perClass.get(k).get(i));
                    labels.add(k);
                }
            }
        }
        // Read every header: size, gray or color, and whether it is an image at all.
        List<ImageFiles.Header> headers = new ArrayList<>();
        List<Path> good = new ArrayList<>();
        List<Integer> goodLabels = new ArrayList<>();
        List<String> bad = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            try {
                headers.add(ImageFiles.probe(files.get(i), maxPixels));
                good.add(files.get(i));
                goodLabels.add(labels.get(i));
            } catch (IOException e) {
                bad.add(e.getMessage());
            }
        }
        String what = describe(part);
        if (!bad.isEmpty()) {
            String list = String.join("; ", bad.subList(0, Math.min(LISTED, bad.size())))
                    + (bad.size() > LISTED ? "; ..." : "");
            if (onBad == BadImages.FAIL) {
                throw new DatasetException(dir, bad.size() + " of " + files.size() + " images in " + what
                        + " cannot be read: " + list + " (leave such images out with --bad-images skip)");
            }
            skipped.addAll(bad);
            int[] left = new int[classNames.size()];
            goodLabels.forEach(l -> left[l]++);
            for (int k = 0; k < left.length; k++) {
                if (left[k] == 0) {
                    throw new DatasetException(dir, "class '" + classNames.get(k) + "' has no readable images left in "
                            + what + " after skipping " + bad.size() + " unreadable ones");
                }
            }
        }
        ImageSize size = input != null ? input : folderSize(headers, good, what);
        int[] l = goodLabels.stream().mapToInt(Integer::intValue).toArray();
        return new FolderImages(good, l, classNames, size, maxPixels, what);
    }

    /** The images' own size: the same for every image, or an error naming two that differ. */
    private ImageSize folderSize(List<ImageFiles.Header> headers, List<Path> files, String what)
            throws DatasetException {
        Map<String, Integer> counts = new LinkedHashMap<>();
        Map<String, Path> example = new LinkedHashMap<>();
        boolean allGray = true;
        for (int i = 0; i < headers.size(); i++) {
            ImageFiles.Header h = headers.get(i);
            String s = h.width() + "x" + h.height();
            counts.merge(s, 1, Integer::sum);
            example.putIfAbsent(s, files.get(i));
            allGray &= h.gray();
        }
        ImageSize own;
        if (folderSize != null) {
            own = folderSize;
            String expected = own.width() + "x" + own.height();
            for (String s : counts.keySet()) {
                if (!s.equals(expected)) {
                    throw new DatasetException(dir, "images of mixed sizes: " + example.get(s) + " in " + what + " is "
                            + s + " (width x height) but the training images are " + expected + "; pass --input CxHxW "
                            + "to scale and center-crop every image to one size");
                }
            }
            return own;
        }
        if (counts.size() > 1) {
            List<String> sizes = new ArrayList<>(new TreeSet<>(counts.keySet()));
            String a = sizes.get(0);
            String b = sizes.get(1);
            throw new DatasetException(dir, "images of mixed sizes in " + what + " (" + counts.size() + " sizes: "
                    + example.get(a) + " is " + a + ", " + example.get(b) + " is " + b + ", width x height); pass --input "
                    + "CxHxW to scale and center-crop every image to one size");
        }
        String[] wh = counts.keySet().iterator().next().split("x");
        int w = Integer.parseInt(wh[0]);
        int h = Integer.parseInt(wh[1]);
        if (w > ImageSize.MAX_SIDE || h > ImageSize.MAX_SIDE) {
            throw new DatasetException(dir, "the images are " + w + "x" + h + ", larger than a model input "
                    + "(at most " + ImageSize.MAX_SIDE + " per side); pass --input CxHxW to scale them down");
        }
        folderSize = new ImageSize(allGray ? 1 : 3, h, w);
        return folderSize;
    }
}
