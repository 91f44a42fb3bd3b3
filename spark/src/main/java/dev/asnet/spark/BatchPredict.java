package dev.asnet.spark;

import static org.apache.spark.sql.functions.col;

import dev.asnet.runtime.Device;
import dev.asnet.runtime.RuntimeOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The batch job: classifies every image under a folder and writes one row per image (path,
 * label, class index, probability, and the error for an image that could not be classified) as
 * Parquet or CSV. Runs in local mode with {@code --master local[N]}, or on a cluster under
 * {@code spark-submit}, which sets the master. The README shows both commands.
 */
@Command(name = "BatchPredict", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Classify every image under a folder with an asnet model on Spark and write one row per "
                + "image: path, label, class_index, probability, error."},
        footer = {"%nExamples:",
            "  java @spark/target/spark-java17.args -cp asnet-spark-standalone.jar \\",
            "      dev.asnet.spark.BatchPredict --master 'local[2]' --model M.onnx --images imgs/ --out preds/",
            "  spark-submit --class dev.asnet.spark.BatchPredict asnet-spark-spark-submit.jar \\",
            "      --model hdfs:///models/M.onnx --images hdfs:///imgs --out hdfs:///preds --format csv",
            "%nExit codes: 0 done (rows that could not be classified have an error), 1 the job failed,",
            "2 bad arguments (a missing or broken model too), 3 the output exists (see --overwrite)."})
public final class BatchPredict implements Callable<Integer> {
    /** Exit code: the job ran (rows that could not be classified have an error). */
    public static final int OK = 0;
    /** Exit code: the job failed. */
    public static final int FAILED = 1;
    /** Exit code: bad arguments. */
    public static final int USAGE = 2;
    /** Exit code: the output exists and --overwrite was not given, or it is not a folder. */
    public static final int OUTPUT_EXISTS = 3;

    /**
     * Images per partition above which the default partitioning adds partitions: small enough that
     * a failed task is cheap to redo, large enough that per-task costs (one output file each) vanish.
     */
    public static final int IMAGES_PER_PARTITION = 10_000;

    /** The file-name patterns read by default: the formats the decoder reads. */
    public static final String DEFAULT_GLOB = "*.{png,PNG,jpg,JPG,jpeg,JPEG,bmp,BMP,gif,GIF}";

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master, e.g. local[2]; leave it out under spark-submit, which sets it.")
    String master;

    @Option(names = "--model", required = true, paramLabel = "FILE",
            description = "The .onnx model (a local path or a Hadoop file system URI), read by the driver.")
    String model;

    @Option(names = "--images", required = true, paramLabel = "DIR",
            description = "Folder of images, read recursively.")
    String images;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Output folder to create; an existing one is kept unless --overwrite.")
    String out;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "parquet",
            description = "parquet or csv (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--overwrite", description = "Replace an existing output folder once the new result is complete.")
    boolean overwrite;

    @Option(names = "--glob", paramLabel = "PATTERN", defaultValue = DEFAULT_GLOB,
            description = "File names to read (default: ${DEFAULT-VALUE}).")
    String glob;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "64",
            description = "Images per model call (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "1",
            description = "ONNX Runtime intra-op threads per run on each executor (default: ${DEFAULT-VALUE}; "
                    + "Spark already runs one task per core).")
    int threads;

    @Option(names = "--device", paramLabel = "DEVICE", defaultValue = "cpu",
            description = "cpu, cuda or cuda:N (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--partitions", paramLabel = "N",
            description = "Merge the input into at most N partitions (default: 2 per core, and at least one per "
                    + IMAGES_PER_PARTITION + " images).")
    Integer partitions;

    @Option(names = "--fail-on-error", description = "Fail the job on an image that cannot be classified "
            + "(default: its row gets an error and no prediction).")
    boolean failOnError;

    private PrintWriter stdout;

    /** Creates the command. */
    public BatchPredict() {}

    /**
     * Runs the job and exits with its exit code.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        quietLoggingUnlessConfigured();
        Charset cs = Charset.defaultCharset();
        System.exit(run(new PrintWriter(new OutputStreamWriter(System.out, cs), true),
                new PrintWriter(new OutputStreamWriter(System.err, cs), true), args));
    }

    /**
     * Spark logs dozens of INFO lines per job when no Log4j configuration is found; a command's
     * output should be its summary. So without a user's configuration (a {@code log4j2.properties}
     * or {@code log4j2.xml} on the class path, or {@code -Dlog4j2.configurationFile}) this one,
     * warnings and errors only, is used. Must run before Spark first logs.
     */
    private static void quietLoggingUnlessConfigured() {
        ClassLoader loader = BatchPredict.class.getClassLoader();
        if (System.getProperty("log4j2.configurationFile") == null && loader.getResource("log4j2.properties") == null
                && loader.getResource("log4j2.xml") == null) {
            System.setProperty("log4j2.configurationFile", "classpath:dev/asnet/spark/batchpredict-log4j2.properties");
        }
    }

    /**
     * Runs the job without exiting. Uses the JVM's Spark session when there is one (and leaves it
     * running), otherwise creates one and stops it at the end.
     *
     * @param out where the summary goes
     * @param err where errors go
     * @param args the command line
     * @return the exit code
     */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        BatchPredict job = new BatchPredict();
        job.stdout = out;
        CommandLine cmd = new CommandLine(job).setOut(out).setErr(err);
        cmd.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof UsageException || e instanceof IllegalArgumentException) {
                // Also the transformer's checks on the driver: a missing or broken model, before any task.
                err.println("BatchPredict: " + e.getMessage());
                return USAGE;
            }
            if (e instanceof OutputDirectory.OutputExistsException) {
                err.println("BatchPredict: " + e.getMessage());
                return OUTPUT_EXISTS;
            }
            err.println("BatchPredict: the job failed: " + rootMessage(e));
            e.printStackTrace(err);
            return FAILED;
        });
        cmd.setParameterExceptionHandler((e, a) -> {
            err.println("BatchPredict: " + e.getMessage());
            e.getCommandLine().usage(err);
            return USAGE;
        });
        return cmd.execute(args);
    }

    private static String rootMessage(Throwable e) {
        // Spark wraps a task's exception in several layers; the innermost asnet one says what happened.
        String message = e.getMessage();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ModelLoadException || t instanceof RowClassificationException
                    || t instanceof IllegalArgumentException) {
                message = t.getMessage();
            }
        }
        return message;
    }

    /** A bad argument, found before Spark starts. */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    @Override
    public Integer call() throws Exception {
        validate();
        Optional<String> missing = missingJvmOptions();
        if (missing.isPresent()) {
            throw new UsageException(missing.get());
        }
        SparkSession existing = SparkSession.getActiveSession().isDefined() ? SparkSession.getActiveSession().get()
                : SparkSession.getDefaultSession().isDefined() ? SparkSession.getDefaultSession().get() : null;
        SparkSession.Builder builder = SparkSession.builder().appName("asnet BatchPredict");
        if (master != null) {
            builder.master(master);
        }
        SparkSession spark = builder.getOrCreate();
        try {
            if (existing == null) {
                spark.sparkContext().setLogLevel("WARN");
            }
            return runJob(spark);
        } finally {
            if (existing == null) {
                spark.stop();
            }
        }
    }

    private void validate() {
        if (!format.equals("parquet") && !format.equals("csv")) {
            throw new UsageException("--format must be parquet or csv, got '" + format + "'");
        }
        if (batchSize < 1) {
            throw new UsageException("--batch-size must be >= 1, got " + batchSize);
        }
        if (partitions != null && partitions < 1) {
            throw new UsageException("--partitions must be >= 1, got " + partitions);
        }
        try {
            RuntimeOptions.checkThreads("--threads", threads, true);
            Device.parse(device);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /**
     * What is missing when this JVM lacks the module openings Spark needs on Java 17: spark-submit
     * adds them, a plain {@code java -cp} does not, and Spark then fails deep inside with an access
     * error.
     *
     * @return the message naming the options, or empty when they are there
     */
    public static Optional<String> missingJvmOptions() {
        if (Object.class.getModule().isOpen("sun.nio.ch", BatchPredict.class.getModule())) {
            return Optional.empty();
        }
        return Optional.of("Spark needs these JVM options on Java 17 and newer, which spark-submit adds itself: run "
                + "java @spark/target/spark-java17.args -cp ... (the file the build writes), or pass them yourself:\n  "
                + javaModuleOptions());
    }

    /**
     * The JVM options Spark needs on Java 17 (the same the module's tests run with).
     *
     * @return the options, separated by spaces
     */
    public static String javaModuleOptions() {
        try (InputStream in = BatchPredict.class.getResourceAsStream("spark-java17.args")) {
            return in == null ? "(missing from this jar)" : new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    /**
     * The job's result, not yet computed: every image under a folder (recursively, names matching
     * {@code glob}) classified, as the columns {@code path, label, class_index, probability,
     * error}. The benchmark times exactly this.
     *
     * @param spark the session
     * @param images the folder
     * @param glob the file names to read, as Spark's {@code pathGlobFilter} matches them
     * @param partitions at most this many partitions, or null for {@link #defaultPartitions}
     * @param classifier the model and its settings; its output column names are set here
     * @return the rows
     */
    public static Dataset<Row> predictions(SparkSession spark, String images, String glob, Integer partitions,
            AsnetClassifier classifier) {
        Dataset<Row> files = spark.read().format("binaryFile")
                .option("pathGlobFilter", glob)
                .option("recursiveFileLookup", "true")
                .load(images);
        // Spark packs small files by size, counting 4 MB per file: 10,000 PNGs of 28x28 become ~300
        // partitions, each a task with its own output file, and those per-task costs then dominate
        // the job. Fewer, larger partitions (merged without a shuffle) cost nothing in parallelism.
        int target = partitions != null ? partitions : defaultPartitions(spark, files.inputFiles().length);
        if (target < files.rdd().getNumPartitions()) {
            files = files.coalesce(target);
        }
        return classifier.setLabelCol("label").setPredictionCol("class_index").setProbabilityCol("probability")
                .setErrorCol("error").transform(files)
                .select(col("path"), col("label"), col("class_index"), col("probability"), col("error"));
    }

    /**
     * The default number of partitions for a job over {@code images} files: two per core of the
     * application ({@code spark.default.parallelism}), and at least one per
     * {@value #IMAGES_PER_PARTITION} images.
     *
     * @param spark the session
     * @param images how many files the job reads
     * @return the partition count, >= 1
     */
    public static int defaultPartitions(SparkSession spark, long images) {
        long perCore = 2L * spark.sparkContext().defaultParallelism();
        long bySize = (images + IMAGES_PER_PARTITION - 1) / IMAGES_PER_PARTITION;
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, Math.max(perCore, bySize)));
    }

    private int runJob(SparkSession spark) throws Exception {
        Path outPath = new Path(out);
        FileSystem fs = outPath.getFileSystem(spark.sparkContext().hadoopConfiguration());
        OutputDirectory output = OutputDirectory.prepare(fs, outPath, overwrite);
        Path imagesPath = new Path(images);
        FileSystem imagesFs = imagesPath.getFileSystem(spark.sparkContext().hadoopConfiguration());
        if (!imagesFs.exists(imagesPath)) {
            throw new UsageException("--images " + images + ": no such folder");
        }
        AsnetClassifier classifier = new AsnetClassifier()
                .setModelPath(model)
                .setBatchSize(batchSize)
                .setIntraOpThreads(threads)
                .setDevice(device)
                .setFailOnError(failOnError);
        Dataset<Row> rows = predictions(spark, images, glob, partitions, classifier);
        long t0 = System.nanoTime();
        try {
            rows.write().format(format).option("header", "true").save(output.staging().toString());
            output.commit();
        } catch (Exception e) {
            // Spark's own SparkException is checked but undeclared: everything must remove the staging folder.
            output.abort();
            throw e;
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        Dataset<Row> written = spark.read().format(format).option("header", "true").load(output.target().toString());
        long count = written.count();
        long failed = written.filter(col("error").isNotNull()).count();
        stdout.printf(Locale.ROOT, "classified %d images in %.2f s (%.1f images/s) into %s (%s)%n", count - failed,
                seconds, count / Math.max(seconds, 1e-9), output.target(), format);
        if (failed > 0) {
            stdout.printf(Locale.ROOT, "%d images could not be classified: their rows have the reason in 'error'%n",
                    failed);
        }
        return OK;
    }
}
