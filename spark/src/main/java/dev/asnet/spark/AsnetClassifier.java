package dev.asnet.spark;

import dev.asnet.runtime.Device;
import dev.asnet.runtime.InvalidModelException;
import dev.asnet.runtime.ModelDescription;
import dev.asnet.runtime.RuntimeOptions;
import dev.asnet.runtime.vision.ImageClassifier;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.runtime.AbstractFunction1;

/**
 * A Spark ML {@code Transformer} that classifies a column of images with an asnet model, on the
 * executors, and appends the prediction columns.
 *
 * <p>The input column holds either encoded images ({@code binary}: PNG, JPEG, BMP or GIF bytes,
 * as {@code spark.read().format("binaryFile")} produces in its {@code content} column), which are
 * decoded and prepared with the model's own preprocessing (its metadata's size, channels and
 * normalization, exactly as {@link ImageClassifier} prepares an image file), or the model's input
 * already prepared ({@code array<float>} or {@code array<double>} of channels x height x width
 * normalized values). Appended columns, by default: {@code predictedLabel} (string),
 * {@code prediction} (int, the class index), {@code probability} (float), and {@code error}
 * (string, null unless the row could not be classified); optionally the top-k classes and the
 * logits. A row that cannot be classified gets null predictions and its error instead of failing
 * the job, unless {@link #setFailOnError(boolean)} is set.
 *
 * <pre>{@code
 * Dataset<Row> images = spark.read().format("binaryFile").load("images/");
 * Dataset<Row> predicted = new AsnetClassifier()
 *         .setModelPath("as-resnet20-16x3-fashion-mnist.onnx")
 *         .setTopKCol("top3").setTopK(3)
 *         .transform(images);
 * }</pre>
 *
 * <p>On the cluster the model's bytes are broadcast once; each executor JVM opens the model once
 * and shares it among its tasks ({@link ExecutorModels}), each task running its rows through it in
 * batches of {@link #setBatchSize(int)}. Since every task thread runs the model itself, the
 * default of one ONNX Runtime intra-op thread per run keeps one core per task busy, as Spark
 * schedules them; raise {@link #setIntraOpThreads(int)} when executors run fewer tasks than cores.
 *
 * <p>From Scala or PySpark it is used through the JVM like any Java transformer (see the README).
 * It is not {@code MLWritable}: a pipeline holding it is rebuilt in code rather than saved.
 */
public final class AsnetClassifier extends Transformer {
    private static final long serialVersionUID = 1L;

    /** The default input column: where {@code binaryFile} puts each file's bytes. */
    public static final String DEFAULT_INPUT_COL = "content";

    private final String uid;
    private final Param<String> modelPath;
    private final Param<byte[]> modelBytes;
    private final Param<String> inputCol;
    private final Param<String> pathCol;
    private final Param<String> labelCol;
    private final Param<String> predictionCol;
    private final Param<String> probabilityCol;
    private final Param<String> topKCol;
    private final IntParam topK;
    private final Param<String> logitsCol;
    private final Param<String> errorCol;
    private final IntParam batchSize;
    private final IntParam intraOpThreads;
    private final Param<String> device;
    private final BooleanParam failOnError;

    /** A transformer with a fresh uid and the default settings; set the model before use. */
    public AsnetClassifier() {
        this(Identifiable$.MODULE$.randomUID("asnetClassifier"));
    }

    /**
     * A transformer with the given uid (Spark's {@code copy} uses this).
     *
     * @param uid the uid
     */
    public AsnetClassifier(String uid) {
        this.uid = uid;
        modelPath = new Param<>(this, "modelPath", "the .onnx model: a path the driver can read (local, "
                + "or any Hadoop file system URI); or set modelBytes");
        modelBytes = new Param<>(this, "modelBytes", "the serialized ONNX model; or set modelPath");
        inputCol = new Param<>(this, "inputCol", "column of encoded images (binary) or of prepared model "
                + "inputs (array<float> or array<double>)");
        pathCol = new Param<>(this, "pathCol", "column naming each row in error messages, used when present");
        labelCol = new Param<>(this, "labelCol", "output column: the predicted class's label");
        predictionCol = new Param<>(this, "predictionCol", "output column: the predicted class's index");
        probabilityCol = new Param<>(this, "probabilityCol", "output column: the predicted class's probability");
        topKCol = new Param<>(this, "topKCol", "output column: the topK most probable classes; empty for none");
        topK = new IntParam(this, "topK", "how many classes topKCol lists (>= 1)", ParamValidators.gtEq(1));
        logitsCol = new Param<>(this, "logitsCol", "output column: the model's raw scores; empty for none");
        errorCol = new Param<>(this, "errorCol", "output column: why a row has no prediction (null if it has one)");
        batchSize = new IntParam(this, "batchSize", "rows per model call (>= 1)", ParamValidators.gtEq(1));
        intraOpThreads = new IntParam(this, "intraOpThreads", "ONNX Runtime intra-op threads per run on each "
                + "executor (0 = ONNX Runtime's choice)", ParamValidators.inRange(0, RuntimeOptions.maxThreads()));
        device = new Param<>(this, "device", "cpu, cuda or cuda:N", new IsDevice());
        failOnError = new BooleanParam(this, "failOnError", "fail the job on a row that cannot be classified "
                + "instead of giving it a null prediction and an error");
        setDefault(inputCol, DEFAULT_INPUT_COL);
        setDefault(pathCol, "path");
        setDefault(labelCol, "predictedLabel");
        setDefault(predictionCol, "prediction");
        setDefault(probabilityCol, "probability");
        setDefault(topKCol, "");
        setDefault(topK, 5);
        setDefault(logitsCol, "");
        setDefault(errorCol, "error");
        setDefault(batchSize, ImageClassifier.DEFAULT_BATCH_SIZE);
        setDefault(intraOpThreads, 1);
        setDefault(device, "cpu");
        setDefault(failOnError, false);
    }

    /** Accepts what {@link Device#parse(String)} accepts. */
    private static final class IsDevice extends AbstractFunction1<String, Object> implements java.io.Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public Object apply(String text) {
            try {
                Device.parse(text);
                return true;
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
    }

    @Override
    public String uid() {
        return uid;
    }

    // Spark ML finds a transformer's params through public no-argument methods returning Param.

    /** @return the model path param */
    public Param<String> modelPath() {
        return modelPath;
    }

    /** @return the model bytes param */
    public Param<byte[]> modelBytes() {
        return modelBytes;
    }

    /** @return the input column param */
    public Param<String> inputCol() {
        return inputCol;
    }

    /** @return the path column param */
    public Param<String> pathCol() {
        return pathCol;
    }

    /** @return the label column param */
    public Param<String> labelCol() {
        return labelCol;
    }

    /** @return the class index column param */
    public Param<String> predictionCol() {
        return predictionCol;
    }

    /** @return the probability column param */
    public Param<String> probabilityCol() {
        return probabilityCol;
    }

    /** @return the top-k column param */
    public Param<String> topKCol() {
        return topKCol;
    }

    /** @return the top-k count param */
    public IntParam topK() {
        return topK;
    }

    /** @return the logits column param */
    public Param<String> logitsCol() {
        return logitsCol;
    }

    /** @return the error column param */
    public Param<String> errorCol() {
        return errorCol;
    }

    /** @return the batch size param */
    public IntParam batchSize() {
        return batchSize;
    }

    /** @return the intra-op threads param */
    public IntParam intraOpThreads() {
        return intraOpThreads;
    }

    /** @return the device param */
    public Param<String> device() {
        return device;
    }

    /** @return the fail-on-error param */
    public BooleanParam failOnError() {
        return failOnError;
    }

    /**
     * Sets the model file, read by the driver (a local path or any Hadoop file system URI); clears
     * {@link #setModelBytes(byte[])}.
     *
     * @param path the {@code .onnx} file
     * @return this transformer
     */
    public AsnetClassifier setModelPath(String path) {
        clear(modelBytes);
        return (AsnetClassifier) set(modelPath, path);
    }

    /**
     * Sets the model itself; clears {@link #setModelPath(String)}. The model must hold all its
     * tensors (no external data).
     *
     * @param model the serialized ONNX model
     * @return this transformer
     */
    public AsnetClassifier setModelBytes(byte[] model) {
        clear(modelPath);
        return (AsnetClassifier) set(modelBytes, model.clone());
    }

    /**
     * Sets the input column (default {@value #DEFAULT_INPUT_COL}).
     *
     * @param name a binary, {@code array<float>} or {@code array<double>} column
     * @return this transformer
     */
    public AsnetClassifier setInputCol(String name) {
        return (AsnetClassifier) set(inputCol, name);
    }

    /**
     * Sets the column that names rows in error messages (default {@code path}, as
     * {@code binaryFile} has it); ignored when the input has no such column.
     *
     * @param name the column
     * @return this transformer
     */
    public AsnetClassifier setPathCol(String name) {
        return (AsnetClassifier) set(pathCol, name);
    }

    /**
     * Sets the predicted label's column (default {@code predictedLabel}).
     *
     * @param name the column
     * @return this transformer
     */
    public AsnetClassifier setLabelCol(String name) {
        return (AsnetClassifier) set(labelCol, name);
    }

    /**
     * Sets the predicted class index's column (default {@code prediction}).
     *
     * @param name the column
     * @return this transformer
     */
    public AsnetClassifier setPredictionCol(String name) {
        return (AsnetClassifier) set(predictionCol, name);
    }

    /**
     * Sets the predicted class probability's column (default {@code probability}).
     *
     * @param name the column
     * @return this transformer
     */
    public AsnetClassifier setProbabilityCol(String name) {
        return (AsnetClassifier) set(probabilityCol, name);
    }

    /**
     * Sets the top-k column (default none): an array of {@code struct<index:int, label:string,
     * probability:float>}, most probable first.
     *
     * @param name the column, or empty for none
     * @return this transformer
     */
    public AsnetClassifier setTopKCol(String name) {
        return (AsnetClassifier) set(topKCol, name);
    }

    /**
     * Sets how many classes the top-k column lists (default 5; capped at the class count).
     *
     * @param k the count, >= 1
     * @return this transformer
     */
    public AsnetClassifier setTopK(int k) {
        return (AsnetClassifier) set(topK, k);
    }

    /**
     * Sets the logits column (default none): the model's raw output, one float per class.
     *
     * @param name the column, or empty for none
     * @return this transformer
     */
    public AsnetClassifier setLogitsCol(String name) {
        return (AsnetClassifier) set(logitsCol, name);
    }

    /**
     * Sets the error column (default {@code error}).
     *
     * @param name the column
     * @return this transformer
     */
    public AsnetClassifier setErrorCol(String name) {
        return (AsnetClassifier) set(errorCol, name);
    }

    /**
     * Sets the rows per model call (default {@value ImageClassifier#DEFAULT_BATCH_SIZE}).
     *
     * @param rows the batch size, >= 1
     * @return this transformer
     */
    public AsnetClassifier setBatchSize(int rows) {
        return (AsnetClassifier) set(batchSize, rows);
    }

    /**
     * Sets ONNX Runtime's intra-op threads for each run on the executors (default 1).
     *
     * @param threads the threads, 0 for ONNX Runtime's choice
     * @return this transformer
     */
    public AsnetClassifier setIntraOpThreads(int threads) {
        return (AsnetClassifier) set(intraOpThreads, threads);
    }

    /**
     * Sets where the executors run the model (default {@code cpu}); CUDA needs the GPU build of
     * ONNX Runtime on the executors.
     *
     * @param name {@code cpu}, {@code cuda} or {@code cuda:N}
     * @return this transformer
     */
    public AsnetClassifier setDevice(String name) {
        return (AsnetClassifier) set(device, name);
    }

    /**
     * Sets whether a row that cannot be classified fails the job (default false: the row gets null
     * predictions and the reason in the error column).
     *
     * @param fail true to fail
     * @return this transformer
     */
    public AsnetClassifier setFailOnError(boolean fail) {
        return (AsnetClassifier) set(failOnError, fail);
    }

    private String string(Param<String> p) {
        return getOrDefault(p);
    }

    private int integer(IntParam p) {
        return (Integer) getOrDefault(p);
    }

    private static String orNull(String column) {
        return column == null || column.isEmpty() ? null : column;
    }

    private OutputLayout layout() {
        return new OutputLayout(string(labelCol), string(predictionCol), string(probabilityCol), orNull(string(topKCol)),
                integer(topK), orNull(string(logitsCol)), string(errorCol));
    }

    /**
     * The input schema with the prediction columns appended.
     *
     * @param schema the input schema
     * @return the output schema
     * @throws IllegalArgumentException if no model is set, the input column is missing or of
     *     another type, or an output column exists already
     */
    @Override
    public StructType transformSchema(StructType schema) {
        if (!isDefined(modelPath) && !isDefined(modelBytes)) {
            throw new IllegalArgumentException("AsnetClassifier: no model: call setModelPath or setModelBytes");
        }
        String in = string(inputCol);
        StructField field = null;
        for (StructField f : schema.fields()) {
            if (f.name().equals(in)) {
                field = f;
            }
        }
        if (field == null) {
            throw new IllegalArgumentException("AsnetClassifier: input column '" + in + "' is not in the input ("
                    + schema.simpleString() + ")");
        }
        if (!acceptsInput(field.dataType())) {
            throw new IllegalArgumentException("AsnetClassifier: input column '" + in + "' is "
                    + field.dataType().simpleString() + "; it must be binary (encoded images), array<float> or "
                    + "array<double> (prepared model inputs)");
        }
        return layout().appendTo(schema);
    }

    private static boolean acceptsInput(DataType type) {
        if (type.equals(DataTypes.BinaryType)) {
            return true;
        }
        return type instanceof ArrayType a
                && (a.elementType().equals(DataTypes.FloatType) || a.elementType().equals(DataTypes.DoubleType));
    }

    /**
     * Classifies the input column's rows on the executors.
     *
     * @param dataset the rows
     * @return the rows with the prediction columns appended (lazily: nothing runs until an action)
     * @throws IllegalArgumentException if the settings or the schema are wrong, or the model cannot
     *     be read or is not an image classifier (checked on the driver, before any task starts)
     */
    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType output = transformSchema(dataset.schema());
        StructType input = dataset.schema();
        SparkSession spark = dataset.sparkSession();
        byte[] model = isDefined(modelBytes) ? getOrDefault(modelBytes) : readModel(spark, string(modelPath));
        String source = isDefined(modelBytes) ? "<model bytes>" : string(modelPath);
        checkModel(model, source);
        ModelKey key = ModelKey.of(model, integer(intraOpThreads), string(device));
        Broadcast<byte[]> shared = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(model);
        int sourceIndex = -1;
        for (int i = 0; i < input.fields().length; i++) {
            if (input.fields()[i].name().equals(string(pathCol))) {
                sourceIndex = i;
            }
        }
        PartitionClassifier perPartition = new PartitionClassifier(shared, key, layout(),
                input.fieldIndex(string(inputCol)), sourceIndex, integer(batchSize),
                (Boolean) getOrDefault(failOnError));
        return dataset.toDF().mapPartitions(perPartition, Encoders.row(output));
    }

    /** Reads the model on the driver, through Hadoop's file systems (local, HDFS, object stores). */
    private static byte[] readModel(SparkSession spark, String path) {
        try {
            org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
            FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
            long size = fs.getFileStatus(p).getLen();
            if (size > Integer.MAX_VALUE - 16) {
                throw new IllegalArgumentException("AsnetClassifier: model " + path + " is " + size
                        + " bytes; a model given to Spark must fit in one array (under 2 GB)");
            }
            try (InputStream in = fs.open(p)) {
                return in.readAllBytes();
            }
        } catch (FileNotFoundException e) {
            throw new IllegalArgumentException("AsnetClassifier: model file not found: " + path, e);
        } catch (IOException e) {
            throw new UncheckedIOException("AsnetClassifier: cannot read the model " + path + ": " + e.getMessage(), e);
        }
    }

    /** Refuses, before any task starts, a model that executors could not use as an image classifier. */
    private static void checkModel(byte[] model, String source) {
        try {
            ModelDescription description = ModelDescription.parse(model, source);
            if (description.usesExternalData()) {
                throw new IllegalArgumentException("AsnetClassifier: " + source + " stores tensors as external data; "
                        + "Spark ships the model as bytes, so it must be self-contained");
            }
            ImageClassifier.inputSpecOf(description);
        } catch (InvalidModelException e) {
            throw new IllegalArgumentException("AsnetClassifier: " + e.getMessage(), e);
        }
    }

    @Override
    public AsnetClassifier copy(ParamMap extra) {
        return (AsnetClassifier) defaultCopy(extra);
    }
}
