import ai.onnxruntime.*;
import dev.asnet.runtime.*;
import dev.asnet.exporter.onnx.Onnx.ModelProto;
import java.nio.*;
import java.nio.file.*;
import java.util.*;

public class Prof {
    public static void main(String[] a) throws Exception {
        Path model = Path.of(a[0]);
        int runs = Integer.parseInt(a[1]);
        long[] shape = {Long.parseLong(a[2]), 1, 28, 28};
        OrtEnvironment env = SessionFactory.environment();
        byte[] bytes = Files.readAllBytes(model);
        RuntimeOptions ro = RuntimeOptions.builder().optIntraOpThreads(1).build();
        try (SessionFactory.Setup setup = SessionFactory.setup(ro, true, model.toString())) {
            setup.options().enableProfiling("/tmp/prof/trace-" + model.getFileName());
            try (OrtSession s = SessionFactory.createPrepared(setup, bytes, ModelProto.parseFrom(bytes), model.toString(), ro,
                    () -> setup.createSession(bytes)).session()) {
                String in = s.getInputNames().iterator().next();
                int n = (int) (shape[0] * 784);
                try (OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(new float[n]), shape)) {
                    for (int i = 0; i < runs; i++) s.run(Map.of(in, x)).close();
                }
                System.out.println(s.endProfiling());
            }
        }
    }
}
