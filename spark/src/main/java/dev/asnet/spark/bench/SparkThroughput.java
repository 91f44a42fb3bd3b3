package dev.asnet.spark.bench;

import dev.asnet.runtime.RuntimeOptions;
import dev.asnet.runtime.dataset.FashionMnist;
import dev.asnet.runtime.dataset.LabeledImages;
import dev.asnet.runtime.vision.Evaluation;
import dev.asnet.runtime.vision.ImageClassifier;
import dev.asnet.runtime.vision.ImageFiles;
import dev.asnet.runtime.vision.ImageToTensor;
import dev.asnet.spark.AsnetClassifier;
import dev.asnet.spark.BatchPredict;
import dev.asnet.spark.StageTimes;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Images per second of the BatchPredict job in Spark's local[1] and local[2] modes against
 * {@code asnet eval} in one JVM, on the same Fashion-MNIST test images, plus where the job's time
 * goes (decoding, preparing the input, ONNX Runtime). Every configuration runs once to warm up,
 * then the rounds run them interleaved in a rotating order; the report gives medians.
 *
 * <p>The configurations: {@code eval} is {@link ImageClassifier#evaluate} on the IDX pixels with
 * one and with two intra-op threads (what {@code asnet eval --threads N} runs: no files, no
 * decoding); {@code png, one JVM} classifies the PNG files with one thread, without Spark (the
 * decoding cost alone); {@code spark local[N]} runs the job's transform and writes Parquet, one
 * intra-op thread per task as the job does by default.
 */
@Command(name = "SparkThroughput", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Throughput of BatchPredict in local[1] and local[2] against asnet eval in one JVM.")
public final class SparkThroughput implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "FILE", description = "The .onnx model.")
    Path model;

    @Option(names = "--images", paramLabel = "N", defaultValue = "10000",
            description = "Fashion-MNIST test images to classify (default: ${DEFAULT-VALUE}).")
    int images;

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "3",
            description = "Timed rounds after the warm-up (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--work", paramLabel = "DIR", required = true,
            description = "Scratch folder for the PNG files and the job outputs (created; emptied of earlier runs).")
    Path work;

    @Option(names = "--partitions", paramLabel = "N",
            description = "Merge the job's input into at most N partitions (default: BatchPredict's default).")
    Integer partitions;

    /** Creates the command. */
    public SparkThroughput() {}

    /**
     * Runs the benchmark.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        System.exit(new CommandLine(new SparkThroughput()).execute(args));
    }

    /** One configuration's timed runs. */
    private record Config(String name, Run run, List<Double> seconds, List<Double> jobSeconds,
            List<StageTimes.Snapshot> stages) {
        Config(String name, Run run) {
            this(name, run, new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        }
    }

    /** One timed run; returns the seconds of the job alone (without Spark's start and stop), or NaN. */
    @FunctionalInterface
    private interface Run {
        double run(int round) throws Exception;
    }

    @Override
    public Integer call() throws Exception {
        if (BatchPredict.missingJvmOptions().isPresent()) {
            System.err.println(BatchPredict.missingJvmOptions().get());
            return 2;
        }
        LabeledImages data = FashionMnist.load(FashionMnist.DEFAULT_DIR, FashionMnist.Split.TEST).limit(images);
        Path pngs = work.resolve("pngs-" + data.size());
        if (!Files.isDirectory(pngs)) {
            writePngs(data, pngs);
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(pngs)) {
            files = s.sorted().toList();
        }
        RuntimeOptions one = RuntimeOptions.builder().optIntraOpThreads(1).build();
        RuntimeOptions two = RuntimeOptions.builder().optIntraOpThreads(2).build();
        List<Config> configs = new ArrayList<>();
        try (ImageClassifier eval1 = ImageClassifier.open(model, one);
                ImageClassifier eval2 = ImageClassifier.open(model, two)) {
            int[] reference = eval1.evaluate(data).predicted();
            configs.add(new Config("asnet eval, 1 thread (IDX, no decoding)", r -> check(eval1.evaluate(data), reference)));
            configs.add(new Config("asnet eval, 2 threads (IDX, no decoding)", r -> check(eval2.evaluate(data), reference)));
            configs.add(new Config("PNG files, one JVM, 1 thread (no Spark)", r -> classifyFiles(eval1, files)));
            for (int cores : new int[] {1, 2}) {
                configs.add(new Config("BatchPredict, Spark local[" + cores + "]",
                        r -> sparkJob(cores, pngs, r, partitions)));
            }
            // Spark's own split of small files (no merging): one task and one output file per ~32 images.
            configs.add(new Config("BatchPredict, Spark local[2], Spark's file split",
                    r -> sparkJob(2, pngs, r, Integer.MAX_VALUE)));
            System.out.printf(Locale.ROOT, "warming up (%d images, %d configurations)%n", data.size(), configs.size());
            for (Config c : configs) {
                c.run.run(-1);
            }
            for (int round = 0; round < rounds; round++) {
                for (int k = 0; k < configs.size(); k++) {
                    Config c = configs.get((k + round) % configs.size());
                    StageTimes.Snapshot before = StageTimes.snapshot();
                    long t0 = System.nanoTime();
                    double job = c.run.run(round);
                    c.seconds.add((System.nanoTime() - t0) / 1e9);
                    c.jobSeconds.add(Double.isNaN(job) ? c.seconds.get(c.seconds.size() - 1) : job);
                    c.stages.add(StageTimes.snapshot().since(before));
                    System.out.printf(Locale.ROOT, "round %d  %-45s %7.2f s%n", round + 1, c.name,
                            c.seconds.get(c.seconds.size() - 1));
                }
            }
            System.out.println();
            System.out.println(report(configs, data.size(), stageCosts(eval1, files)));
        }
        return 0;
    }

    private static double check(Evaluation e, int[] reference) {
        if (!Arrays.equals(e.predicted(), reference)) {
            throw new IllegalStateException("the evaluation's predictions changed between runs");
        }
        return Double.NaN;
    }

    private static double classifyFiles(ImageClassifier classifier, List<Path> files) throws Exception {
        int batch = ImageClassifier.DEFAULT_BATCH_SIZE;
        for (int start = 0; start < files.size(); start += batch) {
            List<BufferedImage> decoded = new ArrayList<>(batch);
            for (Path f : files.subList(start, Math.min(files.size(), start + batch))) {
                decoded.add(ImageFiles.readForInput(f, 28, 28, ImageFiles.maxPixels()));
            }
            classifier.classifyAll(decoded, 1);
        }
        return Double.NaN;
    }

    private double sparkJob(int cores, Path pngs, int round, Integer partitionLimit) throws IOException {
        // One session per run, as a job gets: its start (a few seconds) is part of the timed run.
        SparkSession spark = SparkSession.builder().master("local[" + cores + "]").appName("asnet SparkThroughput")
                .config("spark.ui.enabled", "false").getOrCreate();
        try {
            spark.sparkContext().setLogLevel("WARN");
            Path out = work.resolve("out-local" + cores + "-" + (partitionLimit == null ? "" : partitionLimit + "-")
                    + (round + 1));
            deleteRecursively(out);
            AsnetClassifier classifier = new AsnetClassifier().setModelPath(model.toString());
            // The file listing and the driver's model check are part of the job, as in BatchPredict.
            long t0 = System.nanoTime();
            Dataset<Row> rows = BatchPredict.predictions(spark, pngs.toString(), BatchPredict.DEFAULT_GLOB,
                    partitionLimit, classifier);
            if (round == -1) {
                System.out.printf(Locale.ROOT, "  local[%d]: %d partitions%n", cores, rows.rdd().getNumPartitions());
            }
            rows.write().parquet(out.toString());
            return (System.nanoTime() - t0) / 1e9;
        } finally {
            spark.stop();
        }
    }

    /** Per-image cost of each stage, measured alone in one thread over all files. */
    private static Map<String, Double> stageCosts(ImageClassifier classifier, List<Path> files) throws Exception {
        long read = 0;
        long decode = 0;
        long prepare = 0;
        ImageToTensor pre = new ImageToTensor(classifier.input());
        List<byte[]> encoded = new ArrayList<>(files.size());
        long t0 = System.nanoTime();
        for (Path f : files) {
            encoded.add(Files.readAllBytes(f));
        }
        read = System.nanoTime() - t0;
        List<BufferedImage> images = new ArrayList<>(files.size());
        t0 = System.nanoTime();
        for (int i = 0; i < files.size(); i++) {
            images.add(ImageFiles.readForInput(encoded.get(i), files.get(i).toString(), 28, 28, ImageFiles.maxPixels()));
        }
        decode = System.nanoTime() - t0;
        float[] x = new float[classifier.input().imageSize()];
        t0 = System.nanoTime();
        for (BufferedImage img : images) {
            pre.toInput(img, x, 0);
        }
        prepare = System.nanoTime() - t0;
        Map<String, Double> perImageMicros = new LinkedHashMap<>();
        perImageMicros.put("read the file", read / 1e3 / files.size());
        perImageMicros.put("decode the PNG", decode / 1e3 / files.size());
        perImageMicros.put("prepare the input (scale, gray, normalize)", prepare / 1e3 / files.size());
        return perImageMicros;
    }

    private String report(List<Config> configs, int n, Map<String, Double> stages) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "%d images, %d rounds, medians; machine: %d cores visible to the JVM, "
                + "Java %s%n%n", n, rounds, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version")));
        s.append("| configuration | seconds, whole run | seconds, job | images/s (job) | x eval 1 thread | decode s "
                + "| prepare s | ONNX Runtime s |\n");
        s.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
        double base = n / median(configs.get(0).jobSeconds);
        for (Config c : configs) {
            double whole = median(c.seconds);
            double sec = median(c.jobSeconds);
            StageTimes.Snapshot st = c.stages.stream().min(Comparator.comparingDouble(StageTimes.Snapshot::inferenceSeconds))
                    .orElseThrow();
            boolean spark = st.rows() > 0;
            s.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f | %.0f | %.2f | %s | %s | %s |%n", c.name, whole,
                    sec, n / sec,
                    n / sec / base, spark ? String.format(Locale.ROOT, "%.2f", st.decodeSeconds()) : "",
                    spark ? String.format(Locale.ROOT, "%.2f", st.preprocessSeconds()) : "",
                    spark ? String.format(Locale.ROOT, "%.2f", st.inferenceSeconds()) : ""));
        }
        s.append("\nWhole run: Spark's session start and stop included. Job: listing the files, the driver's model "
                + "check, the tasks and the Parquet output. Stage columns (Spark rows): task-thread seconds summed "
                + "over the job's tasks, from the run with the least ONNX Runtime time.\n");
        s.append("\nPer image, one thread, measured alone:\n");
        for (Map.Entry<String, Double> e : stages.entrySet()) {
            s.append(String.format(Locale.ROOT, "- %s: %.1f us%n", e.getKey(), e.getValue()));
        }
        return s.toString();
    }

    private static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static void writePngs(LabeledImages data, Path dir) throws IOException {
        Path tmp = dir.resolveSibling(dir.getFileName() + ".part");
        deleteRecursively(tmp);
        Files.createDirectories(tmp);
        int h = data.rows();
        int w = data.cols();
        byte[] pixels = data.images().pixels();
        int[] row = new int[w * h];
        for (int i = 0; i < data.size(); i++) {
            BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
            for (int p = 0; p < row.length; p++) {
                row[p] = Byte.toUnsignedInt(pixels[i * w * h + p]);
            }
            img.getRaster().setPixels(0, 0, w, h, row);
            ImageIO.write(img, "png", tmp.resolve(String.format(Locale.ROOT, "%05d.png", i)).toFile());
        }
        Files.move(tmp, dir);
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
