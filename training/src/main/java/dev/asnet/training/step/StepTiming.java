package dev.asnet.training.step;

import dev.asnet.exporter.ir.Model;
import dev.asnet.models.ModelConfig;
import dev.asnet.models.ModelZoo;
import dev.asnet.training.autodiff.SgdOptions;
import dev.asnet.training.autodiff.TrainingGraph;
import dev.asnet.training.autodiff.TrainingGraphBuilder;
import dev.asnet.training.autodiff.TrainingKernels;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Measures a training step against the inference forward of the same model and batch, both in
 * ONNX Runtime with the same thread count: the step built with asnet's fused training ops, the
 * step built with standard ONNX ops, and the forward run in turn, round after round, so that
 * machine load affects all three alike. Reports medians per batch and per image, the ratios, and
 * the Java-side overhead per step. Run by command:
 * {@code java -cp cli/target/asnet.jar dev.asnet.training.step.StepTiming MODEL BATCH THREADS [RUNS]}.
 */
public final class StepTiming {
    private StepTiming() {}

    /**
     * The measurement of one step form.
     *
     * @param stepMillis median training-step time per batch
     * @param forwardMillis median forward time per batch (the same forward for every form)
     * @param overheadMicros median Java-side time per step outside ONNX Runtime
     */
    public record Timing(double stepMillis, double forwardMillis, double overheadMicros) {
        /**
         * Step time over forward time.
         *
         * @return the ratio
         */
        public double ratio() {
            return stepMillis / forwardMillis;
        }
    }

    /**
     * Measures one model: every step form and the forward, interleaved.
     *
     * @param model the model
     * @param batch the batch size
     * @param threads ONNX Runtime threads
     * @param runs timed rounds (after 3 warm-up rounds)
     * @return the medians of each step form
     * @throws Exception if ONNX Runtime fails
     */
    public static Map<TrainingKernels, Timing> measure(Model model, int batch, int threads, int runs) throws Exception {
        TrainingKernels[] forms = TrainingKernels.values();
        TrainingStep[] steps = new TrainingStep[forms.length];
        Random r = new Random(1);
        try (NativeResources open = new NativeResources()) {
            for (int i = 0; i < forms.length; i++) {
                TrainingGraph g = TrainingGraphBuilder.trainingStep(model, batch, SgdOptions.reference(), forms[i]);
                steps[i] = open.add(new TrainingStep(g, threads));
            }
            Evaluator fwd = open.add(new Evaluator(model, batch, threads));
            for (int i = 0; i < fwd.images().capacity(); i++) {
                float v = (float) r.nextGaussian();
                fwd.images().put(i, v);
                for (TrainingStep s : steps) {
                    s.images().put(i, v);
                }
            }
            for (int i = 0; i < batch; i++) {
                int label = r.nextInt(10);
                for (TrainingStep s : steps) {
                    s.labels().put(i, label);
                }
            }
            double[][] step = new double[forms.length][runs];
            double[][] over = new double[forms.length][runs];
            double[] f = new double[runs];
            for (int k = -3; k < runs; k++) {
                for (int i = 0; i < forms.length; i++) {
                    // A tiny rate keeps the weights (and so the arithmetic) essentially fixed.
                    StepResult res = steps[i].run(1e-6f);
                    if (k >= 0) {
                        step[i][k] = res.totalNanos() / 1e6;
                        over[i][k] = (res.totalNanos() - res.runNanos()) / 1e3;
                    }
                }
                long t0 = System.nanoTime();
                fwd.run(steps[0]);
                long t1 = System.nanoTime();
                if (k >= 0) {
                    f[k] = (t1 - t0) / 1e6;
                }
            }
            Map<TrainingKernels, Timing> out = new EnumMap<>(TrainingKernels.class);
            for (int i = 0; i < forms.length; i++) {
                out.put(forms[i], new Timing(median(step[i]), median(f), median(over[i])));
            }
            return out;
        }
    }

    private static double median(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }

    /**
     * Prints the measurement of one zoo model (Fashion-MNIST input).
     *
     * @param args model name, batch, threads, optional number of rounds
     * @throws Exception if ONNX Runtime fails
     */
    public static void main(String[] args) throws Exception {
        String name = args[0];
        int batch = Integer.parseInt(args[1]);
        int threads = Integer.parseInt(args[2]);
        int runs = args.length > 3 ? Integer.parseInt(args[3]) : 20;
        Model model = ModelZoo.build(name, ModelConfig.fashionMnist());
        for (Map.Entry<TrainingKernels, Timing> e : measure(model, batch, threads, runs).entrySet()) {
            Timing t = e.getValue();
            System.out.printf(Locale.ROOT, "%s batch %d threads %d, %s ops: step %.1f ms (%.3f ms/img), forward %.1f ms"
                    + " (%.3f ms/img), step/forward %.2f, Java overhead per step %.0f us%n", name, batch, threads,
                    e.getKey().name().toLowerCase(Locale.ROOT), t.stepMillis(), t.stepMillis() / batch, t.forwardMillis(),
                    t.forwardMillis() / batch, t.ratio(), t.overheadMicros());
        }
    }
}
