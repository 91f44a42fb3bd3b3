package dev.asnet.bench.serving;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * A minimal blocking HTTP/1.1 client for the load test: one persistent connection to a loopback
 * address, one request at a time, on the calling thread. The request (line, headers and body) is
 * built once and written with one call; the answer's status line and headers are parsed and its
 * body read (Content-Length or chunked) into a reused buffer.
 *
 * <p>Why not the JDK's {@code HttpClient}: it hands every request to a selector thread and back
 * through futures, which on a 2-core machine costs about as much CPU as the server's own request
 * handling, and the load generator shares the cores with the server. This client spends a few
 * microseconds per request. It refuses anything but a loopback address, so the load test can
 * never load another machine.
 *
 * <p>Not thread-safe: one per client thread.
 */
public final class LoopbackHttpClient implements Closeable {
    /** The largest response header block accepted. */
    private static final int MAX_HEADER_BYTES = 64 << 10;
    /** The largest response body accepted. */
    private static final int MAX_BODY_BYTES = 64 << 20;

    private final InetSocketAddress address;
    private final byte[] request;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    /** What was read from the socket and not yet consumed: buf[pos, limit). */
    private final byte[] buf = new byte[16 << 10];
    private int pos;
    private int limit;
    private byte[] body = new byte[16 << 10];
    private int bodyLength;
    private final StringBuilder line = new StringBuilder(128);
    private String headerLength;
    private int retries;

    /**
     * A client that POSTs one fixed request.
     *
     * @param host a loopback address, such as {@code 127.0.0.1}
     * @param port the server's port
     * @param path the request path, such as {@code /v2/models/m/infer}
     * @param headers extra request headers (Content-Type, ...)
     * @param requestBody the body, sent on every {@link #send()}
     * @throws IOException if the host cannot be resolved or is not a loopback address
     */
    public LoopbackHttpClient(String host, int port, String path, Map<String, String> headers, byte[] requestBody)
            throws IOException {
        InetAddress a = InetAddress.getByName(host);
        if (!a.isLoopbackAddress()) {
            throw new IOException("the load test only sends to a loopback address, not " + host);
        }
        this.address = new InetSocketAddress(a, port);
        StringBuilder h = new StringBuilder();
        h.append("POST ").append(path).append(" HTTP/1.1\r\n");
        h.append("Host: ").append(host.contains(":") ? "[" + host + "]" : host).append(':').append(port).append("\r\n");
        for (Map.Entry<String, String> e : headers.entrySet()) {
            h.append(e.getKey()).append(": ").append(e.getValue()).append("\r\n");
        }
        h.append("Content-Length: ").append(requestBody.length).append("\r\n\r\n");
        byte[] head = h.toString().getBytes(StandardCharsets.ISO_8859_1);
        request = new byte[head.length + requestBody.length];
        System.arraycopy(head, 0, request, 0, head.length);
        System.arraycopy(requestBody, 0, request, head.length, requestBody.length);
    }

    /**
     * Sends the request and reads the whole answer. A connection the server closed while idle is
     * reopened once and the request sent again (it is the same request every time).
     *
     * @return the answer's status code
     * @throws IOException if the exchange fails or the answer is not HTTP/1.1 as this client reads it
     */
    public int send() throws IOException {
        boolean reused = socket != null;
        try {
            return exchange();
        } catch (IOException e) {
            close();
            if (!reused) {
                throw e;
            }
            retries++;
            return exchange();
        }
    }

    /**
     * Opens the connection now, if it is not open (the load test connects every client before it
     * starts the clock, so that a level measures requests, not connection setup).
     *
     * @throws IOException if the server cannot be reached
     */
    public void connect() throws IOException {
        if (socket == null) {
            Socket s = new Socket();
            s.setTcpNoDelay(true);
            s.connect(address, 10_000);
            s.setSoTimeout(120_000);
            socket = s;
            in = s.getInputStream();
            pos = 0;
            limit = 0;
            out = s.getOutputStream();
        }
    }

    private int exchange() throws IOException {
        connect();
        out.write(request);
        out.flush();
        return readResponse();
    }

    private int readResponse() throws IOException {
        String status = readLine();
        // "HTTP/1.1 200 OK"
        if (!status.startsWith("HTTP/1.") || status.length() < 12) {
            throw new IOException("not an HTTP/1.x status line: " + status);
        }
        int code;
        try {
            code = Integer.parseInt(status.substring(9, 12));
        } catch (NumberFormatException e) {
            throw new IOException("bad status line: " + status, e);
        }
        long contentLength = -1;
        boolean chunked = false;
        boolean closeAfter = status.startsWith("HTTP/1.0");
        headerLength = null;
        int headerBytes = status.length();
        for (String h = readLine(); !h.isEmpty(); h = readLine()) {
            headerBytes += h.length();
            if (headerBytes > MAX_HEADER_BYTES) {
                throw new IOException("response headers longer than " + MAX_HEADER_BYTES + " bytes");
            }
            int colon = h.indexOf(':');
            if (colon <= 0) {
                throw new IOException("bad header line: " + h);
            }
            String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = h.substring(colon + 1).trim();
            switch (name) {
                case "content-length" -> contentLength = Long.parseLong(value);
                case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                case "connection" -> closeAfter = value.equalsIgnoreCase("close");
                case "inference-header-content-length" -> headerLength = value;
                default -> { }
            }
        }
        bodyLength = 0;
        if (chunked) {
            readChunked();
        } else if (contentLength >= 0) {
            if (contentLength > MAX_BODY_BYTES) {
                throw new IOException("response body of " + contentLength + " bytes is too large");
            }
            readBody((int) contentLength);
        } else {
            // Neither: the body runs until the server closes the connection.
            readToEnd();
            closeAfter = true;
        }
        if (closeAfter) {
            close();
        }
        return code;
    }

    private void readChunked() throws IOException {
        while (true) {
            String sizeLine = readLine();
            int semi = sizeLine.indexOf(';');
            int size;
            try {
                size = Integer.parseInt((semi >= 0 ? sizeLine.substring(0, semi) : sizeLine).trim(), 16);
            } catch (NumberFormatException e) {
                throw new IOException("bad chunk size line: " + sizeLine, e);
            }
            if (size < 0 || bodyLength + (long) size > MAX_BODY_BYTES) {
                throw new IOException("bad or too large chunk of " + size + " bytes");
            }
            if (size == 0) {
                // Trailers, up to the empty line.
                while (!readLine().isEmpty()) {
                    // skipped
                }
                return;
            }
            readBody(size);
            if (!readLine().isEmpty()) {
                throw new IOException("a chunk does not end with CRLF");
            }
        }
    }

    /** Appends exactly n bytes to the body. */
    private void readBody(int n) throws IOException {
        ensure(bodyLength + n);
        int buffered = Math.min(n, limit - pos);
        System.arraycopy(buf, pos, body, bodyLength, buffered);
        pos += buffered;
        int got = buffered + in.readNBytes(body, bodyLength + buffered, n - buffered);
        if (got < n) {
            throw new EOFException("the connection closed after " + got + " of " + n + " body bytes");
        }
        bodyLength += n;
    }

    private void readToEnd() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(buf, pos, limit - pos);
        pos = limit;
        in.transferTo(b);
        if (b.size() > MAX_BODY_BYTES) {
            throw new IOException("response body too large");
        }
        ensure(b.size());
        System.arraycopy(b.toByteArray(), 0, body, 0, b.size());
        bodyLength = b.size();
    }

    private void ensure(int capacity) {
        if (capacity > body.length) {
            body = java.util.Arrays.copyOf(body, Math.max(capacity, body.length * 2));
        }
    }

    /** One header line, without its CRLF (ISO-8859-1, as HTTP header bytes are). */
    private String readLine() throws IOException {
        line.setLength(0);
        while (true) {
            if (pos == limit) {
                int n = in.read(buf, 0, buf.length);
                if (n < 0) {
                    throw new EOFException("the connection closed in the middle of the response head");
                }
                pos = 0;
                limit = n;
                continue;
            }
            int b = buf[pos++] & 0xff;
            if (b == '\n') {
                int n = line.length();
                if (n > 0 && line.charAt(n - 1) == '\r') {
                    line.setLength(n - 1);
                }
                return line.toString();
            }
            if (line.length() >= MAX_HEADER_BYTES) {
                throw new IOException("response line longer than " + MAX_HEADER_BYTES + " bytes");
            }
            line.append((char) b);
        }
    }

    /**
     * The last answer's body (valid until the next {@link #send()}).
     *
     * @return a copy of the body bytes
     */
    public byte[] body() {
        return java.util.Arrays.copyOf(body, bodyLength);
    }

    /**
     * The last answer's {@code Inference-Header-Content-Length} header.
     *
     * @return its value, or null when the answer had none
     */
    public String inferenceHeaderLength() {
        return headerLength;
    }

    /**
     * How many requests were sent again on a new connection after their reused connection failed:
     * normally none (a server closes idle connections only after its idle timeout); the load test
     * reports them, since a request stuck until the server's idle timeout shows up here.
     *
     * @return the count so far
     */
    public int retries() {
        return retries;
    }

    /** Closes the connection; the next {@link #send()} opens a new one. */
    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing a loopback socket: nothing to do about it
            }
            socket = null;
            in = null;
            out = null;
        }
    }
}
