package dev.asnet.serving;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;

/**
 * A v2 inference request as received: {@code {"id", "parameters", "inputs": [{"name", "shape",
 * "datatype", "data"}], "outputs": [{"name", "parameters": {"binary_data"}}]}}, with tensor data
 * either in JSON or, with the binary tensor data extension, after the JSON header (its length in
 * the {@value #HEADER_LENGTH} header, each input's size in {@code parameters.binary_data_size}).
 *
 * <p>{@link #parse} checks the request's own consistency (shapes against data sizes, datatypes,
 * base64); whether it fits a model is checked by {@link ServedModel}.
 *
 * @param id the request's {@code id}, echoed in the response, or null
 * @param inputs the input tensors, in request order
 * @param outputs the outputs asked for (empty: all)
 * @param binaryOutput whether every output is to be sent as binary data
 *     ({@code parameters.binary_data_output})
 * @param topK how many classes an image request answers ({@code parameters.top_k}), or 0 for the default
 */
public record InferRequest(String id, List<Input> inputs, List<RequestedOutput> outputs, boolean binaryOutput,
        int topK) {
    /** The binary tensor data extension's header: the JSON part's length in bytes. */
    public static final String HEADER_LENGTH = "Inference-Header-Content-Length";

    /** Reads numbers with Jackson's fast double parser: a tensor is mostly numbers. */
    private static final ObjectMapper JSON = new ObjectMapper(com.fasterxml.jackson.core.JsonFactory.builder()
            .enable(com.fasterxml.jackson.core.StreamReadFeature.USE_FAST_DOUBLE_PARSER).build());

    /**
     * One input tensor.
     *
     * @param name its name
     * @param datatype {@code FP32} or {@code BYTES}
     * @param shape its shape
     * @param fp32 the values of an FP32 tensor, row-major; null for BYTES
     * @param bytes the elements of a BYTES tensor; null for FP32
     * @param binaryData whether the data came as binary data rather than in the JSON
     */
    public record Input(String name, String datatype, long[] shape, float[] fp32, List<byte[]> bytes,
            boolean binaryData) {}

    /**
     * An output the client asks for.
     *
     * @param name the output's name
     * @param binary whether to send it as binary data
     */
    public record RequestedOutput(String name, boolean binary) {}

    /**
     * Parses a request body.
     *
     * @param body the whole body
     * @param headerLength the {@value #HEADER_LENGTH} header, or null for a JSON-only body
     * @return the request
     * @throws ServingException 400 naming what is malformed
     */
    public static InferRequest parse(byte[] body, String headerLength) {
        int jsonLength = body.length;
        if (headerLength != null) {
            try {
                jsonLength = Integer.parseInt(headerLength.trim());
            } catch (NumberFormatException e) {
                throw ServingException.badRequest(HEADER_LENGTH + " '" + headerLength + "' is not a number");
            }
            if (jsonLength < 0 || jsonLength > body.length) {
                throw ServingException.badRequest(HEADER_LENGTH + " " + jsonLength + " is outside the body's "
                        + body.length + " bytes");
            }
        }
        JsonNode root;
        try {
            root = JSON.readTree(body, 0, jsonLength);
        } catch (JsonProcessingException e) {
            throw ServingException.badRequest("malformed JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw ServingException.badRequest("malformed JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw ServingException.badRequest("the request must be a JSON object with an \"inputs\" array");
        }
        ByteBuffer binary = ByteBuffer.wrap(body, jsonLength, body.length - jsonLength).slice()
                .order(ByteOrder.LITTLE_ENDIAN);
        String id = root.hasNonNull("id") ? root.get("id").asText() : null;
        JsonNode params = root.path("parameters");
        boolean binaryOutput = params.path("binary_data_output").asBoolean(false);
        int topK = 0;
        if (params.has("top_k")) {
            JsonNode k = params.get("top_k");
            if (!k.canConvertToInt() || !k.isIntegralNumber() || k.asInt() < 1) {
                throw ServingException.badRequest("parameters.top_k must be a whole number >= 1, got " + k);
            }
            topK = k.asInt();
        }
        JsonNode inputsNode = root.get("inputs");
        if (inputsNode == null || !inputsNode.isArray() || inputsNode.isEmpty()) {
            throw ServingException.badRequest("the request has no \"inputs\" array (or it is empty)");
        }
        List<Input> inputs = new ArrayList<>();
        for (JsonNode in : inputsNode) {
            inputs.add(input(in, binary, jsonLength));
        }
        if (binary.hasRemaining()) {
            throw ServingException.badRequest(binary.remaining()
                    + " bytes of binary data follow the last tensor that declares binary_data_size");
        }
        List<RequestedOutput> outputs = new ArrayList<>();
        JsonNode outputsNode = root.get("outputs");
        if (outputsNode != null && !outputsNode.isNull()) {
            if (!outputsNode.isArray()) {
                throw ServingException.badRequest("\"outputs\" must be an array");
            }
            for (JsonNode o : outputsNode) {
                if (!o.path("name").isTextual()) {
                    throw ServingException.badRequest("every requested output needs a \"name\"");
                }
                outputs.add(new RequestedOutput(o.get("name").asText(),
                        o.path("parameters").path("binary_data").asBoolean(binaryOutput)));
            }
        }
        return new InferRequest(id, List.copyOf(inputs), List.copyOf(outputs), binaryOutput, topK);
    }

    private static Input input(JsonNode in, ByteBuffer binary, int jsonLength) {
        if (!in.isObject() || !in.path("name").isTextual()) {
            throw ServingException.badRequest("every input needs a \"name\"");
        }
        String name = in.get("name").asText();
        String what = "input '" + name + "'";
        if (!in.path("datatype").isTextual()) {
            throw ServingException.badRequest(what + " needs a \"datatype\"");
        }
        String datatype = in.get("datatype").asText();
        long[] shape = shape(in.get("shape"), what);
        long count = elementCount(shape, what);
        JsonNode binarySize = in.path("parameters").path("binary_data_size");
        boolean isBinary = !binarySize.isMissingNode() && !binarySize.isNull();
        if (isBinary && in.has("data")) {
            throw ServingException.badRequest(what + " has both \"data\" and parameters.binary_data_size");
        }
        if (!isBinary && !in.has("data")) {
            throw ServingException.badRequest(what + " has no \"data\" (nor parameters.binary_data_size)");
        }
        // Every JSON value takes at least one byte: a shape claiming more cannot be right, and is
        // refused before anything of its size is allocated.
        if (!isBinary && count > jsonLength) {
            throw ServingException.badRequest(what + ": shape " + Arrays.toString(shape) + " holds " + count
                    + " values, more than the request's " + jsonLength + " bytes of JSON can carry");
        }
        int size = -1;
        if (isBinary) {
            if (!binarySize.canConvertToInt() || binarySize.asInt() < 0) {
                throw ServingException.badRequest(what + ": binary_data_size must be a whole number >= 0");
            }
            size = binarySize.asInt();
            if (size > binary.remaining()) {
                throw ServingException.badRequest(what + ": binary_data_size " + size + " but only "
                        + binary.remaining() + " bytes of binary data are left in the body");
            }
        }
        switch (datatype) {
            case "FP32": {
                float[] values;
                if (isBinary) {
                    if (size != count * Float.BYTES) {
                        throw ServingException.badRequest(what + ": shape " + Arrays.toString(shape) + " holds "
                                + count + " FP32 values (" + count * Float.BYTES + " bytes) but binary_data_size is "
                                + size);
                    }
                    values = new float[(int) count];
                    binary.asFloatBuffer().get(values);
                    binary.position(binary.position() + size);
                } else {
                    values = floats(in.get("data"), count, shape, what);
                }
                return new Input(name, datatype, shape, values, null, isBinary);
            }
            case "BYTES": {
                List<byte[]> elements = isBinary ? bytesBinary(binary, size, count, what)
                        : bytesJson(in.get("data"), count, what);
                return new Input(name, datatype, shape, null, List.copyOf(elements), isBinary);
            }
            default:
                throw ServingException.badRequest(what + ": datatype " + datatype + " is not supported; "
                        + "this server takes FP32 tensors, and images as BYTES");
        }
    }

    private static long[] shape(JsonNode node, String what) {
        if (node == null || !node.isArray()) {
            throw ServingException.badRequest(what + " needs a \"shape\" array");
        }
        long[] shape = new long[node.size()];
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = node.get(i);
            if (!d.isIntegralNumber() || !d.canConvertToLong() || d.asLong() < 0) {
                throw ServingException.badRequest(what + ": shape " + node + " must hold whole numbers >= 0");
            }
            shape[i] = d.asLong();
        }
        return shape;
    }

    private static long elementCount(long[] shape, String what) {
        long n = 1;
        try {
            for (long d : shape) {
                n = Math.multiplyExact(n, d);
            }
        } catch (ArithmeticException e) {
            n = Long.MAX_VALUE;
        }
        // A request body is at most 1 GiB: no valid tensor has more elements than that.
        if (n > Integer.MAX_VALUE / Float.BYTES) {
            throw ServingException.badRequest(what + ": shape " + Arrays.toString(shape) + " is too large");
        }
        return n;
    }

    /** The data array, flat or nested as the shape, as floats. */
    private static float[] floats(JsonNode data, long count, long[] shape, String what) {
        if (!data.isArray()) {
            throw ServingException.badRequest(what + ": \"data\" must be an array of numbers");
        }
        float[] out = new float[(int) count];
        int n = flatten(data, out, 0, what, count, shape);
        if (n != count) {
            throw ServingException.badRequest(what + ": shape " + Arrays.toString(shape) + " holds " + count
                    + " values but \"data\" has " + n);
        }
        return out;
    }

    private static int flatten(JsonNode array, float[] out, int at, String what, long count, long[] shape) {
        for (Iterator<JsonNode> it = array.elements(); it.hasNext(); ) {
            JsonNode v = it.next();
            if (v.isArray()) {
                at = flatten(v, out, at, what, count, shape);
                continue;
            }
            if (!v.isNumber()) {
                throw ServingException.badRequest(what + ": FP32 data must be numbers, found " + abbreviate(v));
            }
            if (at >= count) {
                throw ServingException.badRequest(what + ": shape " + Arrays.toString(shape) + " holds " + count
                        + " values but \"data\" has more");
            }
            float f = v.floatValue();
            if (!Float.isFinite(f)) {
                throw ServingException.badRequest(what + ": value " + v + " is outside the FP32 range");
            }
            out[at++] = f;
        }
        return at;
    }

    /** BYTES elements in JSON: strings (for images, base64; see {@link #decodeBase64}). */
    private static List<byte[]> bytesJson(JsonNode data, long count, String what) {
        if (!data.isArray()) {
            throw ServingException.badRequest(what + ": \"data\" must be an array of strings");
        }
        List<byte[]> out = new ArrayList<>();
        collectStrings(data, out, what);
        if (out.size() != count) {
            throw ServingException.badRequest(what + ": the shape holds " + count + " elements but \"data\" has "
                    + out.size());
        }
        return out;
    }

    private static void collectStrings(JsonNode array, List<byte[]> out, String what) {
        for (JsonNode v : array) {
            if (v.isArray()) {
                collectStrings(v, out, what);
            } else if (v.isTextual()) {
                out.add(v.asText().getBytes(StandardCharsets.UTF_8));
            } else {
                throw ServingException.badRequest(what + ": BYTES data must be strings, found " + abbreviate(v));
            }
        }
    }

    /** BYTES elements as binary data: each a 4-byte little-endian length and then its bytes. */
    private static List<byte[]> bytesBinary(ByteBuffer binary, int size, long count, String what) {
        ByteBuffer b = binary.slice().order(ByteOrder.LITTLE_ENDIAN);
        b.limit(size);
        List<byte[]> out = new ArrayList<>();
        while (b.hasRemaining()) {
            if (b.remaining() < 4) {
                throw ServingException.badRequest(what + ": truncated BYTES element length");
            }
            int len = b.getInt();
            if (len < 0 || len > b.remaining()) {
                throw ServingException.badRequest(what + ": a BYTES element of " + Integer.toUnsignedString(len)
                        + " bytes runs past its binary_data_size");
            }
            byte[] e = new byte[len];
            b.get(e);
            out.add(e);
        }
        if (out.size() != count) {
            throw ServingException.badRequest(what + ": the shape holds " + count + " elements but the binary data has "
                    + out.size());
        }
        binary.position(binary.position() + size);
        return out;
    }

    /**
     * Decodes a BYTES element sent in JSON as base64 (standard or URL-safe alphabet).
     *
     * @param element the element's bytes (the JSON string's UTF-8)
     * @param what names the element in the message
     * @return the decoded bytes
     * @throws ServingException 400 if it is not base64
     */
    static byte[] decodeBase64(byte[] element, String what) {
        // Line breaks (as some encoders wrap) are dropped; anything else outside the alphabet is an error.
        String s = new String(element, StandardCharsets.US_ASCII).replaceAll("\\s+", "");
        try {
            return s.indexOf('-') >= 0 || s.indexOf('_') >= 0 ? Base64.getUrlDecoder().decode(s)
                    : Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            throw ServingException.badRequest(what + " is not base64: " + e.getMessage());
        }
    }

    private static String abbreviate(JsonNode v) {
        String s = v.toString();
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}
