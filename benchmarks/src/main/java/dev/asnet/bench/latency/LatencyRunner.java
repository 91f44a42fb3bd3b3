package dev.asnet.bench.latency;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.asnet.exporter.onnx.Onnx.ModelProto;
import dev.asnet.runtime.RuntimeOptions;
import dev.asnet.runtime.SessionFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Times whole models, interleaved: under each configuration every model is loaded first, warmed
 * up, then all models are run round by round in a rotating order, so drifting clocks, caches and
 * neighbours affect all of them alike. A model that fails to load or run is reported as such and
 * the others carry on.
 *
 * <pre>{@code
 * List<Measurement> results = LatencyRunner.builder().optRounds(20).build().run(models, configs);
 * }</pre>
 */
public final class LatencyRunner {
    private final int rounds;
    private final long warmupNanos;
    private final long roundNanos;
    private final Consumer<String> progress;
    private final boolean cpuTime;

    private LatencyRunner(Builder b) {
        this.cpuTime = b.cpuTime;
        this.rounds = b.rounds;
        this.warmupNanos = b.warmupMs * 1_000_000L;
        this.roundNanos = b.roundMs * 1_000_000L;
        this.progress = b.progress;
    }

    /** A builder with defaults: 15 rounds, 300 ms warm-up, about 50 ms per model per round. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Times every model under every configuration.
     *
     * @param models the models (at least one)
     * @param configs the configurations (at least one)
     * @return one measurement per model and configuration, configurations outermost
     */
    public List<Measurement> run(List<BenchModel> models, List<BenchConfig> configs) {
        if (models.isEmpty() || configs.isEmpty()) {
            throw new IllegalArgumentException("need at least one model and one configuration");
        }
        List<Measurement> out = new ArrayList<>();
        for (int ci = 0; ci < configs.size(); ci++) {
            BenchConfig config = configs.get(ci);
            String where = "[" + (ci + 1) + "/" + configs.size() + " " + config.label() + "]";
            out.addAll(runConfig(models, config, where));
        }
        return out;
    }

    private List<Measurement> runConfig(List<BenchModel> models, BenchConfig config, String where) {
        List<Loaded> loaded = new ArrayList<>();
        List<Measurement> failed = new ArrayList<>();
        SessionFactory.Setup options = null;
        try {
            options = sessionOptions(config);
            for (BenchModel m : models) {
                progress.accept(where + " loading " + m.name());
                try {
                    if (cpuTime && config.threads() != 1) {
                        throw new IllegalArgumentException("CPU-time measurement needs one intra-op thread, got "
                                + config.threads());
                    }
                    loaded.add(new Loaded(m, options, cpuTime, config.runtimeOptions().toBuilder().optNchwcRewrite(m.nchwcRewrite())
                            .build()));
                } catch (Exception e) {
                    failed.add(new Measurement(m, config, null, describe(e)));
                }
            }
            for (Loaded l : loaded) {
                progress.accept(where + " warming up " + l.model.name());
                try {
                    l.warmUp(warmupNanos, roundNanos);
                } catch (Exception e) {
                    l.error = describe(e);
                }
            }
            for (int r = 0; r < rounds; r++) {
                progress.accept(where + " round " + (r + 1) + "/" + rounds);
                for (int k = 0; k < loaded.size(); k++) {
                    Loaded l = loaded.get((k + r) % loaded.size());
                    if (l.error != null) {
                        continue;
                    }
                    try {
                        for (int j = 0; j < l.runsPerRound; j++) {
                            l.samples.add(l.runOnce() / 1e6);
                        }
                    } catch (Exception e) {
                        l.error = describe(e);
                    }
                }
            }
        } catch (Exception e) {
            // The configuration itself is unusable (e.g. CUDA requested without the GPU build).
            String why = describe(e);
            List<Measurement> all = new ArrayList<>();
            for (BenchModel m : models) {
                all.add(new Measurement(m, config, null, why));
            }
            closeAll(loaded, options);
            return all;
        }
        List<Measurement> result = new ArrayList<>();
        for (BenchModel m : models) {
            Measurement done = null;
            for (Loaded l : loaded) {
                if (l.model == m) {
                    done = new Measurement(m, config, l.samples.stream().mapToDouble(Double::doubleValue).toArray(), l.error);
                }
            }
            for (Measurement f : failed) {
                if (f.model() == m) {
                    done = f;
                }
            }
            result.add(done);
        }
        closeAll(loaded, options);
        return result;
    }

    private static SessionFactory.Setup sessionOptions(BenchConfig config) throws Exception {
        return SessionFactory.setup(config.runtimeOptions(), true, "the benchmark");
    }

    private static void closeAll(List<Loaded> loaded, SessionFactory.Setup options) {
        for (Loaded l : loaded) {
            l.close();
        }
        if (options != null) {
            options.close();
        }
    }

    static String describe(Throwable e) {
        String msg = e.getMessage();
        return e.getClass().getSimpleName() + (msg == null ? "" : ": " + msg.lines().findFirst().orElse(""));
    }

    /** CPU time of the calling thread, where ONNX Runtime computes when it has one intra-op thread. */
    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    /** A model with its session and a fixed random input. */
    private static final class Loaded implements AutoCloseable {
        final BenchModel model;
        final OrtSession session;
        /** What the NCHWc rewrite did: not_applicable, skipped, unchanged or rewritten. */
        final String nchwc;
        final OnnxTensor input;
        final String inputName;
        final List<Double> samples = new ArrayList<>();
        int runsPerRound = 1;
        String error;
        /** Time runs with this thread's CPU time instead of the wall clock. */
        final boolean cpuTime;

        Loaded(BenchModel model, SessionFactory.Setup options, boolean cpuTime, RuntimeOptions runtime) throws Exception {
            this.model = model;
            this.cpuTime = cpuTime;
            OrtEnvironment env = SessionFactory.environment();
            byte[] bytes = model.source().bytes();
            // Timed as asnet runs it: with the NCHWc rewrite where it applies (see SessionFactory).
            ModelProto proto;
            try {
                proto = ModelProto.parseFrom(bytes);
            } catch (dev.asnet.shaded.protobuf.InvalidProtocolBufferException notOnnx) {
                proto = null;  // ONNX Runtime reports it in its own words below
            }
            if (proto == null) {
                this.session = options.createSession(bytes);
                this.nchwc = "not_applicable";
            } else {
                SessionFactory.PreparedSession prepared = SessionFactory.createPrepared(options, bytes, proto,
                        model.name(), runtime, () -> options.createSession(bytes));
                this.session = prepared.session();
                this.nchwc = prepared.nchwc().status().name().toLowerCase(java.util.Locale.ROOT);
            }
            try {
                this.inputName = session.getInputNames().iterator().next();
                long count = 1;
                for (long d : model.inputShape()) {
                    count *= d;
                }
                FloatBuffer data = ByteBuffer.allocateDirect((int) (count * 4)).order(ByteOrder.nativeOrder()).asFloatBuffer();
                Random rnd = new Random(7);
                for (long i = 0; i < count; i++) {
                    data.put((float) rnd.nextGaussian());
                }
                data.rewind();
                this.input = OnnxTensor.createTensor(env, data, model.inputShape());
            } catch (Exception e) {
                session.close();
                throw e;
            }
        }

        long runOnce() throws OrtException {
            long t0 = cpuTime ? THREADS.getCurrentThreadCpuTime() : System.nanoTime();
            try (OrtSession.Result r = session.run(Map.of(inputName, input))) {
                Objects.requireNonNull(r);
            }
            return (cpuTime ? THREADS.getCurrentThreadCpuTime() : System.nanoTime()) - t0;
        }

        void warmUp(long warmupNanos, long roundNanos) throws OrtException {
            long spent = 0;
            int runs = 0;
            while (runs < 3 || spent < warmupNanos) {
                spent += runOnce();
                runs++;
            }
            double perRun = (double) spent / runs;
            runsPerRound = (int) Math.max(1, Math.min(200, roundNanos / perRun));
        }

        @Override
        public void close() {
            input.close();
            try {
                session.close();
            } catch (OrtException e) {
                // closing a session cannot leave anything behind worth reporting
            }
        }
    }

    /** Settings for a {@link LatencyRunner}. */
    public static final class Builder {
        private int rounds = 15;
        private long warmupMs = 300;
        private long roundMs = 50;
        private Consumer<String> progress = s -> { };
        private boolean cpuTime;

        private Builder() {}

        /** Interleaved rounds (>= 1). */
        public Builder optRounds(int rounds) {
            this.rounds = rounds;
            return this;
        }

        /** Warm-up time per model and configuration, in ms (>= 0). */
        public Builder optWarmupMs(long warmupMs) {
            this.warmupMs = warmupMs;
            return this;
        }

        /** Approximate time per model per round, in ms (>= 1); fast models run several times a round. */
        public Builder optRoundMs(long roundMs) {
            this.roundMs = roundMs;
            return this;
        }

        /**
         * Times each run by the calling thread's CPU time instead of the wall clock. With one intra-op
         * thread ONNX Runtime computes on the calling thread, so this counts the model's own work and
         * leaves out the time other processes hold the cores (a shared machine); configurations with
         * more threads are refused.
         */
        public Builder optThreadCpuTime(boolean on) {
            this.cpuTime = on;
            return this;
        }

        /** Receives one line per step, for a progress display. */
        public Builder optProgress(Consumer<String> progress) {
            this.progress = Objects.requireNonNull(progress, "progress");
            return this;
        }

        /** Validates and builds. */
        public LatencyRunner build() {
            if (rounds < 1) {
                throw new IllegalArgumentException("rounds must be >= 1, got " + rounds);
            }
            if (warmupMs < 0) {
                throw new IllegalArgumentException("warm-up must be >= 0 ms, got " + warmupMs);
            }
            if (roundMs < 1) {
                throw new IllegalArgumentException("round time must be >= 1 ms, got " + roundMs);
            }
            return new LatencyRunner(this);
        }
    }
}
