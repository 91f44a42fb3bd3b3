package dev.asnet.serving;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
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
     * <p>The JSON is read as a stream: tensor {@code data} arrays go straight into a float array
     * (or a list of strings), never into a tree of number nodes, since a tensor is mostly numbers;
     * the small rest of the request (names, shapes, parameters, outputs) is read as trees.
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
        Root root;
        try (JsonParser p = JSON.createParser(body, 0, jsonLength)) {
            root = root(p, jsonLength);
        } catch (StreamReadException e) {
            throw ServingException.badRequest("malformed JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw ServingException.badRequest("malformed JSON: " + e.getMessage());
        }
        ByteBuffer binary = ByteBuffer.wrap(body, jsonLength, body.length - jsonLength).slice()
                .order(ByteOrder.LITTLE_ENDIAN);
        String id = root.id != null && !root.id.isNull() ? root.id.asText() : null;
        JsonNode params = root.parameters != null ? root.parameters : MissingNode.getInstance();
        boolean binaryOutput = params.path("binary_data_output").asBoolean(false);
        int topK = 0;
        if (params.has("top_k")) {
            JsonNode k = params.get("top_k");
            if (!k.canConvertToInt() || !k.isIntegralNumber() || k.asInt() < 1) {
                throw ServingException.badRequest("parameters.top_k must be a whole number >= 1, got " + k);
            }
            topK = k.asInt();
        }
        if (root.inputs == null || root.inputs.isEmpty()) {
            throw ServingException.badRequest("the request has no \"inputs\" array (or it is empty)");
        }
        List<Input> inputs = new ArrayList<>(root.inputs.size());
        for (RawInput in : root.inputs) {
            inputs.add(input(in, binary, jsonLength));
        }
        if (binary.hasRemaining()) {
            throw ServingException.badRequest(binary.remaining()
                    + " bytes of binary data follow the last tensor that declares binary_data_size");
        }
        List<RequestedOutput> outputs = new ArrayList<>();
        JsonNode outputsNode = root.outputs;
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

    /** The request's top level as streamed: small members as trees, inputs with their data streamed. */
    private static final class Root {
        JsonNode id;
        JsonNode parameters;
        JsonNode outputs;
        /** Null when there is no "inputs" array. */
        List<RawInput> inputs;
    }

    /**
     * One input as streamed: its small members (name, datatype, shape, parameters) as a tree, its
     * {@code data} as the values found, kept by kind so that the datatype (which may come after
     * the data) decides which are right.
     */
    private static final class RawInput {
        /** Null when the element of "inputs" is not an object. */
        ObjectNode fields;
        boolean hasData;
        /** Whether "data" was an array (nested arrays are flattened). */
        boolean dataIsArray;
        float[] numbers = EMPTY;
        int numberCount;
        List<byte[]> strings;
        /** The first element that is not a number, abbreviated, for FP32's message; or null. */
        String firstNonNumber;
        /** The first element that is not a string, abbreviated, for BYTES's message; or null. */
        String firstNonString;
        /** The first number outside the FP32 range, as written; or null. */
        String outOfRange;

        void addNumber(float f) {
            if (numberCount == numbers.length) {
                numbers = Arrays.copyOf(numbers, Math.max(64, numbers.length * 2));
            }
            numbers[numberCount++] = f;
        }
    }

    private static final float[] EMPTY = new float[0];

    private static Root root(JsonParser p, int jsonLength) throws java.io.IOException {
        Root root = new Root();
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw ServingException.badRequest("the request must be a JSON object with an \"inputs\" array");
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken t = p.nextToken();
            switch (field) {
                case "id" -> root.id = p.readValueAsTree();
                case "parameters" -> root.parameters = p.readValueAsTree();
                case "outputs" -> root.outputs = p.readValueAsTree();
                case "inputs" -> {
                    if (t != JsonToken.START_ARRAY) {
                        p.skipChildren();
                        root.inputs = null;
                        break;
                    }
                    List<RawInput> inputs = new ArrayList<>();
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        inputs.add(rawInput(p, jsonLength));
                    }
                    root.inputs = inputs;
                }
                default -> p.skipChildren();
            }
        }
        return root;
    }

    /** Reads one element of "inputs" (the parser on its first token). */
    private static RawInput rawInput(JsonParser p, int jsonLength) throws java.io.IOException {
        RawInput in = new RawInput();
        if (p.currentToken() != JsonToken.START_OBJECT) {
            p.skipChildren();
            return in;
        }
        in.fields = JsonNodeFactory.instance.objectNode();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken t = p.nextToken();
            if (field.equals("data")) {
                in.hasData = true;
                in.dataIsArray = t == JsonToken.START_ARRAY;
                in.numbers = EMPTY;
                in.numberCount = 0;
                in.strings = null;
                in.firstNonNumber = null;
                in.firstNonString = null;
                in.outOfRange = null;
                if (in.dataIsArray) {
                    // Sized for the shape when it came first (and is plausible): one array, no regrowth.
                    long expected = expectedCount(in.fields.get("shape"));
                    if (expected > 0 && expected <= jsonLength) {
                        in.numbers = new float[(int) expected];
                    }
                    data(p, in);
                } else {
                    p.skipChildren();
                }
            } else {
                in.fields.set(field, p.readValueAsTree());
            }
        }
        return in;
    }

    /** Streams a "data" array (the parser on its START_ARRAY), flattening nested arrays. */
    private static void data(JsonParser p, RawInput in) throws java.io.IOException {
        int depth = 1;
        while (depth > 0) {
            JsonToken t = p.nextToken();
            if (t == null) {
                throw ServingException.badRequest("malformed JSON: the \"data\" array is not closed");
            }
            switch (t) {
                case START_ARRAY -> depth++;
                case END_ARRAY -> depth--;
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                    float f = p.getFloatValue();
                    if (!Float.isFinite(f) && in.outOfRange == null) {
                        in.outOfRange = p.getText();
                    }
                    in.addNumber(f);
                    if (in.firstNonString == null) {
                        in.firstNonString = abbreviate(p.getText());
                    }
                }
                case VALUE_STRING -> {
                    String s = p.getText();
                    if (in.strings == null) {
                        in.strings = new ArrayList<>();
                    }
                    in.strings.add(s.getBytes(StandardCharsets.UTF_8));
                    if (in.firstNonNumber == null) {
                        in.firstNonNumber = abbreviate(JsonNodeFactory.instance.textNode(s).toString());
                    }
                }
                default -> {
                    // true, false, null or an object: neither FP32 nor BYTES data.
                    String v = t == JsonToken.START_OBJECT ? p.readValueAsTree().toString() : p.getText();
                    if (in.firstNonNumber == null) {
                        in.firstNonNumber = abbreviate(v);
                    }
                    if (in.firstNonString == null) {
                        in.firstNonString = abbreviate(v);
                    }
                }
            }
        }
    }

    /** The element count of a shape tree, or -1 when it is missing or not plain whole numbers. */
    private static long expectedCount(JsonNode shape) {
        if (shape == null || !shape.isArray()) {
            return -1;
        }
        long n = 1;
        for (JsonNode d : shape) {
            if (!d.canConvertToLong() || !d.isIntegralNumber() || d.asLong() < 0) {
                return -1;
            }
            try {
                n = Math.multiplyExact(n, d.asLong());
            } catch (ArithmeticException e) {
                return -1;
            }
        }
        return n;
    }

    private static Input input(RawInput in, ByteBuffer binary, int jsonLength) {
        if (in.fields == null || !in.fields.path("name").isTextual()) {
            throw ServingException.badRequest("every input needs a \"name\"");
        }
        String name = in.fields.get("name").asText();
        String what = "input '" + name + "'";
        if (!in.fields.path("datatype").isTextual()) {
            throw ServingException.badRequest(what + " needs a \"datatype\"");
        }
        String datatype = in.fields.get("datatype").asText();
        long[] shape = shape(in.fields.get("shape"), what);
        long count = elementCount(shape, what);
        JsonNode binarySize = in.fields.path("parameters").path("binary_data_size");
        boolean isBinary = !binarySize.isMissingNode() && !binarySize.isNull();
        if (isBinary && in.hasData) {
            throw ServingException.badRequest(what + " has both \"data\" and parameters.binary_data_size");
        }
        if (!isBinary && !in.hasData) {
            throw ServingException.badRequest(what + " has no \"data\" (nor parameters.binary_data_size)");
        }
        // Every JSON value takes at least one byte: a shape claiming more cannot be right.
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
                    // Little-endian floats straight from the body (a bulk copy on little-endian machines).
                    binary.asFloatBuffer().get(values);
                    binary.position(binary.position() + size);
                } else {
                    values = floats(in, count, shape, what);
                }
                return new Input(name, datatype, shape, values, null, isBinary);
            }
            case "BYTES": {
                List<byte[]> elements = isBinary ? bytesBinary(binary, size, count, what)
                        : bytesJson(in, count, what);
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

    /** The streamed data array (flat or nested as the shape) as floats. */
    private static float[] floats(RawInput in, long count, long[] shape, String what) {
        if (!in.dataIsArray) {
            throw ServingException.badRequest(what + ": \"data\" must be an array of numbers");
        }
        if (in.firstNonNumber != null) {
            throw ServingException.badRequest(what + ": FP32 data must be numbers, found " + in.firstNonNumber);
        }
        if (in.numberCount > count) {
            throw ServingException.badRequest(what + ": shape " + Arrays.toString(shape) + " holds " + count
                    + " values but \"data\" has more (" + in.numberCount + ")");
        }
        if (in.outOfRange != null) {
            throw ServingException.badRequest(what + ": value " + in.outOfRange + " is outside the FP32 range");
        }
        if (in.numberCount != count) {
            throw ServingException.badRequest(what + ": shape " + Arrays.toString(shape) + " holds " + count
                    + " values but \"data\" has " + in.numberCount);
        }
        return in.numbers.length == count ? in.numbers : Arrays.copyOf(in.numbers, (int) count);
    }

    /** BYTES elements in JSON: strings (for images, base64; see {@link #decodeBase64}). */
    private static List<byte[]> bytesJson(RawInput in, long count, String what) {
        if (!in.dataIsArray) {
            throw ServingException.badRequest(what + ": \"data\" must be an array of strings");
        }
        if (in.firstNonString != null) {
            throw ServingException.badRequest(what + ": BYTES data must be strings, found " + in.firstNonString);
        }
        List<byte[]> out = in.strings != null ? in.strings : List.of();
        if (out.size() != count) {
            throw ServingException.badRequest(what + ": the shape holds " + count + " elements but \"data\" has "
                    + out.size());
        }
        return out;
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

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}
