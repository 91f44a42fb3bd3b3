package dev.asnet.cli;

import dev.asnet.exporter.io.OnnxReader;
import dev.asnet.exporter.ir.Model;
import dev.asnet.exporter.ir.Node;
import dev.asnet.exporter.ir.Value;
import dev.asnet.exporter.ops.AsnetDomain;
import dev.asnet.training.trainer.EpochMetrics;
import dev.asnet.training.trainer.MetricsFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code asnet charts}: draws a training run's charts again from its files (the metrics CSV and,
 * for the shift scatter plots, a custom-lowering model), e.g. after a change of chart style or
 * for a run copied without its charts. The charts are the ones {@code asnet train} draws.
 */
@Command(name = "charts",
        description = {"Draw a training run's charts from its files: loss and accuracy per epoch from the "
                + "metrics.csv that asnet train writes, and with --model the learned shifts of every Active Shift layer."},
        footer = {"%nExample:%n  asnet charts runs/as16x3/metrics.csv --model runs/as16x3/model.onnx -o runs/as16x3/charts"})
public final class ChartsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "METRICS", description = "A run's metrics.csv.")
    Path metrics;

    @Option(names = "--model", paramLabel = "MODEL",
            description = "The run's model (custom lowering: its ActiveShift layers hold the shifts).")
    Path model;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR",
            description = "Folder for the PNG files (created; files of the same names are replaced atomically).")
    Path output;

    /** Creates the command. */
    public ChartsCommand() {}

    @Override
    public Integer call() throws Exception {
        List<EpochMetrics> history = readMetrics(metrics);
        Map<String, float[]> shifts = model == null ? Map.of() : shifts(model);
        Files.createDirectories(output);
        TrainingCharts.curves(output, history);
        TrainingCharts.shifts(output, shifts);
        PrintWriter w = spec.commandLine().getOut();
        w.printf("wrote loss.png and accuracy.png (%d epochs)%s to %s%n", history.size(),
                shifts.isEmpty() ? "" : " and " + shifts.size() + " shift charts", output);
        if (model != null && shifts.isEmpty()) {
            w.printf("note: %s has no %s layers (a depthwise or portable lowering), so no shift charts%n", model,
                    AsnetDomain.ACTIVE_SHIFT);
        }
        return ExitCodes.OK;
    }

    /** The run's metrics, with file problems as the CLI's exit code 3. */
    static List<EpochMetrics> readMetrics(Path csv) {
        try {
            return MetricsFiles.readCsv(csv);
        } catch (NoSuchFileException e) {
            throw new CliException(ExitCodes.FILE_PROBLEM, csv + ": no such file", e);
        } catch (IOException e) {
            throw new CliException(ExitCodes.FILE_PROBLEM, e.getMessage(), e);
        }
    }

    /** The [C, 2] shift of every ActiveShift node, by the name of its shift initializer. */
    static Map<String, float[]> shifts(Path file) throws IOException {
        Model m = OnnxReader.read(file);
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Node n : m.graph().nodes()) {
            if (n.domain().equals(AsnetDomain.DOMAIN) && n.opType().equals(AsnetDomain.ACTIVE_SHIFT)) {
                Value s = n.input(1);
                if (s.data() != null) {
                    out.put(s.name() != null ? s.name() : "asl" + out.size(), s.data().floats());
                }
            }
        }
        return out;
    }
}
