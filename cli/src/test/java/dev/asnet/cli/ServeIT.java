package dev.asnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code asnet serve} from the packaged jar: it answers v2 requests and stops gracefully on SIGTERM. */
class ServeIT {
    @TempDir
    Path dir;

    @Test
    void servesUntilTerminated() throws Exception {
        Path model = Files.copy(Jar.ROOT.resolve("models/pretrained/as-resnet20-16x3-fashion-mnist.onnx"),
                dir.resolve("fmnist.onnx"));
        Path err = dir.resolve("err.txt");
        Process p = new ProcessBuilder(Jar.javaBin(), "-jar", Jar.JAR.toString(), "serve", model.toString(),
                "--port", "0", "--threads", "1").directory(dir.toFile()).redirectError(err.toFile()).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String base = null;
            StringBuilder printed = new StringBuilder();
            Pattern listening = Pattern.compile("listening on (http://127\\.0\\.0\\.1:\\d+)");
            for (String line; base == null && (line = out.readLine()) != null; ) {
                printed.append(line).append('\n');
                Matcher m = listening.matcher(line);
                if (m.find()) {
                    base = m.group(1);
                }
            }
            assertTrue(base != null, printed + Files.readString(err));
            assertTrue(printed.toString().contains(base + "/v2/models/fmnist"), printed.toString());
            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<String> ready = client.send(HttpRequest.newBuilder(URI.create(base + "/v2/health/ready"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ready.statusCode());
            String zeros = "[" + "0,".repeat(28 * 28 - 1) + "0]";
            HttpResponse<String> infer = client.send(HttpRequest.newBuilder(URI.create(base + "/v2/models/fmnist/infer"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\","
                            + "\"shape\":[1,1,28,28],\"data\":" + zeros + "}]}")).timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, infer.statusCode(), infer.body());
            assertTrue(infer.body().contains("\"shape\":[1,10]"), infer.body());
            p.destroy();  // SIGTERM: the shutdown hook drains and closes
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "did not stop");
            String stderr = Files.readString(err);
            assertFalse(stderr.contains("Exception") || stderr.contains("\tat "), stderr);
            assertFalse(stderr.contains("SLF4J"), stderr);
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void aBrokenModelStopsItFromStarting() throws Exception {
        Path bad = Files.write(dir.resolve("broken.onnx"), new byte[] {1, 2, 3});
        Jar.Proc r = Jar.run(dir, java.util.Map.of(), List.of(Jar.javaBin(), "-jar", Jar.JAR.toString(), "serve",
                bad.toString(), "--port", "0"), 60);
        assertEquals(ExitCodes.FILE_PROBLEM, r.exitCode(), r.toString());
        assertTrue(r.err().startsWith("asnet: error: ") && r.err().contains("broken.onnx"), r.err());
    }
}
