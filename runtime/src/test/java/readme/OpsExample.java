package readme;

// README snippet ops begins
// needs dev.asnet:asnet-onnx-ops (and ONNX Runtime: com.microsoft.onnxruntime:onnxruntime)
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.asnet.ops.AsnetOps;
import dev.asnet.ops.OrtEnvironments;
import java.io.IOException;

class OpsExample {
    static void open(String modelFile) throws IOException, OrtException {
        OrtEnvironment env = OrtEnvironments.get();   // dev.asnet.ops: safe first creation (see Safety)
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            AsnetOps.register(options);          // extracts and registers libasnet_ops.so
            try (OrtSession session = env.createSession(modelFile, options)) {
                System.out.println(session.getInputInfo());   // ... session.run(...)
            }
        }   // keep the options open while the session lives: closing them unloads the library
    }
}
// README snippet ops ends
