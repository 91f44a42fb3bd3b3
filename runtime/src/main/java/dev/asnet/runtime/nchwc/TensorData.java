package dev.asnet.runtime.nchwc;

import dev.asnet.exporter.onnx.Onnx.TensorProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Float values of initializers, as ONNX stores them (raw little-endian bytes or float_data). */
final class TensorData {
    private TensorData() {}

    /**
     * The values of a float tensor stored in the model.
     *
     * @param t the tensor
     * @return the values, or null when it is not float, stored externally, or inconsistent with its dims
     */
    static float[] floats(TensorProto t) {
        if (t.getDataType() != TensorProto.DataType.FLOAT_VALUE
                || t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            return null;
        }
        long n = 1;
        for (long d : t.getDimsList()) {
            if (d < 0 || (n = n * d) > Integer.MAX_VALUE) {
                return null;
            }
        }
        float[] out;
        if (!t.getRawData().isEmpty()) {
            if (t.getRawData().size() != n * Float.BYTES) {
                return null;
            }
            out = new float[(int) n];
            ByteBuffer.wrap(t.getRawData().toByteArray()).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        } else {
            if (t.getFloatDataCount() != n) {
                return null;
            }
            out = new float[(int) n];
            for (int i = 0; i < out.length; i++) {
                out[i] = t.getFloatData(i);
            }
        }
        return out;
    }
}
