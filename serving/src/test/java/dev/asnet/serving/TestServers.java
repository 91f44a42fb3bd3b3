package dev.asnet.serving;

import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.asnet.runtime.RuntimeOptions;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;

/** The pretrained model, reference runs and a small HTTP client for the serving tests. */
final class TestServers {
    /** The pretrained AS-ResNet20-16x3 shipped in the repository (tests run in the module folder). */
    static final Path PRETRAINED = Path.of("..", "models", "pretrained", "as-resnet20-16x3-fashion-mnist.onnx");
    /** One thread per session: the build machine is small and shared. */
    static final RuntimeOptions OPTIONS = RuntimeOptions.builder().optIntraOpThreads(1).build();
    static final int ROW = 28 * 28;
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private TestServers() {}

    /** Copies the pretrained model into a folder under a short name. */
    static Path model(Path dir, String name) throws IOException {
        Path p = dir.resolve(name + ".onnx");
        Files.copy(PRETRAINED, p);
        return p;
    }

    /** A normalized-looking input row, different for every seed. */
    static float[] row(long seed) {
        Random r = new Random(seed);
        float[] x = new float[ROW];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (r.nextGaussian() * 0.8);
        }
        return x;
    }

    /** A v2 JSON request for rows of the pretrained model's input. */
    static String inferJson(float[]... rows) throws IOException {
        float[] flat = new float[rows.length * ROW];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * ROW, ROW);
        }
        return JSON.writeValueAsString(Map.of("id", "req", "inputs", java.util.List.of(Map.of(
                "name", "input", "datatype", "FP32", "shape", java.util.List.of(rows.length, 1, 28, 28),
                "data", flat))));
    }

    static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return CLIENT.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(String url, String body) throws IOException, InterruptedException {
        return CLIENT.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<byte[]> postBytes(String url, byte[] body, Map<String, String> headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(b::header);
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static JsonNode json(HttpResponse<String> r) throws IOException {
        return JSON.readTree(r.body());
    }

    /** The FP32 data of a response's first output. */
    static float[] outputData(JsonNode response) {
        JsonNode data = response.get("outputs").get(0).get("data");
        float[] out = new float[data.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = data.get(i).floatValue();
        }
        return out;
    }

    /** An error answer is v2 JSON with an "error" message and nothing that looks like a stack trace. */
    static String errorMessage(HttpResponse<String> r) throws IOException {
        JsonNode j = json(r);
        String msg = j.path("error").asText("");
        assertFalse(msg.isEmpty(), "no error message in " + r.body());
        assertFalse(r.body().contains("\tat ") || r.body().contains("at dev.asnet") || r.body().contains("at io.javalin"),
                "stack trace on the wire: " + r.body());
        return msg;
    }
}
