package readme;

// README snippet spark begins
// needs dev.asnet:asnet-spark; Spark 4.2 itself comes from the cluster (scope provided)
import dev.asnet.spark.AsnetClassifier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

class SparkExample {
    static Dataset<Row> classify(SparkSession spark, String modelFile, String imageFolder) {
        Dataset<Row> images = spark.read().format("binaryFile")        // path, modificationTime, length, content
                .option("pathGlobFilter", "*.png")
                .load(imageFolder);
        AsnetClassifier classifier = new AsnetClassifier()
                .setModelPath(modelFile)              // read by the driver, broadcast once, opened once per executor
                .setInputCol("content")               // the default: encoded images; array<float> also works
                .setTopKCol("top3").setTopK(3)        // optional, like setLogitsCol("logits")
                .setBatchSize(64)                     // rows per ONNX Runtime call (the default)
                .setIntraOpThreads(1);                // per task thread (the default): Spark runs one task per core
        return classifier.transform(images)           // + predictedLabel, prediction, probability, top3, error
                .select("path", "predictedLabel", "prediction", "probability", "top3", "error");
    }
}
// README snippet spark ends
