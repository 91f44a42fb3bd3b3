package dev.asnet.bench.serving;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.net.UnknownHostException;
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
 * The load test's default client ({@link ApacheSenders}): against a scripted server
 * (Content-Length, chunked, connection close, a connection dropped after a request, a truncated
 * answer) and against a real {@link ModelServer}, where its answers must be byte for byte what the
 * JDK's HttpClient gets.
 */
class ApacheSendersTest {
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

    static ServingLoadTest.Payload text(String body) {
        return new ServingLoadTest.Payload("text", body.getBytes(StandardCharsets.UTF_8), "text/plain", -1);
    }

    @Test
    void contentLengthChunkedAndClosedConnections() throws Exception {
        String fixed = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nInference-Header-Content-Length: 2\r\n\r\nhello";
        String chunked = "HTTP/1.1 503 Service Unavailable\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "3\r\nabc\r\n4;ext=1\r\ndefg\r\n0\r\nX-Trailer: t\r\n\r\n";
        String closing = "HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 2\r\n\r\nno";
        try (Scripted server = new Scripted(List.of(
                List.of(fixed, chunked, closing),  // three answers on one connection, then it closes
                List.of(fixed)));
                ApacheSenders senders = new ApacheSenders(4)) {
            ApacheSenders.Sender c = senders.open("127.0.0.1", server.port(), "/p", text("body!"));
            assertEquals(200, c.send());
            assertArrayEquals("hello".getBytes(StandardCharsets.UTF_8), c.body());
            assertEquals("2", c.inferenceHeaderLength());
            assertEquals(503, c.send());
            assertArrayEquals("abcdefg".getBytes(StandardCharsets.UTF_8), c.body());
            assertNull(c.inferenceHeaderLength());
            assertEquals(404, c.send());
            assertArrayEquals("no".getBytes(StandardCharsets.UTF_8), c.body());
            assertEquals(1, senders.connectionsOpened());
            assertEquals(200, c.send());  // a new connection, as the server asked to close
            assertEquals(2, senders.connectionsOpened());
            assertEquals(List.of(0, 1), server.connections);
            assertEquals(4, server.requests.size());
            String first = server.requests.get(0);
            assertTrue(first.startsWith("POST /p HTTP/1.1\r\n"), first);
            assertTrue(first.contains("\r\nHost: 127.0.0.1:" + server.port() + "\r\n"), first);
            assertTrue(first.contains("\r\nContent-Type: text/plain\r\n"), first);
            assertTrue(first.contains("\r\nContent-Length: 5\r\n") && first.endsWith("\r\n\r\nbody!"), first);
            // No content decompression asked for, and no User-Agent.
            String lower = first.toLowerCase(java.util.Locale.ROOT);
            assertFalse(lower.contains("accept-encoding") || lower.contains("user-agent"), first);
        }
    }

    @Test
    void aDroppedConnectionIsAFailureNotARetry() throws Exception {
        String fixed = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
        try (Scripted server = new Scripted(List.of(
                Arrays.asList(fixed, (String) null),  // one answer; the next request read, then the connection dropped
                List.of(fixed)));
                ApacheSenders senders = new ApacheSenders(4)) {
            ApacheSenders.Sender c = senders.open("127.0.0.1", server.port(), "/p", text("x"));
            assertEquals(200, c.send());
            assertThrows(IOException.class, c::send);  // not sent again on a new connection
            assertEquals(2, server.requests.size());
            assertEquals(List.of(0), server.connections);
            assertEquals(1, senders.connectionsOpened());
            assertEquals(200, c.send());  // the next request: a new connection, and counted
            assertEquals(2, senders.connectionsOpened());
            assertEquals(List.of(0, 1), server.connections);
            assertEquals(3, server.requests.size());
        }
    }

    @Test
    void aTruncatedAnswerIsAnError() throws Exception {
        try (Scripted server = new Scripted(List.of(
                List.of("HTTP/1.1 200 OK\r\nContent-Length: 10\r\nConnection: close\r\n\r\nshort"),
                List.of("garbage\r\n\r\n")));
                ApacheSenders senders = new ApacheSenders(1)) {
            ApacheSenders.Sender c = senders.open("127.0.0.1", server.port(), "/p", text("x"));
            assertThrows(IOException.class, c::send);
            assertThrows(IOException.class, c::send);
            assertEquals(2, server.requests.size());
        }
    }

    @Test
    void onlyLoopbackAddresses() throws Exception {
        try (ApacheSenders senders = new ApacheSenders(1)) {
            IOException e = assertThrows(IOException.class, () -> senders.open("192.0.2.1", 80, "/", text("")));
            assertTrue(e.getMessage().contains("only sends to a loopback address"), e.getMessage());
            e = assertThrows(IOException.class, () -> senders.connect("192.0.2.1", 80, 1));
            assertTrue(e.getMessage().contains("only sends to a loopback address"), e.getMessage());
        }
        // The pool's own name resolver refuses too (an address literal: nothing is looked up).
        UnknownHostException e = assertThrows(UnknownHostException.class,
                () -> ApacheSenders.LOOPBACK_ONLY.resolve("192.0.2.1"));
        assertTrue(e.getMessage().contains("only sends to a loopback address"), e.getMessage());
        assertTrue(ApacheSenders.LOOPBACK_ONLY.resolve("127.0.0.1")[0].isLoopbackAddress());
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
                .optRuntimeOptions(RuntimeOptions.builder().optIntraOpThreads(1).build()).build());
                ApacheSenders senders = new ApacheSenders(2)) {
            String path = "/v2/models/as-resnet20-16x3-fashion-mnist/infer";
            for (ServingLoadTest.Payload p : payloads.values()) {
                HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(p.body()));
                p.headers().forEach(b::header);
                HttpResponse<byte[]> expected = jdk.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(200, expected.statusCode());
                ApacheSenders.Sender c = senders.open(server, path, p);
                for (int i = 0; i < 3; i++) {  // the same pooled connection, reused
                    assertEquals(200, c.send());
                    assertArrayEquals(expected.body(), c.body(), p.encoding());
                    assertEquals(expected.headers().firstValue(InferRequest.HEADER_LENGTH).orElse(null),
                            c.inferenceHeaderLength());
                }
            }
            assertEquals(1, senders.connectionsOpened());
            // Pre-connecting fills the pool up to the count asked for (one is there already).
            senders.connect(server, 2);
            assertEquals(2, senders.connectionsOpened());
            senders.connect(server, 2);
            assertEquals(2, senders.connectionsOpened());
            // The binary answer really is binary: a JSON header and 10 floats.
            assertTrue(payloads.get("binary").headerLength() > 0);
        }
    }
}
