package dev.asnet.serving;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A v2 inference response: {@code {"model_name", "model_version", "id", "outputs": [{"name",
 * "datatype", "shape", "data"}]}}, encoded as JSON or, for outputs asked for as binary data, as a
 * JSON header followed by the tensors (the binary tensor data extension).
 *
 * @param modelName the model's name
 * @param id the request's id, or null
 * @param outputs the output tensors
 */
public record InferResponse(String modelName, String id, List<Output> outputs) {
    /** Writes numbers with Jackson's fast float writer: a response is mostly numbers. */
    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(com.fasterxml.jackson.core.StreamWriteFeature.USE_FAST_DOUBLE_WRITER).build();

    /**
     * One output tensor: exactly one of the value arrays is set, as the datatype says.
     *
     * @param name its name
     * @param datatype {@code FP32}, {@code INT64} or {@code BYTES}
     * @param shape its shape
     * @param fp32 FP32 values, row-major, or null
     * @param int64 INT64 values, row-major, or null
     * @param bytes BYTES elements (UTF-8 text), or null
     * @param binary whether to send it as binary data
     */
    public record Output(String name, String datatype, long[] shape, float[] fp32, long[] int64, List<String> bytes,
            boolean binary) {
        /** The tensor in the binary extension's layout (little-endian; BYTES elements length-prefixed). */
        byte[] binaryData() {
            ByteBuffer b;
            if (fp32 != null) {
                b = ByteBuffer.allocate(fp32.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
                b.asFloatBuffer().put(fp32);
            } else if (int64 != null) {
                b = ByteBuffer.allocate(int64.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
                b.asLongBuffer().put(int64);
            } else {
                int size = 0;
                for (String s : bytes) {
                    size += 4 + s.getBytes(StandardCharsets.UTF_8).length;
                }
                b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
                for (String s : bytes) {
                    byte[] e = s.getBytes(StandardCharsets.UTF_8);
                    b.putInt(e.length).put(e);
                }
            }
            return b.array();
        }
    }

    /**
     * An encoded response body.
     *
     * @param body the bytes to send
     * @param contentType the Content-Type
     * @param headerLength the JSON header's length for the {@value InferRequest#HEADER_LENGTH}
     *     header, or -1 when the body is JSON only
     */
    public record Encoded(byte[] body, String contentType, int headerLength) {}

    /**
     * Encodes the response: JSON only when no output is binary, else the JSON header followed by
     * the binary outputs in order.
     *
     * @return the body and its headers
     */
    public Encoded encode() {
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        boolean anyBinary = false;
        try (JsonGenerator g = JSON.createGenerator(json, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeStringField("model_name", modelName);
            g.writeStringField("model_version", ServedModel.VERSION);
            if (id != null) {
                g.writeStringField("id", id);
            }
            g.writeArrayFieldStart("outputs");
            for (Output o : outputs) {
                g.writeStartObject();
                g.writeStringField("name", o.name);
                g.writeStringField("datatype", o.datatype);
                g.writeArrayFieldStart("shape");
                for (long d : o.shape) {
                    g.writeNumber(d);
                }
                g.writeEndArray();
                if (o.binary) {
                    anyBinary = true;
                    g.writeObjectFieldStart("parameters");
                    g.writeNumberField("binary_data_size", o.binaryData().length);
                    g.writeEndObject();
                } else {
                    g.writeArrayFieldStart("data");
                    if (o.fp32 != null) {
                        for (float f : o.fp32) {
                            g.writeNumber(f);
                        }
                    } else if (o.int64 != null) {
                        for (long v : o.int64) {
                            g.writeNumber(v);
                        }
                    } else {
                        for (String s : o.bytes) {
                            g.writeString(s);
                        }
                    }
                    g.writeEndArray();
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);  // writing to memory does not fail
        }
        if (!anyBinary) {
            return new Encoded(json.toByteArray(), "application/json", -1);
        }
        int headerLength = json.size();
        for (Output o : outputs) {
            if (o.binary) {
                json.writeBytes(o.binaryData());
            }
        }
        return new Encoded(json.toByteArray(), "application/octet-stream", headerLength);
    }
}
