package dev.asnet.bench.suite;

import dev.asnet.bench.latency.BenchModel;
import dev.asnet.exporter.count.Cost;
import dev.asnet.exporter.count.CostCounter;
import dev.asnet.exporter.export.AslLowering;
import dev.asnet.exporter.export.ExportOptions;
import dev.asnet.exporter.io.OnnxWriter;
import dev.asnet.exporter.ir.Model;
import dev.asnet.models.Architecture;
import dev.asnet.models.ModelConfig;
import dev.asnet.models.ModelZoo;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns zoo architectures into {@link BenchModel}s: the inference export (BN folded) in a chosen
 * ASL lowering, built lazily once and reused by every configuration.
 */
public final class ZooModels {
    private final Map<String, byte[]> cache = new ConcurrentHashMap<>();

    /**
     * A zoo model as a benchmark entry.
     *
     * @param name a zoo name, e.g. {@code as-resnet-w32}
     * @param config input size and classes (null for the architecture's default)
     * @param lowering the ASL lowering, or null for models without ASL
     * @param batch the batch size to feed
     * @return the entry (its size is counted now; the export happens on first use)
     */
    public BenchModel model(String name, ModelConfig config, AslLowering lowering, int batch) {
        Architecture arch = ModelZoo.get(name);
        ModelConfig cfg = config != null ? config : arch.defaultConfig();
        Cost cost = CostCounter.count(arch.build(cfg).graph());
        String variant = lowering == null ? "-" : lowering.id();
        String shown = batch == 1 ? variant : (lowering == null ? "" : variant + " ") + "b" + batch;
        String label = name + (lowering == null ? "" : "/" + lowering.id()) + (batch == 1 ? "" : "/b" + batch);
        String key = name + "|" + cfg + "|" + variant;
        long[] shape = {batch, cfg.channels(), cfg.height(), cfg.width()};
        return new BenchModel(label, name, shown, shape, cost.params(),
                cost.macs(), () -> cache.computeIfAbsent(key, k -> export(arch, cfg, lowering)));
    }

    private static byte[] export(Architecture arch, ModelConfig cfg, AslLowering lowering) {
        ExportOptions options = ExportOptions.of(lowering != null ? lowering : AslLowering.CUSTOM);
        Model m = arch.buildForInference(cfg, options);
        return OnnxWriter.toBytes(m);
    }
}
