package dev.asnet.bench.serving;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.asnet.runtime.RuntimeOptions;
import dev.asnet.serving.InferRequest;
import dev.asnet.serving.ModelServer;
import dev.asnet.serving.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The load test's HTTP client: against a scripted server (Content-Length, chunked, connection
 * close, a connection dropped while idle) and against a real {@link ModelServer}, where its
 * answers must be byte for byte what the JDK's HttpClient gets.
 */
class LoopbackHttpClientTest {
    /**
     * A server on loopback answering each request on a connection with the next scripted
     * response; after a script entry of null it closes the connection without answering.
     */
    static final class Scripted implements AutoCloseable {
        final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final List<String> requests = Collections.synchronizedList(new ArrayList<>());
        final List<Integer> connections = Collections.synchronizedList(new ArrayList<>());
        final Thread thread;

        Scripted(List<List<String>> perConnection) throws IOException {
            thread = new Thread(() -> {
                for (int c = 0; c < perConnection.size(); c++) {
                    try (Socket s = socket.accept()) {
                        connections.add(c);
                        InputStream in = s.getInputStream();
                        OutputStream out = s.getOutputStream();
                        for (String response : perConnection.get(c)) {
                            requests.add(readRequest(in));
                            if (response == null) {
                                break;
                            }
                            out.write(response.getBytes(StandardCharsets.ISO_8859_1));
                            out.flush();
                        }
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            thread.start();
        }

        /** Reads a request head and its Content-Length body. */
        static String readRequest(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int state = 0;
            while (state < 4) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("closed");
                }
                head.write(b);
                state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3))
                        ? state + 1 : 0;
            }
            String h = head.toString(StandardCharsets.ISO_8859_1);
            int at = h.toLowerCase().indexOf("content-length: ");
            int n = Integer.parseInt(h.substring(at + 16, h.indexOf('\r', at)).trim());
            return h + new String(in.readNBytes(n), StandardCharsets.ISO_8859_1);
        }

        int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() throws Exception {
            socket.close();
            thread.join(10_000);
        }
    }

    static LoopbackHttpClient client(int port, String body) throws IOException {
        return new LoopbackHttpClient("127.0.0.1", port, "/p", Map.of("Content-Type", "text/plain"),
                body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void contentLengthChunkedAndClosedConnections() throws Exception {
        String fixed = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nInference-Header-Content-Length: 2\r\n\r\nhello";
        String chunked = "HTTP/1.1 503 Service Unavailable\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "3\r\nabc\r\n4;ext=1\r\ndefg\r\n0\r\nX-Trailer: t\r\n\r\n";
        String closing = "HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 2\r\n\r\nno";
        try (Scripted server = new Scripted(List.of(
                List.of(fixed, chunked, closing),  // three answers on one connection, then it closes
                Arrays.asList(fixed, (String) null),  // one answer, then dropped while the client is idle
                List.of(fixed)));
                LoopbackHttpClient c = client(server.port(), "body!")) {
            assertEquals(200, c.send());
            assertArrayEquals("hello".getBytes(StandardCharsets.UTF_8), c.body());
            assertEquals("2", c.inferenceHeaderLength());
            assertEquals(503, c.send());
            assertArrayEquals("abcdefg".getBytes(StandardCharsets.UTF_8), c.body());
            assertNull(c.inferenceHeaderLength());
            assertEquals(404, c.send());
            assertArrayEquals("no".getBytes(StandardCharsets.UTF_8), c.body());
            assertEquals(200, c.send());  // a new connection, as the server asked to close
            assertEquals(200, c.send());  // the server drops it: sent again on a third connection
            assertEquals(List.of(0, 1, 2), server.connections);
            assertEquals(6, server.requests.size());
            String first = server.requests.get(0);
            assertTrue(first.startsWith("POST /p HTTP/1.1\r\nHost: 127.0.0.1:" + server.port() + "\r\n"), first);
            assertTrue(first.contains("Content-Type: text/plain\r\n") && first.endsWith("\r\n\r\nbody!"), first);
        }
    }

    @Test
    void aTruncatedAnswerIsAnError() throws Exception {
        try (Scripted server = new Scripted(List.of(
                List.of("HTTP/1.1 200 OK\r\nContent-Length: 10\r\nConnection: close\r\n\r\nshort"),
                List.of("garbage\r\n\r\n")));
                LoopbackHttpClient c = client(server.port(), "x")) {
            assertThrows(IOException.class, c::send);
            IOException e = assertThrows(IOException.class, c::send);
            assertTrue(e.getMessage().contains("not an HTTP/1.x status line"), e.getMessage());
        }
    }

    @Test
    void onlyLoopbackAddresses() {
        IOException e = assertThrows(IOException.class, () -> new LoopbackHttpClient("192.0.2.1", 80, "/",
                Map.of(), new byte[0]));
        assertTrue(e.getMessage().contains("only sends to a loopback address"), e.getMessage());
    }

    @Test
    void answersMatchTheJdkClientOnARealServer() throws Exception {
        Path model = Path.of("..", "models", "pretrained", "as-resnet20-16x3-fashion-mnist.onnx");
        Random r = new Random(7);
        float[] x = new float[28 * 28];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        Map<String, ServingLoadTest.Payload> payloads = ServingLoadTest.payloads("input", x);
        HttpClient jdk = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try (ModelServer server = ModelServer.start(List.of(model), ServerConfig.builder().optPort(0)
                .optRuntimeOptions(RuntimeOptions.builder().optIntraOpThreads(1).build()).build())) {
            String path = "/v2/models/as-resnet20-16x3-fashion-mnist/infer";
            for (ServingLoadTest.Payload p : payloads.values()) {
                HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(p.body()));
                p.headers().forEach(b::header);
                HttpResponse<byte[]> expected = jdk.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(200, expected.statusCode());
                try (LoopbackHttpClient c = new LoopbackHttpClient("127.0.0.1", server.port(), path, p.headers(),
                        p.body())) {
                    for (int i = 0; i < 3; i++) {  // the same connection, reused
                        assertEquals(200, c.send());
                        assertArrayEquals(expected.body(), c.body(), p.encoding());
                        assertEquals(expected.headers().firstValue(InferRequest.HEADER_LENGTH).orElse(null),
                                c.inferenceHeaderLength());
                    }
                }
            }
            // The binary answer really is binary: a JSON header and 10 floats.
            assertTrue(payloads.get("binary").headerLength() > 0);
        }
    }
}
