package dev.asnet.serving;

import static dev.asnet.serving.TestServers.JSON;
import static dev.asnet.serving.TestServers.OPTIONS;
import static dev.asnet.serving.TestServers.ROW;
import static dev.asnet.serving.TestServers.errorMessage;
import static dev.asnet.serving.TestServers.get;
import static dev.asnet.serving.TestServers.inferJson;
import static dev.asnet.serving.TestServers.json;
import static dev.asnet.serving.TestServers.outputData;
import static dev.asnet.serving.TestServers.post;
import static dev.asnet.serving.TestServers.postBytes;
import static dev.asnet.serving.TestServers.row;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.asnet.runtime.AsnetModel;
import dev.asnet.runtime.FloatTensor;
import dev.asnet.runtime.vision.ImageClassifier;
import dev.asnet.runtime.vision.Prediction;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every endpoint and error code of one server holding two models (the pretrained network under
 * two names), each answer compared with the same model run directly.
 */
class ModelServerTest {
    /** Small, so that a 413 needs no large upload. */
    static final long BODY_LIMIT = 256 * 1024;

    @TempDir
    static Path dir;

    static ModelServer server;
    static AsnetModel reference;
    static String base;

    @BeforeAll
    static void start() throws Exception {
        ServerConfig config = ServerConfig.builder().optPort(0).optMaxBatch(16).optMaxDelay(Duration.ofMillis(5))
                .optQueue(64).optMaxBodyBytes(BODY_LIMIT).optRuntimeOptions(OPTIONS).build();
        server = ModelServer.start(List.of(TestServers.model(dir, "fmnist"), TestServers.model(dir, "second")),
                config);
        base = server.baseUrl();
        reference = AsnetModel.open(TestServers.PRETRAINED, OPTIONS);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (reference != null) {
            reference.close();
        }
    }

    static float[] direct(float[] row) throws Exception {
        return reference.run(FloatTensor.of(row, 1, 1, 28, 28)).data();
    }

    static void assertClose(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-4f * Math.max(1f, Math.abs(expected[i])), "element " + i);
        }
    }

    @Test
    void healthEndpoints() throws Exception {
        HttpResponse<String> live = get(base + "/v2/health/live");
        assertEquals(200, live.statusCode());
        assertTrue(json(live).get("live").asBoolean());
        HttpResponse<String> ready = get(base + "/v2/health/ready");
        assertEquals(200, ready.statusCode());
        assertTrue(json(ready).get("ready").asBoolean());
        assertEquals("application/json", live.headers().firstValue("Content-Type").orElse(""));
    }

    @Test
    void serverMetadata() throws Exception {
        JsonNode j = json(get(base + "/v2"));
        assertEquals("asnet", j.get("name").asText());
        assertEquals("binary_tensor_data", j.get("extensions").get(0).asText());
    }

    @Test
    void modelMetadataComesFromTheModel() throws Exception {
        for (String path : List.of("/v2/models/fmnist", "/v2/models/fmnist/versions/1")) {
            HttpResponse<String> r = get(base + path);
            assertEquals(200, r.statusCode(), r.body());
            JsonNode j = json(r);
            assertEquals("fmnist", j.get("name").asText());
            assertEquals("1", j.get("versions").get(0).asText());
            JsonNode in = j.get("inputs").get(0);
            assertEquals(reference.input().name(), in.get("name").asText());
            assertEquals("FP32", in.get("datatype").asText());
            assertEquals("[-1,1,28,28]", in.get("shape").toString());
            JsonNode out = j.get("outputs").get(0);
            assertEquals(reference.output().name(), out.get("name").asText());
            assertEquals("FP32", out.get("datatype").asText());
            assertEquals("[-1,10]", out.get("shape").toString());
        }
    }

    @Test
    void modelReady() throws Exception {
        for (String path : List.of("/v2/models/second/ready", "/v2/models/second/versions/1/ready")) {
            HttpResponse<String> r = get(base + path);
            assertEquals(200, r.statusCode());
            assertEquals("second", json(r).get("name").asText());
            assertTrue(json(r).get("ready").asBoolean());
        }
    }

    @Test
    void inferJsonOneRowMatchesTheModelRunDirectly() throws Exception {
        float[] x = row(1);
        HttpResponse<String> r = post(base + "/v2/models/fmnist/infer", inferJson(x));
        assertEquals(200, r.statusCode(), r.body());
        JsonNode j = json(r);
        assertEquals("fmnist", j.get("model_name").asText());
        assertEquals("req", j.get("id").asText());
        JsonNode out = j.get("outputs").get(0);
        assertEquals(reference.output().name(), out.get("name").asText());
        assertEquals("FP32", out.get("datatype").asText());
        assertEquals("[1,10]", out.get("shape").toString());
        assertClose(direct(x), outputData(j));
    }

    @Test
    void inferSeveralRowsNestedDataAndVersionPath() throws Exception {
        float[][] rows = {row(2), row(3), row(4)};
        // Nested arrays as the shape, instead of flat data: accepted too.
        List<Object> nested = new ArrayList<>();
        for (float[] r : rows) {
            List<Object> img = new ArrayList<>();
            List<Object> plane = new ArrayList<>();
            for (int y = 0; y < 28; y++) {
                List<Float> line = new ArrayList<>();
                for (int x = 0; x < 28; x++) {
                    line.add(r[y * 28 + x]);
                }
                plane.add(line);
            }
            img.add(plane);
            nested.add(img);
        }
        String body = JSON.writeValueAsString(Map.of("inputs", List.of(Map.of("name", reference.input().name(),
                "datatype", "FP32", "shape", List.of(3, 1, 28, 28), "data", nested))));
        HttpResponse<String> r = post(base + "/v2/models/second/versions/1/infer", body);
        assertEquals(200, r.statusCode(), r.body());
        JsonNode j = json(r);
        assertEquals("[3,10]", j.get("outputs").get(0).get("shape").toString());
        float[] out = outputData(j);
        for (int i = 0; i < 3; i++) {
            float[] mine = java.util.Arrays.copyOfRange(out, i * 10, i * 10 + 10);
            assertClose(direct(rows[i]), mine);
        }
    }

    @Test
    void binaryTensorDataInAndOut() throws Exception {
        float[][] rows = {row(5), row(6)};
        String header = JSON.writeValueAsString(Map.of(
                "inputs", List.of(Map.of("name", "input", "datatype", "FP32", "shape", List.of(2, 1, 28, 28),
                        "parameters", Map.of("binary_data_size", 2 * ROW * 4))),
                "outputs", List.of(Map.of("name", reference.output().name(),
                        "parameters", Map.of("binary_data", true)))));
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer body = ByteBuffer.allocate(h.length + 2 * ROW * 4).order(ByteOrder.LITTLE_ENDIAN);
        body.put(h);
        for (float[] r : rows) {
            for (float v : r) {
                body.putFloat(v);
            }
        }
        HttpResponse<byte[]> r = postBytes(base + "/v2/models/fmnist/infer", body.array(),
                Map.of(InferRequest.HEADER_LENGTH, Integer.toString(h.length),
                        "Content-Type", "application/octet-stream"));
        assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
        int jsonLength = Integer.parseInt(r.headers().firstValue(InferRequest.HEADER_LENGTH).orElseThrow());
        JsonNode j = JSON.readTree(new String(r.body(), 0, jsonLength, StandardCharsets.UTF_8));
        JsonNode out = j.get("outputs").get(0);
        assertEquals(80, out.get("parameters").get("binary_data_size").asInt());
        assertTrue(out.get("data") == null);
        ByteBuffer data = ByteBuffer.wrap(r.body(), jsonLength, r.body().length - jsonLength)
                .order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(80, data.remaining());
        for (float[] row : rows) {
            float[] mine = new float[10];
            for (int k = 0; k < 10; k++) {
                mine[k] = data.getFloat();
            }
            assertClose(direct(row), mine);
        }
    }

    static byte[] png(BufferedImage image) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        ImageIO.write(image, "png", b);
        return b.toByteArray();
    }

    static BufferedImage image(long seed, int w, int h) {
        Random r = new Random(seed);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, r.nextInt(1 << 24));
            }
        }
        return img;
    }

    @Test
    void imagesAsBase64AreClassifiedAsImageClassifierDoes() throws Exception {
        BufferedImage a = image(7, 28, 28);
        BufferedImage b = image(8, 50, 40);  // scaled and cropped by the model's own preprocessing
        String body = JSON.writeValueAsString(Map.of("parameters", Map.of("top_k", 3), "inputs", List.of(Map.of(
                "name", "image", "datatype", "BYTES", "shape", List.of(2),
                "data", List.of(Base64.getEncoder().encodeToString(png(a)),
                        Base64.getEncoder().encodeToString(png(b)))))));
        HttpResponse<String> r = post(base + "/v2/models/fmnist/infer", body);
        assertEquals(200, r.statusCode(), r.body());
        JsonNode outs = json(r).get("outputs");
        assertEquals("labels", outs.get(0).get("name").asText());
        assertEquals("BYTES", outs.get(0).get("datatype").asText());
        assertEquals("[2,3]", outs.get(0).get("shape").toString());
        assertEquals("probabilities", outs.get(1).get("name").asText());
        assertEquals("classes", outs.get(2).get("name").asText());
        assertEquals("INT64", outs.get(2).get("datatype").asText());
        ImageClassifier classifier = ImageClassifier.of(reference);
        List<BufferedImage> images = List.of(a, b);
        for (int i = 0; i < 2; i++) {
            List<Prediction> expected = classifier.classify(images.get(i), 3);
            for (int k = 0; k < 3; k++) {
                assertEquals(expected.get(k).label(), outs.get(0).get("data").get(i * 3 + k).asText());
                assertEquals(expected.get(k).probability(), outs.get(1).get("data").get(i * 3 + k).floatValue(), 1e-4);
                assertEquals(expected.get(k).index(), outs.get(2).get("data").get(i * 3 + k).asInt());
            }
        }
    }

    @Test
    void imagesAsBinaryData() throws Exception {
        byte[] img = png(image(9, 28, 28));
        String header = JSON.writeValueAsString(Map.of("inputs", List.of(Map.of("name", "image",
                "datatype", "BYTES", "shape", List.of(1), "parameters", Map.of("binary_data_size", 4 + img.length)))));
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer body = ByteBuffer.allocate(h.length + 4 + img.length).order(ByteOrder.LITTLE_ENDIAN);
        body.put(h).putInt(img.length).put(img);
        HttpResponse<byte[]> r = postBytes(base + "/v2/models/fmnist/infer", body.array(),
                Map.of(InferRequest.HEADER_LENGTH, Integer.toString(h.length)));
        assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
        JsonNode outs = JSON.readTree(r.body()).get("outputs");
        assertEquals("[1,5]", outs.get(0).get("shape").toString());
        Prediction best = ImageClassifier.of(reference).classify(image(9, 28, 28), 1).get(0);
        assertEquals(best.label(), outs.get(0).get("data").get(0).asText());
    }

    /** Distinct inputs sent at once: each answer is its own input's, never a neighbour's in the batch. */
    @Test
    void concurrentClientsEachGetTheirOwnRows() throws Exception {
        int clients = 24;
        CyclicBarrier start = new CyclicBarrier(clients);
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<float[]>> answers = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                long seed = 100 + c;
                int rows = 1 + c % 3;
                Callable<float[]> call = () -> {
                    float[][] x = new float[rows][];
                    for (int i = 0; i < rows; i++) {
                        x[i] = row(seed * 10 + i);
                    }
                    start.await();
                    HttpResponse<String> r = post(base + "/v2/models/fmnist/infer", inferJson(x));
                    assertEquals(200, r.statusCode(), r.body());
                    return outputData(json(r));
                };
                answers.add(pool.submit(call));
            }
            for (int c = 0; c < clients; c++) {
                float[] out = answers.get(c).get();
                int rows = 1 + c % 3;
                assertEquals(rows * 10, out.length);
                for (int i = 0; i < rows; i++) {
                    float[] expected = direct(row((100 + c) * 10L + i));
                    assertClose(expected, java.util.Arrays.copyOfRange(out, i * 10, i * 10 + 10));
                }
            }
        } finally {
            pool.shutdownNow();
        }
        String metrics = get(base + "/metrics").body();
        assertTrue(metrics.contains("asnet_batch_size_bucket{model=\"fmnist\""), metrics);
    }

    /** A binary tensor data request for rows of the pretrained model's input. */
    static byte[] binaryBody(boolean binaryOutput, float[]... rows) throws Exception {
        Map<String, Object> request = new java.util.LinkedHashMap<>();
        request.put("inputs", List.of(Map.of("name", "input", "datatype", "FP32", "shape", List.of(rows.length, 1, 28, 28),
                "parameters", Map.of("binary_data_size", rows.length * ROW * 4))));
        request.put("parameters", Map.of("binary_data_output", binaryOutput));
        byte[] h = JSON.writeValueAsBytes(request);
        ByteBuffer body = ByteBuffer.allocate(h.length + rows.length * ROW * 4).order(ByteOrder.LITTLE_ENDIAN);
        body.put(h);
        for (float[] r : rows) {
            body.asFloatBuffer().put(r);
            body.position(body.position() + ROW * 4);
        }
        return body.array();
    }

    static int headerLength(byte[] body) {
        // The JSON header ends where its outermost object closes (the test headers hold no braces in
        // strings); the floats after it are not looked at.
        int depth = 0;
        for (int i = 0; i < body.length; i++) {
            if (body[i] == '{') {
                depth++;
            } else if (body[i] == '}' && --depth == 0) {
                return i + 1;
            }
        }
        throw new IllegalArgumentException("no JSON header");
    }

    static HttpResponse<byte[]> postBinary(String url, byte[] body) throws Exception {
        return postBytes(url, body, Map.of(InferRequest.HEADER_LENGTH, Integer.toString(headerLength(body)),
                "Content-Type", "application/octet-stream"));
    }

    /** The FP32 output of a response with its output as binary data. */
    static float[] binaryOutput(HttpResponse<byte[]> r) {
        int jsonLength = Integer.parseInt(r.headers().firstValue(InferRequest.HEADER_LENGTH).orElseThrow());
        ByteBuffer data = ByteBuffer.wrap(r.body(), jsonLength, r.body().length - jsonLength)
                .order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[data.remaining() / 4];
        data.asFloatBuffer().get(out);
        return out;
    }

    @Test
    void binaryInputWithJsonOutput() throws Exception {
        float[] x = row(21);
        HttpResponse<byte[]> r = postBinary(base + "/v2/models/fmnist/infer", binaryBody(false, x));
        assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
        assertTrue(r.headers().firstValue(InferRequest.HEADER_LENGTH).isEmpty());
        JsonNode j = JSON.readTree(r.body());
        assertEquals("[1,10]", j.get("outputs").get(0).get("shape").toString());
        assertClose(direct(x), outputData(j));
    }

    /** JSON and binary requests at once, so that batches mix them: each answer is its own input's. */
    @Test
    void concurrentJsonAndBinaryClientsEachGetTheirOwnRows() throws Exception {
        int clients = 16;
        CyclicBarrier start = new CyclicBarrier(clients);
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<float[]>> answers = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                long seed = 300 + c;
                int rows = 1 + c % 2;
                boolean binary = c % 2 == 0;
                Callable<float[]> call = () -> {
                    float[][] x = new float[rows][];
                    for (int i = 0; i < rows; i++) {
                        x[i] = row(seed * 10 + i);
                    }
                    start.await();
                    float[] all = new float[0];
                    for (int k = 0; k < 5; k++) {
                        if (binary) {
                            HttpResponse<byte[]> r = postBinary(base + "/v2/models/fmnist/infer", binaryBody(true, x));
                            assertEquals(200, r.statusCode());
                            all = binaryOutput(r);
                        } else {
                            HttpResponse<String> r = post(base + "/v2/models/fmnist/infer", inferJson(x));
                            assertEquals(200, r.statusCode(), r.body());
                            all = outputData(json(r));
                        }
                    }
                    return all;
                };
                answers.add(pool.submit(call));
            }
            for (int c = 0; c < clients; c++) {
                float[] out = answers.get(c).get();
                int rows = 1 + c % 2;
                assertEquals(rows * 10, out.length);
                for (int i = 0; i < rows; i++) {
                    assertClose(direct(row((300 + c) * 10L + i)), java.util.Arrays.copyOfRange(out, i * 10, i * 10 + 10));
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void binaryDataOfTheWrongLengthGets400NamingTheSizes() throws Exception {
        String url = base + "/v2/models/fmnist/infer";
        byte[] good = binaryBody(true, row(31));
        int h = headerLength(good);
        // The floats cut short by 4 bytes.
        HttpResponse<byte[]> shortBody = postBytes(url, java.util.Arrays.copyOf(good, good.length - 4),
                Map.of(InferRequest.HEADER_LENGTH, Integer.toString(h)));
        assertEquals(400, shortBody.statusCode());
        String msg = new String(shortBody.body(), StandardCharsets.UTF_8);
        assertTrue(msg.contains("binary_data_size 3136 but only 3132 bytes of binary data are left"), msg);
        // 4 bytes too many.
        HttpResponse<byte[]> longBody = postBytes(url, java.util.Arrays.copyOf(good, good.length + 4),
                Map.of(InferRequest.HEADER_LENGTH, Integer.toString(h)));
        assertEquals(400, longBody.statusCode());
        msg = new String(longBody.body(), StandardCharsets.UTF_8);
        assertTrue(msg.contains("4 bytes of binary data follow the last tensor"), msg);
        // A size that does not match the shape.
        String header = JSON.writeValueAsString(Map.of("inputs", List.of(Map.of("name", "input", "datatype", "FP32",
                "shape", List.of(1, 1, 28, 28), "parameters", Map.of("binary_data_size", 3000)))));
        byte[] hb = header.getBytes(StandardCharsets.UTF_8);
        byte[] body = java.util.Arrays.copyOf(hb, hb.length + 3000);
        HttpResponse<byte[]> wrong = postBytes(url, body, Map.of(InferRequest.HEADER_LENGTH, Integer.toString(hb.length)));
        assertEquals(400, wrong.statusCode());
        msg = new String(wrong.body(), StandardCharsets.UTF_8);
        assertTrue(msg.contains("holds 784 FP32 values (3136 bytes) but binary_data_size is 3000"), msg);
        // The right size, but a shape the model does not take.
        header = JSON.writeValueAsString(Map.of("inputs", List.of(Map.of("name", "input", "datatype", "FP32",
                "shape", List.of(1, 1, 28, 27), "parameters", Map.of("binary_data_size", 28 * 27 * 4)))));
        hb = header.getBytes(StandardCharsets.UTF_8);
        body = java.util.Arrays.copyOf(hb, hb.length + 28 * 27 * 4);
        HttpResponse<byte[]> shape = postBytes(url, body, Map.of(InferRequest.HEADER_LENGTH, Integer.toString(hb.length)));
        assertEquals(400, shape.statusCode());
        assertTrue(new String(shape.body(), StandardCharsets.UTF_8).contains("wrong shape"));
    }

    @Test
    void badRequestsGet400WithAMessage() throws Exception {
        String url = base + "/v2/models/fmnist/infer";
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("{not json", "malformed JSON");
        cases.put("[1,2]", "JSON object");
        cases.put("{}", "no \"inputs\"");
        cases.put("{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,1,28,27],\"data\":"
                + zeros(28 * 27) + "}]}", "wrong shape");
        cases.put("{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,1,28,28],\"data\":"
                + zeros(700) + "}]}", "holds 784 values but \"data\" has 700");
        cases.put("{\"inputs\":[{\"name\":\"input\",\"datatype\":\"INT32\",\"shape\":[1,1,28,28],\"data\":"
                + zeros(784) + "}]}", "datatype INT32 is not supported");
        cases.put("{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,1,28,28],\"data\":[\"a\"" + ",0".repeat(783) + "]}]}",
                "must be numbers");
        cases.put("{\"inputs\":[{\"name\":\"nope\",\"datatype\":\"FP32\",\"shape\":[1,1,28,28],\"data\":"
                + zeros(784) + "}]}", "has no input 'nope'");
        cases.put("{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[0,1,28,28],\"data\":[]}]}",
                "at least one row");
        cases.put("{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,1,28,28],\"data\":"
                + zeros(784) + "}],\"outputs\":[{\"name\":\"other\"}]}", "has no output 'other'");
        cases.put("{\"inputs\":[{\"name\":\"image\",\"datatype\":\"BYTES\",\"shape\":[1],\"data\":[\"%%%\"]}]}",
                "not base64");
        cases.put("{\"inputs\":[{\"name\":\"image\",\"datatype\":\"BYTES\",\"shape\":[1],\"data\":[\""
                + Base64.getEncoder().encodeToString("hello".getBytes(StandardCharsets.UTF_8)) + "\"]}]}",
                "not a PNG, JPEG or BMP image");
        cases.put("{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,1,28,28],\"data\":[1e40"
                + ",0".repeat(783) + "]}]}", "outside the FP32 range");
        cases.put("{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[60000,1,28,28],\"data\":[0]}]}",
                "more than the request's");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            HttpResponse<String> r = post(url, c.getKey());
            assertEquals(400, r.statusCode(), c.getKey() + " -> " + r.body());
            String msg = errorMessage(r);
            assertTrue(msg.contains(c.getValue()), "'" + c.getValue() + "' not in: " + msg);
        }
        // The binary extension's header must fit the body.
        HttpResponse<byte[]> r = postBytes(url, "{}".getBytes(StandardCharsets.UTF_8),
                Map.of(InferRequest.HEADER_LENGTH, "99"));
        assertEquals(400, r.statusCode());
        assertTrue(new String(r.body(), StandardCharsets.UTF_8).contains("outside the body"));
    }

    static String zeros(int n) {
        return "[" + "0,".repeat(n - 1) + "0]";
    }

    @Test
    void unknownModelVersionOrPathGet404() throws Exception {
        HttpResponse<String> r = post(base + "/v2/models/nope/infer", inferJson(row(1)));
        assertEquals(404, r.statusCode());
        assertTrue(errorMessage(r).contains("unknown model 'nope'; this server serves: fmnist, second"));
        assertEquals(404, get(base + "/v2/models/nope").statusCode());
        assertEquals(404, get(base + "/v2/models/fmnist/versions/2").statusCode());
        HttpResponse<String> path = get(base + "/v2/nothing/here");
        assertEquals(404, path.statusCode());
        assertTrue(errorMessage(path).contains("no such endpoint"));
    }

    @Test
    void theWrongMethodGets405() throws Exception {
        HttpResponse<String> r = get(base + "/v2/models/fmnist/infer");
        assertEquals(405, r.statusCode(), r.body());
        assertTrue(errorMessage(r).contains("method GET is not allowed on /v2/models/fmnist/infer"), r.body());
    }

    @Test
    void oversizedBodiesGet413() throws Exception {
        float[][] rows = new float[40][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = row(i);
        }
        String body = inferJson(rows);
        assertTrue(body.length() > BODY_LIMIT);
        HttpResponse<String> r = post(base + "/v2/models/fmnist/infer", body);
        assertEquals(413, r.statusCode());
        assertTrue(errorMessage(r).contains("larger than the server's limit of " + BODY_LIMIT + " bytes"));
        // The server is fine afterwards.
        assertEquals(200, post(base + "/v2/models/fmnist/infer", inferJson(row(1))).statusCode());
    }

    @Test
    void metricsInPrometheusFormat() throws Exception {
        post(base + "/v2/models/second/infer", inferJson(row(11)));
        post(base + "/v2/models/second/infer", "{oops");
        HttpResponse<String> r = get(base + "/metrics");
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        String m = r.body();
        for (String expected : List.of("asnet_requests_total{model=\"second\"}", "asnet_errors_total{code=\"400\"}",
                "asnet_batch_size_bucket{model=\"second\",le=\"1.0\"}", "asnet_queue_depth{model=\"second\"}",
                "asnet_request_latency_seconds_bucket{model=\"second\"", "asnet_batch_run_seconds_count{model=\"second\"}")) {
            assertTrue(m.contains(expected), expected + " missing from\n" + m);
        }
    }
}
