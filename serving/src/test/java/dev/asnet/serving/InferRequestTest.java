package dev.asnet.serving;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The request parser on its own: JSON data streamed into floats must give exactly what
 * {@link Float#parseFloat} gives for each number as written (the independent reference), the same
 * as binary tensor data does for the same floats, whatever the field order and nesting; and every
 * malformed request is a 400 naming the problem.
 */
class InferRequestTest {
    /** Floats of every kind of magnitude, with their text as Java writes them. */
    static float[] values(long seed, int n) {
        Random r = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = switch (i % 5) {
                case 0 -> (float) r.nextGaussian();
                case 1 -> (float) (r.nextGaussian() * 1e-30);
                case 2 -> (float) (r.nextGaussian() * 1e30);
                case 3 -> r.nextInt(2000) - 1000;  // written as integers below
                default -> Float.intBitsToFloat(r.nextInt() & 0x7f7fffff) * (r.nextBoolean() ? 1 : -1);
            };
        }
        return v;
    }

    /** The numbers as JSON text: integers without a fraction, the rest as Java writes them. */
    static String[] texts(float[] v) {
        String[] t = new String[v.length];
        for (int i = 0; i < v.length; i++) {
            t[i] = i % 5 == 3 ? Integer.toString((int) v[i]) : Float.toString(v[i]);
        }
        return t;
    }

    static String flat(String[] t) {
        return "[" + String.join(",", t) + "]";
    }

    static InferRequest parse(String json) {
        return InferRequest.parse(json.getBytes(StandardCharsets.UTF_8), null);
    }

    static float[] reference(String[] t) {
        float[] f = new float[t.length];
        for (int i = 0; i < t.length; i++) {
            f[i] = Float.parseFloat(t[i]);
        }
        return f;
    }

    @Test
    void jsonNumbersParseAsFloatParseFloatDoesInAnyFieldOrder() {
        float[] v = values(1, 2 * 3 * 4);
        String[] t = texts(v);
        float[] expected = reference(t);
        String data = "\"data\":" + flat(t);
        String shape = "\"shape\":[2,3,4]";
        for (String input : List.of(
                "{\"name\":\"x\",\"datatype\":\"FP32\"," + shape + "," + data + "}",
                "{" + data + "," + shape + ",\"datatype\":\"FP32\",\"name\":\"x\"}",
                "{\"datatype\":\"FP32\"," + data + ",\"extra\":{\"a\":[1,[2]]},\"name\":\"x\"," + shape + "}")) {
            InferRequest r = parse("{\"id\":7,\"inputs\":[" + input + "],\"other\":[1,{\"b\":2}]}");
            assertEquals("7", r.id());
            InferRequest.Input in = r.inputs().get(0);
            assertEquals("x", in.name());
            assertEquals("FP32", in.datatype());
            assertArrayEquals(new long[] {2, 3, 4}, in.shape());
            assertFalse(in.binaryData());
            assertArrayEquals(expected, in.fp32(), input);
        }
    }

    @Test
    void nestedDataFlattensInRowMajorOrder() {
        float[] v = values(2, 2 * 3 * 4);
        String[] t = texts(v);
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < 2; i++) {
            b.append(i > 0 ? "," : "").append('[');
            for (int j = 0; j < 3; j++) {
                b.append(j > 0 ? "," : "").append('[');
                for (int k = 0; k < 4; k++) {
                    b.append(k > 0 ? "," : "").append(t[i * 12 + j * 4 + k]);
                }
                b.append(']');
            }
            b.append(']');
        }
        b.append(']');
        InferRequest r = parse("{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[2,3,4],\"data\":" + b
                + "}]}");
        assertArrayEquals(reference(t), r.inputs().get(0).fp32());
    }

    @Test
    void binaryDataGivesTheSameFloatsAsJson() {
        float[] v = values(3, 784);
        String[] t = texts(v);
        float[] expected = reference(t);
        String header = "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1,784],"
                + "\"parameters\":{\"binary_data_size\":" + 784 * 4 + "}}],\"parameters\":{\"binary_data_output\":true}}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer body = ByteBuffer.allocate(h.length + 784 * 4).order(ByteOrder.LITTLE_ENDIAN);
        body.put(h);
        for (float f : expected) {
            body.putFloat(f);
        }
        InferRequest binary = InferRequest.parse(body.array(), Integer.toString(h.length));
        InferRequest json = parse("{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1,784],\"data\":"
                + flat(t) + "}]}");
        assertTrue(binary.inputs().get(0).binaryData());
        assertTrue(binary.binaryOutput());
        assertFalse(json.binaryOutput());
        assertNull(json.id());
        assertArrayEquals(expected, binary.inputs().get(0).fp32());
        assertArrayEquals(expected, json.inputs().get(0).fp32());
    }

    @Test
    void requestedOutputsAndParameters() {
        InferRequest r = parse("{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1],\"data\":[1]}],"
                + "\"parameters\":{\"binary_data_output\":true,\"top_k\":3},"
                + "\"outputs\":[{\"name\":\"a\"},{\"name\":\"b\",\"parameters\":{\"binary_data\":false}}]}");
        assertEquals(3, r.topK());
        assertEquals(List.of(new InferRequest.RequestedOutput("a", true), new InferRequest.RequestedOutput("b", false)),
                r.outputs());
    }

    @Test
    void bytesAsJsonStringsAndAsBinaryData() {
        InferRequest json = parse("{\"inputs\":[{\"name\":\"image\",\"datatype\":\"BYTES\",\"shape\":[2],"
                + "\"data\":[\"aGk=\",[\"w6k=\"]]}]}");
        List<byte[]> e = json.inputs().get(0).bytes();
        assertEquals(2, e.size());
        assertArrayEquals("aGk=".getBytes(StandardCharsets.UTF_8), e.get(0));
        assertArrayEquals("w6k=".getBytes(StandardCharsets.UTF_8), e.get(1));

        byte[] h = ("{\"inputs\":[{\"name\":\"image\",\"datatype\":\"BYTES\",\"shape\":[2],"
                + "\"parameters\":{\"binary_data_size\":13}}]}").getBytes(StandardCharsets.UTF_8);
        ByteBuffer body = ByteBuffer.allocate(h.length + 13).order(ByteOrder.LITTLE_ENDIAN);
        body.put(h).putInt(2).put(new byte[] {1, 2}).putInt(3).put(new byte[] {3, 4, 5});
        List<byte[]> b = InferRequest.parse(body.array(), Integer.toString(h.length)).inputs().get(0).bytes();
        assertArrayEquals(new byte[] {1, 2}, b.get(0));
        assertArrayEquals(new byte[] {3, 4, 5}, b.get(1));
    }

    static void assertBadRequest(String json, String expected) {
        ServingException e = assertThrows(ServingException.class, () -> parse(json), json);
        assertEquals(400, e.status());
        assertTrue(e.getMessage().contains(expected), "'" + expected + "' not in: " + e.getMessage());
    }

    static String fp32(String shape, String data) {
        return "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":" + shape + ",\"data\":" + data + "}]}";
    }

    @Test
    void malformedJsonRequestsName400s() {
        assertBadRequest("{not json", "malformed JSON");
        assertBadRequest(fp32("[3]", "[1,2,"), "malformed JSON");
        assertBadRequest(fp32("[3]", "[1,2,3"), "malformed JSON");
        assertBadRequest("", "JSON object");
        assertBadRequest("[1,2]", "JSON object");
        assertBadRequest("{}", "no \"inputs\"");
        assertBadRequest("{\"inputs\":{}}", "no \"inputs\"");
        assertBadRequest("{\"inputs\":[]}", "no \"inputs\"");
        assertBadRequest("{\"inputs\":[3]}", "every input needs a \"name\"");
        assertBadRequest("{\"inputs\":[{\"datatype\":\"FP32\",\"shape\":[1],\"data\":[1]}]}", "needs a \"name\"");
        assertBadRequest("{\"inputs\":[{\"name\":\"x\",\"shape\":[1],\"data\":[1]}]}", "needs a \"datatype\"");
        assertBadRequest("{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"data\":[1]}]}", "needs a \"shape\"");
        assertBadRequest(fp32("[1.5]", "[1]"), "must hold whole numbers >= 0");
        assertBadRequest(fp32("[-1]", "[1]"), "must hold whole numbers >= 0");
        assertBadRequest("{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1]}]}", "has no \"data\"");
        assertBadRequest(fp32("[3]", "[1,2]"), "holds 3 values but \"data\" has 2");
        assertBadRequest(fp32("[3]", "[1,2,3,4]"), "holds 3 values but \"data\" has more");
        assertBadRequest(fp32("[3]", "5"), "\"data\" must be an array of numbers");
        assertBadRequest(fp32("[3]", "[1,\"a\",3]"), "FP32 data must be numbers, found \"a\"");
        assertBadRequest(fp32("[3]", "[1,true,3]"), "FP32 data must be numbers, found true");
        assertBadRequest(fp32("[3]", "[1,null,3]"), "FP32 data must be numbers, found null");
        assertBadRequest(fp32("[3]", "[1,{\"a\":1},3]"), "FP32 data must be numbers, found {\"a\":1}");
        assertBadRequest(fp32("[2]", "[1,1e40]"), "value 1e40 is outside the FP32 range");
        assertBadRequest(fp32("[2]", "[1," + "9".repeat(50) + "]"), "is outside the FP32 range");
        assertBadRequest(fp32("[60000,1,28,28]", "[0]"), "more than the request's");
        assertBadRequest(fp32("[4611686018427387904,4]", "[0]"), "is too large");
        assertBadRequest("{\"inputs\":[{\"name\":\"x\",\"datatype\":\"INT32\",\"shape\":[1],\"data\":[1]}]}",
                "datatype INT32 is not supported");
        assertBadRequest("{\"inputs\":[{\"name\":\"x\",\"datatype\":\"BYTES\",\"shape\":[2],\"data\":[\"a\",1]}]}",
                "BYTES data must be strings, found 1");
        assertBadRequest("{\"inputs\":[{\"name\":\"x\",\"datatype\":\"BYTES\",\"shape\":[2],\"data\":[\"a\"]}]}",
                "the shape holds 2 elements but \"data\" has 1");
        assertBadRequest("{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1],\"data\":[1]}],"
                + "\"parameters\":{\"top_k\":0}}", "top_k must be a whole number >= 1");
        assertBadRequest("{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1],\"data\":[1]}],"
                + "\"outputs\":{}}", "\"outputs\" must be an array");
        assertBadRequest("{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1],\"data\":[1]}],"
                + "\"outputs\":[{}]}", "every requested output needs a \"name\"");
    }

    static ServingException badBinary(String inputJson, int binaryBytes, String headerLength) {
        byte[] h = ("{\"inputs\":[" + inputJson + "]}").getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[h.length + binaryBytes];
        System.arraycopy(h, 0, body, 0, h.length);
        ServingException e = assertThrows(ServingException.class,
                () -> InferRequest.parse(body, headerLength != null ? headerLength : Integer.toString(h.length)));
        assertEquals(400, e.status());
        return e;
    }

    @Test
    void binaryDataOfTheWrongLengthIsA400NamingTheSizes() {
        String in = "{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1,3],\"parameters\":{\"binary_data_size\":%d}}";
        // Declared 8 bytes for 3 floats (12 bytes).
        assertTrue(badBinary(String.format(in, 8), 8, null).getMessage()
                .contains("holds 3 FP32 values (12 bytes) but binary_data_size is 8"));
        // Declared right, but the body holds less.
        assertTrue(badBinary(String.format(in, 12), 8, null).getMessage()
                .contains("binary_data_size 12 but only 8 bytes of binary data are left in the body"));
        // More bytes than declared.
        assertTrue(badBinary(String.format(in, 12), 16, null).getMessage()
                .contains("4 bytes of binary data follow the last tensor"));
        assertTrue(badBinary(String.format(in, -4), 16, null).getMessage()
                .contains("binary_data_size must be a whole number >= 0"));
        assertTrue(badBinary("{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1,3],\"data\":[1,2,3],"
                + "\"parameters\":{\"binary_data_size\":12}}", 12, null).getMessage()
                .contains("has both \"data\" and parameters.binary_data_size"));
        assertTrue(badBinary(String.format(in, 12), 12, "99999").getMessage().contains("is outside the body"));
        assertTrue(badBinary(String.format(in, 12), 12, "12x").getMessage().contains("is not a number"));
        // BYTES elements whose lengths run past the declared size.
        byte[] h = ("{\"inputs\":[{\"name\":\"x\",\"datatype\":\"BYTES\",\"shape\":[1],"
                + "\"parameters\":{\"binary_data_size\":6}}]}").getBytes(StandardCharsets.UTF_8);
        ByteBuffer body = ByteBuffer.allocate(h.length + 6).order(ByteOrder.LITTLE_ENDIAN);
        body.put(h).putInt(5).put(new byte[] {1, 2});
        ServingException e = assertThrows(ServingException.class,
                () -> InferRequest.parse(body.array(), Integer.toString(h.length)));
        assertTrue(e.getMessage().contains("runs past its binary_data_size"), e.getMessage());
    }
}
