package dev.asnet.training.step;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import dev.asnet.training.autodiff.StateSlot;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One complete set of state tensors (every {@link StateSlot}), each an ONNX Runtime tensor over
 * its own direct, native-order buffer, so ONNX Runtime reads and writes the Java-visible memory
 * without copies.
 */
final class StateBuffers implements AutoCloseable {
    private final Map<String, FloatBuffer> buffers = new LinkedHashMap<>();
    private final Map<String, OnnxTensor> tensors = new LinkedHashMap<>();

    StateBuffers(OrtEnvironment env, List<StateSlot> slots) throws OrtException {
        try {
            for (StateSlot s : slots) {
                FloatBuffer b = ByteBuffer.allocateDirect(s.size() * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
                buffers.put(s.input(), b);
                tensors.put(s.input(), OnnxTensor.createTensor(env, b, s.shape()));
            }
        } catch (OrtException | RuntimeException e) {
            close();
            throw e;
        }
    }

    FloatBuffer buffer(String name) {
        return buffers.get(name);
    }

    OnnxTensor tensor(String name) {
        return tensors.get(name);
    }

    Map<String, OnnxTensor> tensors() {
        return tensors;
    }

    @Override
    public void close() {
        for (OnnxTensor t : tensors.values()) {
            t.close();
        }
    }
}
