package dev.asnet.training.trainer;

import dev.asnet.exporter.io.AtomicFiles;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes the per-epoch metrics as {@code metrics.csv} and {@code metrics.json}, atomically, and
 * reads the CSV back (to draw a finished run's charts again).
 */
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

    /**
     * Reads a {@code metrics.csv} as {@link #write} writes it. Columns are found by their header
     * names, so older files with fewer trailing columns read too (missing values are NaN).
     *
     * @param csv the file
     * @return the epochs, in file order
     * @throws java.nio.file.NoSuchFileException if the file does not exist
     * @throws IOException if it cannot be read, or it is not a run's metrics (the message names the
     *     file and what is wrong)
     */
    public static List<EpochMetrics> readCsv(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        if (lines.isEmpty()) {
            throw new IOException(csv + ": empty; expected the " + CSV + " of a training run");
        }
        List<String> header = List.of(lines.get(0).trim().split(","));
        String[] needed = {"epoch", "train_loss", "train_accuracy", "test_loss", "test_accuracy"};
        for (String n : needed) {
            if (!header.contains(n)) {
                throw new IOException(csv + ": no '" + n + "' column; expected the " + CSV
                        + " of a training run, with the header " + String.join(",", needed) + ",...");
            }
        }
        List<EpochMetrics> history = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            String[] f = lines.get(i).trim().split(",");
            try {
                history.add(new EpochMetrics((int) column(f, header, "epoch"), column(f, header, "train_loss"),
                        column(f, header, "train_accuracy"), column(f, header, "test_loss"),
                        column(f, header, "test_accuracy"), column(f, header, "lr"), column(f, header, "seconds"),
                        column(f, header, "images_per_second")));
            } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
                throw new IOException(csv + ": line " + (i + 1) + " is not a row of numbers: " + lines.get(i), e);
            }
        }
        if (history.isEmpty()) {
            throw new IOException(csv + ": no epochs (only a header)");
        }
        return history;
    }

    /** A column's value, NaN when the file has no such column. */
    private static double column(String[] fields, List<String> header, String name) {
        int i = header.indexOf(name);
        return i < 0 ? Double.NaN : Double.parseDouble(fields[i]);
    }
}
