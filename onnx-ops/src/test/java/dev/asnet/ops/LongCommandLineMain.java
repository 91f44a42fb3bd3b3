package dev.asnet.ops;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.asnet.ops.testing.OneNodeModel;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Map;

/**
 * Child-process entry point for {@link OrtEnvironmentsTest}: started with a long command line, it
 * creates the ONNX Runtime environment either through {@link OrtEnvironments} ({@code safe}) or
 * directly on the main thread ({@code direct}), then runs an ActiveShift session.
 */
public final class LongCommandLineMain {
    private LongCommandLineMain() {}

    /**
     * Runs the check.
     *
     * @param args {@code safe} or {@code direct}
     * @throws Exception on failure (exit code 1)
     */
    public static void main(String[] args) throws Exception {
        // Calls that load ONNX Runtime without creating the environment are safe on this thread
        // (the crash is in the environment's creation); asnet makes some before the environment.
        System.out.println("providers " + OrtEnvironment.getAvailableProviders());
        new OrtSession.SessionOptions().close();
        OrtEnvironment env = args[0].equals("direct") ? OrtEnvironment.getEnvironment() : OrtEnvironments.get();
        System.out.println("ONNX Runtime " + env.getVersion());
        byte[] model = OneNodeModel.activeShift(1, 1).bytes();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            AsnetOps.register(options);
            float[] x = {1, 2, 3, 4};
            try (OrtSession session = env.createSession(model, options);
                    OnnxTensor xt = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {1, 1, 2, 2});
                    OnnxTensor st = OnnxTensor.createTensor(env, FloatBuffer.wrap(new float[2]), new long[] {1, 2});
                    OrtSession.Result r = session.run(Map.of("X", xt, "shift", st))) {
                FloatBuffer y = ((OnnxTensor) r.get(0)).getFloatBuffer();
                float[] out = new float[y.remaining()];
                y.get(out);
                System.out.println("ActiveShift output " + Arrays.toString(out));
            }
        }
    }
}
