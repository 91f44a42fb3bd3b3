package dev.asnet.bench.serving;

import dev.asnet.serving.ModelServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.HttpRoute;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.ManagedHttpClientConnectionFactory;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.io.ConnectionEndpoint;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.message.BasicHeader;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * The load test's default client ({@code --client apache}): Apache HttpClient 5's classic
 * (blocking) API, one shared client whose pool holds a persistent connection per client thread.
 * Each request runs on the calling thread (the client starts no threads of its own), so all of
 * the load generator's CPU is on the load test's own threads, and there is little of it: about
 * 40-65 us per request on the 2-core build machine, against 200-700 us for the JDK's HttpClient,
 * which hands each request to a selector thread and back (benchmarks/RESULTS.md).
 *
 * <p>Set up so that the figures mean what they say: no automatic retries (a request that fails is
 * a failure of the level, never quietly sent again), no redirects, no cookies, no content
 * decompression, no User-Agent. A connection that sat idle for over a second is checked before
 * it is reused (a check, not a resend), and every connection the pool opens is counted, so that a
 * level which had to reconnect shows it. Loopback only: a host that is not a loopback address is
 * refused both when a sender is opened and by the pool's name resolver.
 */
public final class ApacheSenders implements ServingLoadTest.SenderFactory {
    private final PoolingHttpClientConnectionManager pool;
    private final CloseableHttpClient client;
    private final LongAdder opened = new LongAdder();
    private final int maxPerServer;

    /**
     * A client whose pool holds up to {@code maxPerServer} connections to each server (two servers at
     * once: the load test alternates a batching and a non-batching one).
     *
     * @param maxPerServer the most client threads that will send to one server at once
     */
    public ApacheSenders(int maxPerServer) {
        if (maxPerServer < 1) {
            throw new IllegalArgumentException("the pool needs at least one connection, not " + maxPerServer);
        }
        this.maxPerServer = maxPerServer;
        pool = PoolingHttpClientConnectionManagerBuilder.create()
                .setMaxConnPerRoute(maxPerServer)
                .setMaxConnTotal(2 * maxPerServer)
                .setDnsResolver(LOOPBACK_ONLY)
                .setConnectionFactory(socket -> {
                    opened.increment();
                    return ManagedHttpClientConnectionFactory.INSTANCE.createConnection(socket);
                })
                .setDefaultSocketConfig(SocketConfig.custom().setTcpNoDelay(true)
                        .setSoTimeout(Timeout.ofSeconds(120)).build())
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(Timeout.ofSeconds(10))
                        .setSocketTimeout(Timeout.ofSeconds(120))
                        // Between levels and servers connections sit idle; the server may have closed
                        // them. Checked only then: within a level they are never idle that long.
                        .setValidateAfterInactivity(TimeValue.ofSeconds(1))
                        .build())
                .build();
        client = HttpClients.custom()
                .setConnectionManager(pool)
                .disableAutomaticRetries()
                .disableRedirectHandling()
                .disableContentCompression()
                .disableCookieManagement()
                .disableAuthCaching()
                .disableConnectionState()
                .disableDefaultUserAgent()
                .build();
    }

    /** Resolves names as the system does, and refuses any that is not loopback. */
    static final DnsResolver LOOPBACK_ONLY = new DnsResolver() {
        @Override
        public InetAddress[] resolve(String host) throws UnknownHostException {
            InetAddress[] all = InetAddress.getAllByName(host);
            for (InetAddress a : all) {
                if (!a.isLoopbackAddress()) {
                    throw new UnknownHostException("the load test only sends to a loopback address, not " + host
                            + " (" + a.getHostAddress() + ")");
                }
            }
            return all;
        }

        @Override
        public String resolveCanonicalHostname(String host) throws UnknownHostException {
            return resolve(host)[0].getCanonicalHostName();
        }
    };

    /**
     * The server's address as a target, after checking that it is a loopback address.
     *
     * @throws IOException if the host cannot be resolved or is not a loopback address
     */
    static HttpHost loopbackTarget(String host, int port) throws IOException {
        InetAddress a = InetAddress.getByName(host);
        if (!a.isLoopbackAddress()) {
            throw new IOException("the load test only sends to a loopback address, not " + host);
        }
        // The resolved address goes with the target, so the pool connects to exactly it.
        return new HttpHost("http", a, host, port);
    }

    @Override
    public Sender open(ModelServer server, String path, ServingLoadTest.Payload payload) throws IOException {
        return open(server.config().host(), server.port(), path, payload);
    }

    /**
     * A sender of one fixed request to a server.
     *
     * @param host a loopback address, such as {@code 127.0.0.1}
     * @param port the server's port
     * @param path the request path
     * @param payload the body and its headers
     * @return the sender
     * @throws IOException if the host is not a loopback address
     */
    public Sender open(String host, int port, String path, ServingLoadTest.Payload payload) throws IOException {
        return new Sender(loopbackTarget(host, port), path, payload);
    }

    /**
     * Opens connections to a server until the pool holds {@code connections} to it (at most its
     * size per server), so that a level measures requests, not connection setup.
     */
    @Override
    public void connect(ModelServer server, int connections) throws IOException {
        connect(server.config().host(), server.port(), connections);
    }

    /**
     * As {@link #connect(ModelServer, int)}, by address.
     *
     * @param host a loopback address
     * @param port the server's port
     * @param connections how many connections the pool should hold to it
     * @throws IOException if the server cannot be reached
     */
    public void connect(String host, int port, int connections) throws IOException {
        HttpRoute route = new HttpRoute(loopbackTarget(host, port));
        List<ConnectionEndpoint> leased = new ArrayList<>();
        IOException failure = null;
        try {
            // Lease them all at once: a leased connection is not handed out again, so each lease
            // is another connection (an idle one already there, or a new one).
            for (int i = 0; i < Math.min(connections, maxPerServer); i++) {
                ConnectionEndpoint e = pool.lease("preconnect-" + i, route, Timeout.ofSeconds(10), null)
                        .get(Timeout.ofSeconds(10));
                leased.add(e);
                if (!e.isConnected()) {
                    pool.connect(e, TimeValue.ofSeconds(10), HttpClientContext.create());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = new IOException("interrupted while connecting", e);
        } catch (ExecutionException | TimeoutException e) {
            failure = new IOException("could not lease a connection to " + host + ":" + port, e);
        } catch (IOException e) {
            failure = e;
        } finally {
            for (ConnectionEndpoint e : leased) {
                // Back to the pool as reusable (a connected endpoint) or discarded (one that failed).
                pool.release(e, null, e.isConnected() ? TimeValue.ofMinutes(3) : TimeValue.ZERO_MILLISECONDS);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public long connectionsOpened() {
        return opened.sum();
    }

    @Override
    public void close() {
        client.close(CloseMode.GRACEFUL);
    }

    /** Sends one fixed request; keeps the last answer's body and inference header length. */
    public final class Sender implements ServingLoadTest.Sender {
        private final HttpHost target;
        private final String path;
        private final Header[] headers;
        private final ByteArrayEntity entity;
        private byte[] body = new byte[0];
        private String headerLength;

        private Sender(HttpHost target, String path, ServingLoadTest.Payload payload) {
            this.target = target;
            this.path = path;
            this.headers = payload.headers().entrySet().stream()
                    .map(h -> new BasicHeader(h.getKey(), h.getValue())).toArray(Header[]::new);
            // Content-Type goes with the other headers; the entity is repeatable, so one serves all requests.
            this.entity = new ByteArrayEntity(payload.body(), null);
        }

        @Override
        public int send() throws IOException {
            HttpPost post = new HttpPost(path);
            post.setHeaders(headers);
            post.setEntity(entity);
            return client.execute(target, post, response -> {
                HttpEntity e = response.getEntity();
                body = e == null ? new byte[0] : EntityUtils.toByteArray(e);
                Header h = response.getFirstHeader(dev.asnet.serving.InferRequest.HEADER_LENGTH);
                headerLength = h == null ? null : h.getValue();
                return response.getCode();
            });
        }

        /**
         * The last answer's body.
         *
         * @return the body bytes (empty when it had none)
         */
        public byte[] body() {
            return body;
        }

        /**
         * The last answer's {@code Inference-Header-Content-Length} header.
         *
         * @return its value, or null when the answer had none
         */
        public String inferenceHeaderLength() {
            return headerLength;
        }

        @Override
        public void close() {
            // The connection belongs to the shared pool.
        }
    }
}
