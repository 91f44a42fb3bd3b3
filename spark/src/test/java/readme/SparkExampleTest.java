package readme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's Spark snippet runs (runtime's ReadmeExampleTest checks that README.md shows it). */
class SparkExampleTest {
    @TempDir
    Path dir;

    @Test
    void theSparkExampleRuns() throws Exception {
        // The session the module's other tests use, if they ran first; one JVM holds one.
        SparkSession spark = SparkSession.builder().master("local[2]").config("spark.ui.enabled", "false")
                .getOrCreate();
        ImageIO.write(new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB), "png", dir.resolve("shoe.png").toFile());
        List<Row> rows = SparkExample.classify(spark, "../models/pretrained/as-resnet20-16x3-fashion-mnist.onnx",
                dir.toString()).collectAsList();
        assertEquals(1, rows.size());
        assertTrue(rows.get(0).isNullAt(5), () -> rows.get(0).getString(5));
        assertEquals(3, rows.get(0).getList(4).size());
    }
}
