package dev.asnet.training.step;

import dev.asnet.exporter.ir.Model;
import dev.asnet.models.ModelConfig;
import dev.asnet.models.ModelZoo;
import dev.asnet.training.autodiff.SgdOptions;
import dev.asnet.training.autodiff.TrainingGraph;
import dev.asnet.training.autodiff.TrainingGraphBuilder;
import dev.asnet.training.autodiff.TrainingKernels;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * Measures a training step against the inference forward of the same model and batch, both in
 * ONNX Runtime with the same thread count, runs interleaved so that machine load affects both
 * alike. Reports medians per batch and per image, their ratio, and the Java-side overhead per step,
 * for the step built with asnet's fused training ops and with standard ONNX ops. Run by command: {@code java -cp ... dev.asnet.training.step.StepTiming MODEL BATCH THREADS [RUNS]}.
 */
public final class StepTiming {
    private StepTiming() {}

    /**
     * The measurement.
     *
     * @param stepMillis median training-step time per batch
     * @param forwardMillis median forward time per batch
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
     * Measures one model.
     *
     * @param model the model
     * @param batch the batch size
     * @param threads ONNX Runtime threads
     * @param runs timed runs of each (after 3 warm-up runs)
     * @param kernels the ops the training step computes BN and the ReLU backward with
     * @return the medians
     * @throws Exception if ONNX Runtime fails
     */
    public static Timing measure(Model model, int batch, int threads, int runs, TrainingKernels kernels) throws Exception {
        TrainingGraph g = TrainingGraphBuilder.trainingStep(model, batch, SgdOptions.reference(), kernels);
        Random r = new Random(1);
        try (TrainingStep step = new TrainingStep(g, threads); Evaluator fwd = new Evaluator(model, batch, threads)) {
            for (int i = 0; i < step.images().capacity(); i++) {
                float v = (float) r.nextGaussian();
                step.images().put(i, v);
                fwd.images().put(i, v);
            }
            for (int i = 0; i < batch; i++) {
                step.labels().put(i, r.nextInt(10));
            }
            double[] s = new double[runs];
            double[] f = new double[runs];
            double[] o = new double[runs];
            for (int k = -3; k < runs; k++) {
                // A tiny rate keeps the weights (and so the arithmetic) essentially fixed.
                StepResult res = step.run(1e-6f);
                long t0 = System.nanoTime();
                fwd.run(step);
                long t1 = System.nanoTime();
                if (k >= 0) {
                    s[k] = res.totalNanos() / 1e6;
                    o[k] = (res.totalNanos() - res.runNanos()) / 1e3;
                    f[k] = (t1 - t0) / 1e6;
                }
            }
            return new Timing(median(s), median(f), median(o));
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
     * @param args model name, batch, threads, optional number of runs
     * @throws Exception if ONNX Runtime fails
     */
    public static void main(String[] args) throws Exception {
        String name = args[0];
        int batch = Integer.parseInt(args[1]);
        int threads = Integer.parseInt(args[2]);
        int runs = args.length > 3 ? Integer.parseInt(args[3]) : 20;
        Model model = ModelZoo.build(name, ModelConfig.fashionMnist());
        for (TrainingKernels kernels : TrainingKernels.values()) {
            Timing t = measure(model, batch, threads, runs, kernels);
            System.out.printf(Locale.ROOT, "%s batch %d threads %d, %s ops: step %.1f ms (%.3f ms/img), forward %.1f ms"
                    + " (%.3f ms/img), step/forward %.2f, Java overhead per step %.0f us%n", name, batch, threads,
                    kernels.name().toLowerCase(Locale.ROOT), t.stepMillis(), t.stepMillis() / batch, t.forwardMillis(),
                    t.forwardMillis() / batch, t.ratio(), t.overheadMicros());
        }
    }
}
