package dev.asnet.spark;

import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;

/**
 * Where an executor JVM's classification time goes, summed over all its task threads since it
 * started (or since {@link #reset()}): decoding images, preparing the model input (scaling,
 * grayscale or RGB, normalization), and ONNX Runtime's runs. Read by the benchmark, which runs in
 * local mode where driver and executor share one JVM; on a cluster each executor keeps its own.
 */
public final class StageTimes {
    private static final LongAdder DECODE = new LongAdder();
    private static final LongAdder PREPROCESS = new LongAdder();
    private static final LongAdder INFERENCE = new LongAdder();
    private static final LongAdder ROWS = new LongAdder();
    private static final LongAdder FAILED = new LongAdder();

    private StageTimes() {}

    /**
     * The totals at one moment.
     *
     * @param rows rows classified or refused
     * @param failedRows rows that got an error instead of a prediction
     * @param decodeSeconds thread time spent decoding encoded images
     * @param preprocessSeconds thread time spent turning images or arrays into the model input
     * @param inferenceSeconds thread time spent in ONNX Runtime and the softmax after it
     */
    public record Snapshot(long rows, long failedRows, double decodeSeconds, double preprocessSeconds,
            double inferenceSeconds) {
        /**
         * The difference from an earlier snapshot: what happened in between.
         *
         * @param earlier the earlier snapshot
         * @return this minus earlier
         */
        public Snapshot since(Snapshot earlier) {
            return new Snapshot(rows - earlier.rows, failedRows - earlier.failedRows,
                    decodeSeconds - earlier.decodeSeconds, preprocessSeconds - earlier.preprocessSeconds,
                    inferenceSeconds - earlier.inferenceSeconds);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%d rows (%d failed): decode %.2f s, preprocess %.2f s, inference %.2f s",
                    rows, failedRows, decodeSeconds, preprocessSeconds, inferenceSeconds);
        }
    }

    /**
     * The current totals of this JVM.
     *
     * @return the snapshot
     */
    public static Snapshot snapshot() {
        return new Snapshot(ROWS.sum(), FAILED.sum(), DECODE.sum() / 1e9, PREPROCESS.sum() / 1e9,
                INFERENCE.sum() / 1e9);
    }

    /** Sets every total to zero. */
    public static void reset() {
        DECODE.reset();
        PREPROCESS.reset();
        INFERENCE.reset();
        ROWS.reset();
        FAILED.reset();
    }

    static void add(long rows, long failed, long decodeNanos, long preprocessNanos, long inferenceNanos) {
        ROWS.add(rows);
        FAILED.add(failed);
        DECODE.add(decodeNanos);
        PREPROCESS.add(preprocessNanos);
        INFERENCE.add(inferenceNanos);
    }
}
