package dev.asnet.cli;

import dev.asnet.exporter.ModelInfo;
import dev.asnet.exporter.ir.Model;
import dev.asnet.models.Architecture;
import dev.asnet.models.ModelConfig;
import dev.asnet.models.ModelZoo;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code asnet models}: the model zoo with sizes. */
@Command(name = "models", sortOptions = false,
        description = {"List the zoo networks with their parameter and MAC counts, for each network's default input "
                + "or for --input/--classes/--dataset when given."},
        footer = {"%nExamples:%n  asnet models%n  asnet models --input 1x28x28 --classes 10 as-resnet20-16x1 dwresnet20-16x1%n  asnet models --json"})
public final class ModelsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "MODEL", arity = "0..*", description = "Only these networks (default: all).")
    List<String> names;

    @Mixin
    ModelConfigOptions config;

    @Mixin
    JsonOutput json;

    /** Creates the command. */
    public ModelsCommand() {}

    @Override
    public Integer call() {
        Collection<Architecture> archs;
        if (names == null || names.isEmpty()) {
            archs = ModelZoo.all();
        } else {
            archs = new ArrayList<>();
            for (String n : names) {
                archs.add(Zoo.get(n));
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        List<Map<String, Object>> entries = new ArrayList<>();
        if (!json.enabled) {
            out.printf("%-22s %-10s %7s %12s %12s  %s%n", "NAME", "INPUT", "CLASSES", "PARAMS", "MACS", "DESCRIPTION");
        }
        for (Architecture a : archs) {
            ModelConfig c = config.resolve(a);
            Model m;
            try {
                m = a.build(c);
            } catch (IllegalArgumentException e) {
                throw new CliException(ExitCodes.USAGE, "cannot build " + a.name() + " for " + c + ": " + e.getMessage(), e);
            }
            ModelInfo info = ModelInfo.of(m);
            if (json.enabled) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("name", a.name());
                e.put("description", a.description());
                Map<String, Object> input = new LinkedHashMap<>();
                input.put("channels", c.channels());
                input.put("height", c.height());
                input.put("width", c.width());
                e.put("input", input);
                e.put("classes", c.numClasses());
                e.put("parameters", info.params().isPresent() ? info.params().getAsLong() : null);
                e.put("macs", info.macs().isPresent() ? info.macs().getAsLong() : null);
                entries.add(e);
                continue;
            }
            String params = info.params().isPresent() ? Long.toString(info.params().getAsLong()) : "?";
            String macs = info.macs().isPresent() ? Long.toString(info.macs().getAsLong()) : "?";
            out.printf(Locale.ROOT, "%-22s %-10s %7d %12s %12s  %s%n", a.name(),
                    c.channels() + "x" + c.height() + "x" + c.width(), c.numClasses(), shortOf(params), shortOf(macs),
                    a.description());
        }
        if (json.enabled) {
            JsonOutput.print(out, Map.of("models", entries));
        }
        return ExitCodes.OK;
    }

    private static String shortOf(String count) {
        try {
            return Format.shortCount(Long.parseLong(count));
        } catch (NumberFormatException e) {
            return count;
        }
    }
}
