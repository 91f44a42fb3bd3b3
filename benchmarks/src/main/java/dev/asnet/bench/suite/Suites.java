package dev.asnet.bench.suite;

import dev.asnet.bench.latency.BenchModel;
import dev.asnet.bench.report.Comparison;
import dev.asnet.bench.report.Published;
import dev.asnet.exporter.export.AslLowering;
import dev.asnet.models.ModelConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The model suites of {@code asnet bench}.
 *
 * <ul>
 *   <li>{@code paper}: the paper's latency table at 224x224, batch 1: AS-ResNet-w32/w50/w68 in each
 *       ASL lowering, MobileNetV2 0.5/0.75/1.0 and ShiftNet-A/B/C (approximations).
 *   <li>{@code small}: the 28x28x1 Fashion-MNIST-sized models (AS-ResNet20, ShiftResNet20,
 *       DW-ResNet20, small MobileNetV2), batch 1 and batch 64.
 * </ul>
 */
public final class Suites {
    private Suites() {}

    /** A suite: its models, the ratios to report and the published figures to show. */
    public record Suite(String name, String title, List<BenchModel> models, List<Comparison> comparisons,
            Map<String, Published> published) {}

    /** The suite names. */
    public static List<String> names() {
        return List.of("paper", "small");
    }

    /**
     * Builds a suite.
     *
     * @param name {@code paper} or {@code small}
     * @param lowerings ASL lowerings to include for the AS-ResNet models
     * @return the suite
     */
    public static Suite get(String name, List<AslLowering> lowerings) {
        return switch (name) {
            case "paper" -> paper(lowerings);
            case "small" -> small(lowerings);
            default -> throw new IllegalArgumentException("unknown suite '" + name + "'; suites: " + String.join(", ", names())
                    + " (the op-level suite is 'ops')");
        };
    }

    static Suite paper(List<AslLowering> lowerings) {
        ZooModels zoo = new ZooModels();
        List<BenchModel> models = new ArrayList<>();
        for (String w : List.of("32", "50", "68")) {
            for (AslLowering l : lowerings) {
                models.add(zoo.model("as-resnet-w" + w, null, l, 1));
            }
        }
        for (String a : List.of("0.5", "0.75", "1.0")) {
            models.add(zoo.model("mobilenetv2-" + a, null, null, 1));
        }
        for (String v : List.of("a", "b", "c")) {
            models.add(zoo.model("shiftnet-" + v, null, null, 1));
        }
        // The paper's table (docs/asl.md): CPU ms ratios 18.7/26.8, 32.1/40.4, 47.9/54.7.
        List<Comparison> ratios = List.of(new Comparison("as-resnet-w32", "mobilenetv2-0.5", 0.70),
                new Comparison("as-resnet-w50", "mobilenetv2-0.75", 0.79),
                new Comparison("as-resnet-w68", "mobilenetv2-1.0", 0.88));
        Map<String, Published> published = new LinkedHashMap<>();
        published.put("as-resnet-w32", new Published(64.1, 0.9, 171, 18.7));
        published.put("as-resnet-w50", new Published(69.9, 1.96, 404, 32.1));
        published.put("as-resnet-w68", new Published(72.2, 3.42, 729, 47.9));
        published.put("mobilenetv2-0.5", new Published(65.4, 1.95, 97, 26.8));
        published.put("mobilenetv2-0.75", new Published(69.8, 2.61, 209, 40.4));
        published.put("mobilenetv2-1.0", new Published(71.8, 3.47, 300, 54.7));
        published.put("shiftnet-a", new Published(70.1, 4.1, 1400, 74.1));
        published.put("shiftnet-b", new Published(61.2, 1.1, 371, 31.8));
        published.put("shiftnet-c", new Published(58.8, 0.78, Double.NaN, Double.NaN));
        return new Suite("paper", "asnet paper suite: ImageNet-size models, 224x224, batch 1", models, ratios, published);
    }

    static Suite small(List<AslLowering> lowerings) {
        ZooModels zoo = new ZooModels();
        ModelConfig fmnist = ModelConfig.fashionMnist();
        List<BenchModel> models = new ArrayList<>();
        for (int batch : new int[] {1, 64}) {
            for (AslLowering l : lowerings) {
                models.add(zoo.model("as-resnet20-16x6", fmnist, l, batch));
            }
            models.add(zoo.model("shiftresnet20-16x6", fmnist, AslLowering.CUSTOM, batch));
            models.add(zoo.model("dwresnet20-16x6", fmnist, null, batch));
            models.add(zoo.model("mobilenetv2-cifar", fmnist, null, batch));
        }
        List<Comparison> ratios = List.of(new Comparison("as-resnet20-16x6", "dwresnet20-16x6", Double.NaN),
                new Comparison("as-resnet20-16x6", "shiftresnet20-16x6", Double.NaN),
                new Comparison("as-resnet20-16x6", "mobilenetv2-cifar", Double.NaN));
        return new Suite("small", "asnet small suite: 28x28x1 (Fashion-MNIST) models, batch 1 and 64", models, ratios,
                Map.of());
    }
}
