package dev.asnet.training.trainer;

import dev.asnet.exporter.io.AtomicFiles;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Writes the per-epoch metrics as {@code metrics.csv} and {@code metrics.json}, atomically. */
public final class MetricsFiles {
    /** CSV file name. */
    public static final String CSV = "metrics.csv";
    /** JSON file name. */
    public static final String JSON = "metrics.json";
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private MetricsFiles() {}

    /**
     * Writes both files.
     *
     * @param dir the output folder
     * @param history every finished epoch
     * @throws IOException if writing fails
     */
    public static void write(Path dir, List<EpochMetrics> history) throws IOException {
        StringBuilder csv = new StringBuilder(
                "epoch,train_loss,train_accuracy,test_loss,test_accuracy,lr,seconds,images_per_second\n");
        for (EpochMetrics m : history) {
            csv.append(String.format(Locale.ROOT, "%d,%.6f,%.6f,%.6f,%.6f,%.6g,%.3f,%.1f%n", m.epoch(), m.trainLoss(),
                    m.trainAccuracy(), m.testLoss(), m.testAccuracy(), m.lr(), m.seconds(), m.imagesPerSecond()));
        }
        AtomicFiles.write(dir.resolve(CSV), csv.toString().getBytes(StandardCharsets.UTF_8));
        AtomicFiles.write(dir.resolve(JSON), MAPPER.writeValueAsBytes(history));
    }
}
