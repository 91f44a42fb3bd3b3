package dev.asnet.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One model ready to be timed: its session, inputs and outputs are allocated once (direct
 * buffers, outputs pinned), so a timed call measures ONNX Runtime's work and the JNI call only.
 */
final class TimedOp implements AutoCloseable {
    private final String name;
    private final OrtSession session;
    private final Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
    private final Map<String, OnnxTensor> outputs = new LinkedHashMap<>();

    /**
     * @param name label in reports
     * @param env the environment
     * @param model serialized ONNX model
     * @param options session options (not closed here)
     * @param inputData input name to values
     * @param inputShapes input name to shape
     * @param outputShapes output name to shape
     */
    TimedOp(String name, OrtEnvironment env, byte[] model, OrtSession.SessionOptions options,
            Map<String, float[]> inputData, Map<String, long[]> inputShapes, Map<String, long[]> outputShapes)
            throws OrtException {
        this.name = name;
        this.session = env.createSession(model, options);
        try {
            for (var e : inputData.entrySet()) {
                inputs.put(e.getKey(), OnnxTensor.createTensor(env, direct(e.getValue()), inputShapes.get(e.getKey())));
            }
            for (var e : outputShapes.entrySet()) {
                outputs.put(e.getKey(), OnnxTensor.createTensor(env, direct(new float[(int) count(e.getValue())]), e.getValue()));
            }
        } catch (OrtException | RuntimeException e) {
            close();
            throw e;
        }
    }

    String name() {
        return name;
    }

    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    /**
     * Runs once and returns the time in nanoseconds: the calling thread's CPU time (with one
     * intra-op thread ONNX Runtime computes on it; far less disturbed by other processes) or the
     * wall time.
     */
    long runNanos(boolean threadCpuTime) throws OrtException {
        long t0 = threadCpuTime ? THREADS.getCurrentThreadCpuTime() : System.nanoTime();
        session.run(inputs, outputs);
        return (threadCpuTime ? THREADS.getCurrentThreadCpuTime() : System.nanoTime()) - t0;
    }

    /** Runs once without pinned outputs and returns the element count of output 0. */
    int runOutputLength() throws OrtException {
        try (OrtSession.Result r = session.run(inputs)) {
            return ((OnnxTensor) r.get(0)).getFloatBuffer().remaining();
        }
    }

    /** A copy of an output's current contents (after a run). */
    float[] output(String outputName) {
        FloatBuffer b = outputs.get(outputName).getFloatBuffer();
        float[] v = new float[b.remaining()];
        b.get(v);
        return v;
    }

    static long count(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    private static FloatBuffer direct(float[] values) {
        FloatBuffer b = ByteBuffer.allocateDirect(values.length * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
        b.put(values).rewind();
        return b;
    }

    @Override
    public void close() throws OrtException {
        inputs.values().forEach(OnnxTensor::close);
        outputs.values().forEach(OnnxTensor::close);
        session.close();
    }
}
