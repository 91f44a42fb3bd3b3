package dev.asnet.bench.latency;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.asnet.exporter.onnx.Onnx.ModelProto;
import dev.asnet.runtime.SessionFactory;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Explains where a model's time goes, with ONNX Runtime's own profiler: runs the model under
 * session profiling and sums each operator type's kernel time per run, so that for example the
 * layout reorders ONNX Runtime inserts around a custom op at the ALL level become visible.
 */
public final class OpProfiler {
    /**
     * Per-operator-type totals of one profiled model.
     *
     * @param model the model's name
     * @param config the configuration it ran under
     * @param runs the number of profiled runs
     * @param microsPerRun operator type to kernel microseconds per run, largest first
     * @param nodesPerRun operator type to executed nodes per run
     */
    public record Profile(String model, BenchConfig config, int runs, Map<String, Double> microsPerRun,
            Map<String, Integer> nodesPerRun) {
        /** Total kernel time per run in microseconds. */
        public double totalMicros() {
            return microsPerRun.values().stream().mapToDouble(Double::doubleValue).sum();
        }
    }

    private OpProfiler() {}

    /**
     * Profiles a model.
     *
     * @param model the model
     * @param config threads and optimization level (CPU only)
     * @param runs runs to average over (3 more are run first and left out as warm-up)
     * @param workDir folder for ONNX Runtime's trace file (deleted afterwards)
     * @return per-operator totals
     * @throws Exception if the model fails to load or run, or the trace cannot be read
     */
    public static Profile profile(BenchModel model, BenchConfig config, int runs, Path workDir) throws Exception {
        return profile(model, config, runs, workDir, null);
    }

    /**
     * Profiles a model and keeps ONNX Runtime's trace (Chrome trace-event JSON, one event per node
     * run: what the per-operator totals leave out, such as which node of a type is slow).
     *
     * @param model the model
     * @param config threads and optimization level (CPU only)
     * @param runs runs to average over (3 more are run first and left out as warm-up)
     * @param workDir folder for ONNX Runtime's trace file while it is written
     * @param keepAs where to move the trace (replacing a file there), or null to delete it
     * @return per-operator totals
     * @throws Exception if the model fails to load or run, or the trace cannot be read or moved
     */
    public static Profile profile(BenchModel model, BenchConfig config, int runs, Path workDir, Path keepAs)
            throws Exception {
        OrtEnvironment env = SessionFactory.environment();
        Files.createDirectories(workDir);
        Path trace;
        try (SessionFactory.Setup setup = SessionFactory.setup(config.runtimeOptions(), true, model.name())) {
            setup.options().enableProfiling(workDir.resolve("ort-profile").toString());
            byte[] bytes = model.source().bytes();
            // Profiled as asnet runs it: with the NCHWc rewrite where it applies.
            try (OrtSession session = SessionFactory.createPrepared(setup, bytes, ModelProto.parseFrom(bytes),
                    model.name(), config.runtimeOptions().toBuilder().optNchwcRewrite(model.nchwcRewrite()).build(),
                    () -> setup.createSession(bytes)).session()) {
                String inputName = session.getInputNames().iterator().next();
                long count = 1;
                for (long d : model.inputShape()) {
                    count *= d;
                }
                try (OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(new float[(int) count]), model.inputShape())) {
                    for (int i = 0; i < runs + 3; i++) {
                        session.run(Map.of(inputName, x)).close();
                    }
                }
                trace = Path.of(session.endProfiling());
            }
        }
        try {
            Profile profile = summarize(model.name(), config, runs, trace);
            if (keepAs != null) {
                Files.move(trace, keepAs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            return profile;
        } finally {
            Files.deleteIfExists(trace);
        }
    }

    /**
     * Sums the kernel events of a trace: events of category "Node" named "*_kernel_time", keyed by
     * their {@code args.op_name}; the first (total runs - runs) runs' worth of events are skipped.
     */
    static Profile summarize(String name, BenchConfig config, int runs, Path trace) throws Exception {
        JsonNode events = new ObjectMapper().readTree(trace.toFile());
        Map<String, Double> micros = new TreeMap<>();
        Map<String, Integer> nodes = new TreeMap<>();
        // Each run emits one "model_run" event; count them to skip warm-up runs.
        int totalRuns = 0;
        for (JsonNode e : events) {
            if ("model_run".equals(e.path("name").asText())) {
                totalRuns++;
            }
        }
        int skip = Math.max(0, totalRuns - runs);
        int seenRuns = 0;
        for (JsonNode e : events) {
            String evName = e.path("name").asText();
            if ("model_run".equals(evName)) {
                seenRuns++;
                continue;
            }
            // Kernel events of run k come before that run's model_run event.
            if (seenRuns < skip || !"Node".equals(e.path("cat").asText()) || !evName.endsWith("_kernel_time")) {
                continue;
            }
            String op = e.path("args").path("op_name").asText("?");
            micros.merge(op, e.path("dur").asDouble(), Double::sum);
            nodes.merge(op, 1, Integer::sum);
        }
        int counted = Math.max(1, totalRuns - skip);
        Map<String, Double> perRun = new LinkedHashMap<>();
        micros.entrySet().stream().sorted((a, b) -> Double.compare(b.getValue(), a.getValue()))
                .forEach(en -> perRun.put(en.getKey(), en.getValue() / counted));
        Map<String, Integer> nodesPerRun = new LinkedHashMap<>();
        perRun.keySet().forEach(k -> nodesPerRun.put(k, nodes.get(k) / counted));
        return new Profile(name, config, counted, perRun, nodesPerRun);
    }
}
