package dev.asnet.exporter.quantize;

import dev.asnet.exporter.ir.DataType;
import dev.asnet.exporter.ir.Tensor;

/**
 * Symmetric int8 quantization of a weight tensor with one scale per slice along an axis (output
 * channels): {@code scale[c] = max|w[c]| / 127}, zero point 0, values in [-127, 127]. Using 127
 * rather than 128 keeps the range symmetric, so negating a weight never saturates. A slice that is
 * all zero gets scale 1 (any positive scale represents it exactly).
 *
 * @param values the int8 values, same shape as the weight
 * @param scales one scale per slice along {@code axis}
 * @param axis the axis the scales run along
 */
public record PerChannelWeights(Tensor values, float[] scales, int axis) {
    /** The largest magnitude a weight quantizes to. */
    public static final int LIMIT = 127;

    /**
     * Quantizes a float weight.
     *
     * @param weight the float weight
     * @param axis the channel axis (0 for Conv weights and transposed Gemm weights)
     * @return the int8 values and their scales
     * @throws IllegalArgumentException if the weight is not float, the axis is out of range or a
     *     value is not finite
     */
    public static PerChannelWeights quantize(Tensor weight, int axis) {
        if (weight.type() != DataType.FLOAT) {
            throw new IllegalArgumentException("weights to quantize must be FLOAT, not " + weight.type());
        }
        long[] dims = weight.dims();
        if (axis < 0 || axis >= dims.length) {
            throw new IllegalArgumentException("axis " + axis + " is outside the weight's rank " + dims.length);
        }
        int channels = (int) dims[axis];
        int inner = 1;
        for (int i = axis + 1; i < dims.length; i++) {
            inner *= (int) dims[i];
        }
        float[] w = weight.floats();
        double[] absMax = new double[channels];
        for (int i = 0; i < w.length; i++) {
            if (!Float.isFinite(w[i])) {
                throw new IllegalArgumentException("weight element " + i + " is " + w[i]);
            }
            int c = (i / inner) % channels;
            absMax[c] = Math.max(absMax[c], Math.abs(w[i]));
        }
        float[] scales = new float[channels];
        for (int c = 0; c < channels; c++) {
            scales[c] = absMax[c] > 0 ? (float) (absMax[c] / LIMIT) : 1f;
            if (!(scales[c] > 0)) {
                scales[c] = Float.MIN_NORMAL;  // magnitudes below float's step: round to 0 either way
            }
        }
        int[] q = new int[w.length];
        for (int i = 0; i < w.length; i++) {
            float s = scales[(i / inner) % channels];
            q[i] = (int) Math.max(-LIMIT, Math.min(LIMIT, Math.rint(w[i] / s)));
        }
        return new PerChannelWeights(Tensor.ofInts(DataType.INT8, q, dims), scales, axis);
    }

    /**
     * The float weight the int8 values stand for: what DequantizeLinear gives.
     *
     * @return {@code values * scale} per slice
     */
    public float[] dequantized() {
        long[] dims = values.dims();
        int channels = (int) dims[axis];
        int inner = 1;
        for (int i = axis + 1; i < dims.length; i++) {
            inner *= (int) dims[i];
        }
        int[] q = values.ints();
        float[] out = new float[q.length];
        for (int i = 0; i < q.length; i++) {
            out[i] = q[i] * scales[(i / inner) % channels];
        }
        return out;
    }

    /**
     * Quantizes a bias to int32 with per-channel scale {@code inputScale * scales[c]}, zero point 0,
     * as QLinearConv and QGemm expect it.
     *
     * @param bias the float bias, one value per channel
     * @param inputScale the scale of the layer's quantized input
     * @return the int32 values
     * @throws IllegalArgumentException if the bias has the wrong length
     */
    public int[] quantizeBias(float[] bias, float inputScale) {
        if (bias.length != scales.length) {
            throw new IllegalArgumentException("bias has " + bias.length + " values for " + scales.length + " channels");
        }
        int[] q = new int[bias.length];
        for (int c = 0; c < bias.length; c++) {
            double v = Math.rint(bias[c] / biasScale(c, inputScale));
            q[c] = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, v));
        }
        return q;
    }

    /**
     * The scale of one channel's int32 bias.
     *
     * @param channel the channel
     * @param inputScale the scale of the layer's quantized input
     * @return {@code inputScale * scales[channel]}, in float as ONNX Runtime computes it
     */
    public float biasScale(int channel, float inputScale) {
        return inputScale * scales[channel];
    }
}
