package dev.asnet.training.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsFilesTest {
    @TempDir
    Path dir;

    @Test
    void readsBackWhatItWrites() throws Exception {
        List<EpochMetrics> h = List.of(new EpochMetrics(1, 0.5, 0.8, 0.6, 0.75, 0.05, 12.5, 640.0),
                new EpochMetrics(2, 0.25, 0.9, 0.3, 0.875, 0.025, 12.0, 650.5));
        MetricsFiles.write(dir, h);
        assertEquals(h, MetricsFiles.readCsv(dir.resolve(MetricsFiles.CSV)));
    }

    @Test
    void olderFilesWithFewerColumnsRead() throws Exception {
        Path f = Files.writeString(dir.resolve("old.csv"), "epoch,train_loss,train_accuracy,test_loss,test_accuracy\n1,0.5,0.8,0.6,0.75\n");
        EpochMetrics m = MetricsFiles.readCsv(f).get(0);
        assertEquals(0.75, m.testAccuracy());
        assertTrue(Double.isNaN(m.seconds()));
    }

    @Test
    void notMetricsIsNamed() throws Exception {
        Path f = Files.writeString(dir.resolve("x.csv"), "epoch,train_loss,train_accuracy,test_loss,test_accuracy\n1,a,b,c,d\n");
        IOException e = assertThrows(IOException.class, () -> MetricsFiles.readCsv(f));
        assertTrue(e.getMessage().contains("line 2 is not a row of numbers"), e.getMessage());
    }
}
