package io.fulmen.mlflow;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import org.mlflow.api.proto.Service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server on 127.0.0.1 that speaks the MLflow 2.17 tracking REST API (the subset the logger uses) with
 * MLflow's own protobuf messages as the schema, plus {@code mlflow server}'s proxied artifact API. Requests are parsed
 * strictly: a field unknown to MLflow's schema is answered with 400.
 *
 * <p>Tests control it (stop, restart on the same port, injected failures, required credentials) and read what it
 * recorded (requests, experiments, runs with every metric point and status change, artifacts). Everything it hands
 * out is a snapshot.
 */
public final class MlflowTestServer implements AutoCloseable {
    private static final InetAddress LOOPBACK = loopback();
    private static final long REBIND_TIMEOUT_MS = 2_000;
    private static final String LOG_BATCH_PATH = MlflowTestServerApi.API + "runs/log-batch";

    static {
        // The JDK server writes a response's headers and body in two segments: with Nagle's algorithm against the
        // client's delayed ACK every answer waits ~40 ms. Read once, when the JVM makes its first HttpServer.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    /** A request as received: {@code pathAndQuery} is the raw target, header names are lower case. */
    public record RecordedRequest(String method, String pathAndQuery, Map<String, List<String>> headers, byte[] body,
                                  Instant time, int status) {
        @Override
        public byte[] body() {
            return body.clone();
        }

        public String path() {
            int q = pathAndQuery.indexOf('?');
            return q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        /** The first value of a header, or null. */
        public String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null || values.isEmpty() ? null : values.get(0);
        }
    }

    /**
     * A run as the server holds it: the current info, tags and params, every stored metric point in arrival order
     * (GetRun answers only the latest per key; an exact repeat of a stored point is dropped, as MLflow's SQL store
     * does, and counted in {@code duplicatesDropped}) and every status that runs/update gave it, in order (a new
     * run is RUNNING without an entry).
     */
    public record RunRecord(Service.RunInfo info, Map<String, String> tags, Map<String, String> params,
                            List<Service.Metric> metrics, List<Service.RunStatus> statusHistory,
                            int duplicatesDropped) {
        public String runId() {
            return info.getRunId();
        }

        public List<Service.Metric> metrics(String key) {
            return metrics.stream().filter(m -> m.getKey().equals(key)).toList();
        }
    }

    private record Fault(String pathSuffix, AtomicInteger remaining, int status) {
    }

    private final MlflowTestServerStore store = new MlflowTestServerStore();
    private final MlflowTestServerApi api = new MlflowTestServerApi(store);
    private final List<RecordedRequest> requests = new ArrayList<>();
    private final List<Fault> faults = new ArrayList<>();
    private static final int LOST_ANSWER = -1;
    private final Object lifecycle = new Object();
    private volatile String requiredAuthorization;
    private volatile int port;
    private HttpServer server;
    private javax.net.ssl.SSLContext tls;
    private ExecutorService executor;
    private boolean closed;

    private MlflowTestServer() {
    }

    /** Starts on 127.0.0.1 and a free port. */
    public static MlflowTestServer start() {
        MlflowTestServer s = new MlflowTestServer();
        synchronized (s.lifecycle) {
            s.listen(0);
        }
        return s;
    }

    /** Starts on 127.0.0.1 and a free port, speaking HTTPS with the certificate in {@code tls}. */
    public static MlflowTestServer startTls(javax.net.ssl.SSLContext tls) {
        MlflowTestServer s = new MlflowTestServer();
        synchronized (s.lifecycle) {
            s.tls = tls;
            s.listen(0);
        }
        return s;
    }

    /** {@code http://127.0.0.1:<port>} ({@code https} with TLS), the tracking URI. */
    public String uri() {
        return (tls == null ? "http://" : "https://") + LOOPBACK.getHostAddress() + ":" + port;
    }

    public int port() {
        return port;
    }

    /**
     * Stops listening: new connections are refused and open ones closed. Returns once every request being handled
     * has finished, so what is recorded no longer changes.
     */
    public void stop() {
        synchronized (lifecycle) {
            if (server == null) {
                return;
            }
            server.stop(0);
            executor.shutdown();
            try {
                if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("request handlers still running 5 s after stop");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                server = null;
                executor = null;
            }
        }
    }

    /** Listens again on the same port with everything recorded so far; does nothing while running. */
    public void restart() {
        synchronized (lifecycle) {
            if (closed) {
                throw new IllegalStateException("closed");
            }
            if (server == null) {
                listen(port);
            }
        }
    }

    /** Stops for good. */
    @Override
    public void close() {
        synchronized (lifecycle) {
            stop();
            closed = true;
        }
    }

    // ---- settings

    /**
     * Where runs created from now on keep artifacts: {@code <root>/<experiment_id>/<run_id>/artifacts} for
     * experiments created without an artifact location (whose {@code artifact_location} then reads
     * {@code <root>/<experiment_id>}). The default, {@code mlflow-artifacts:/}, is what
     * {@code mlflow server} gives (artifacts go through this server); a {@code file:///...} root makes clients write
     * artifacts themselves.
     */
    public MlflowTestServer artifactRootForNewRuns(String root) {
        store.artifactRoot(root);
        return this;
    }

    /**
     * MLFLOW_TRUNCATE_LONG_VALUES of the server: true (MLflow's default) cuts param values over 6000 and tag values
     * over 5000 characters; false rejects them with 400.
     */
    public MlflowTestServer truncateLongValues(boolean truncate) {
        store.truncateLongValues(truncate);
        return this;
    }

    // ---- fault injection

    /** Answers the next {@code count} API requests with {@code httpStatus} and an MLflow error body. */
    public void failNext(int count, int httpStatus) {
        failNextMatching("", count, httpStatus);
    }

    /** Like {@link #failNext}, for requests whose path (without query) ends with {@code pathSuffix}. */
    public void failNextMatching(String pathSuffix, int count, int httpStatus) {
        synchronized (faults) {
            faults.add(new Fault(pathSuffix, new AtomicInteger(count), httpStatus));
        }
    }

    /**
     * The next {@code count} requests whose path ends with {@code pathSuffix} are carried out, but the connection
     * is closed before the answer: the client cannot tell whether the server acted (a proxy timing out).
     */
    public void loseAnswerNext(String pathSuffix, int count) {
        synchronized (faults) {
            faults.add(new Fault(pathSuffix, new AtomicInteger(count), LOST_ANSWER));
        }
    }

    /** Requests without exactly this Authorization header get 401 UNAUTHENTICATED; null accepts any request. */
    public void requireAuthorization(String expectedHeaderValue) {
        requiredAuthorization = expectedHeaderValue;
    }

    // ---- what was recorded

    public List<RecordedRequest> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /** Requests (any outcome) whose path, without query, ends with {@code pathSuffix}. */
    public long count(String pathSuffix) {
        return requests().stream().filter(r -> r.path().endsWith(pathSuffix)).count();
    }

    /** Log-batch requests that were accepted (HTTP 200). */
    public int logBatchRequests() {
        return (int) requests().stream()
                .filter(r -> r.path().equals(LOG_BATCH_PATH) && r.status() == 200).count();
    }

    /** Experiments by id, in creation order, "0" ("Default") first. */
    public Map<String, Service.Experiment> experiments() {
        return store.experiments();
    }

    public Optional<Service.Experiment> experimentByName(String name) {
        return store.experimentByName(name);
    }

    /** Throws {@link NoSuchElementException} for an unknown run. */
    public RunRecord run(String runId) {
        return store.run(runId).orElseThrow(() -> new NoSuchElementException("no run " + runId + "; runs: "
                + runs().stream().map(RunRecord::runId).toList()));
    }

    public List<RunRecord> runs() {
        return store.runs();
    }

    /** Uploaded artifacts keyed by the path after {@code /mlflow-artifacts/artifacts/}. */
    public Map<String, byte[]> artifacts() {
        return store.artifacts();
    }

    // ---- HTTP

    private void listen(int requestedPort) {
        long deadline = System.currentTimeMillis() + REBIND_TIMEOUT_MS;
        while (true) {
            try {
                InetSocketAddress address = new InetSocketAddress(LOOPBACK, requestedPort);
                HttpServer s;
                if (tls == null) {
                    s = HttpServer.create(address, 0);
                } else {
                    HttpsServer https = HttpsServer.create(address, 0);
                    https.setHttpsConfigurator(new HttpsConfigurator(tls));
                    s = https;
                }
                s.createContext("/", this::exchange);
                executor = Executors.newCachedThreadPool(r -> {
                    Thread t = new Thread(r, "mlflow-test-server");
                    t.setDaemon(true);
                    return t;
                });
                s.setExecutor(executor);
                s.start();
                server = s;
                port = s.getAddress().getPort();
                return;
            } catch (BindException e) {
                // Only a re-bind of a just-closed port can meet this; the OS frees it within moments.
                if (requestedPort == 0 || System.currentTimeMillis() > deadline) {
                    throw new UncheckedIOException(e);
                }
                sleep(50);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private void exchange(HttpExchange ex) {
        try {
            Instant time = Instant.now();
            // Read the whole body first, so that an early answer (injected failure, 401) never meets a client
            // that is still sending.
            byte[] body = ex.getRequestBody().readAllBytes();
            Map<String, List<String>> received = new TreeMap<>();
            ex.getRequestHeaders().forEach((k, v) -> received.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
            Map<String, List<String>> headers = Collections.unmodifiableMap(received);
            String rawQuery = ex.getRequestURI().getRawQuery();
            MlflowTestServerApi.Request request = new MlflowTestServerApi.Request(ex.getRequestMethod(),
                    ex.getRequestURI().getRawPath(), rawQuery, headers, body);
            boolean loseAnswer = takeLostAnswer(request.path());
            MlflowTestServerApi.Reply reply = respond(request);
            if (loseAnswer) {
                throw new IOException("the request was carried out; its answer is dropped on purpose");
            }
            synchronized (requests) {
                requests.add(new RecordedRequest(request.method(),
                        request.path() + (rawQuery == null ? "" : "?" + rawQuery), headers, body, time, reply.status()));
            }
            reply.headers().forEach(ex.getResponseHeaders()::set);
            ex.getResponseHeaders().set("Content-Type", reply.contentType());
            ex.sendResponseHeaders(reply.status(), reply.body().length == 0 ? -1 : reply.body().length);
            ex.getResponseBody().write(reply.body());
        } catch (IOException e) {
            // The client went away or the server is stopping: nothing to answer.
        } finally {
            ex.close();
        }
    }

    private MlflowTestServerApi.Reply respond(MlflowTestServerApi.Request request) {
        try {
            Integer injected = takeFault(request.path());
            if (injected != null) {
                MlflowTestServerError e = new MlflowTestServerError(MlflowTestServerError.Code.forStatus(injected),
                        injected, "Injected failure (MlflowTestServer.failNext)");
                MlflowTestServerApi.Reply reply = MlflowTestServerApi.Reply.error(e);
                return injected == 429 ? reply.withHeader("Retry-After", "0") : reply;
            }
            String expected = requiredAuthorization;
            if (expected != null && !expected.equals(request.header("authorization"))) {
                // Wording of mlflow.server.auth's 401; the scheme of the expected value is offered.
                MlflowTestServerError e = new MlflowTestServerError(MlflowTestServerError.Code.UNAUTHENTICATED,
                        "You are not authenticated. Please see "
                                + "https://www.mlflow.org/docs/latest/auth/index.html#authenticating-to-mlflow "
                                + "on how to authenticate.");
                return MlflowTestServerApi.Reply.error(e)
                        .withHeader("WWW-Authenticate", expected.split(" ")[0] + " realm=\"mlflow\"");
            }
            return api.handle(request);
        } catch (RuntimeException e) {
            // A bug of this server: answer like MLflow's INTERNAL_ERROR instead of dropping the connection.
            return MlflowTestServerApi.Reply.error(new MlflowTestServerError(MlflowTestServerError.Code.INTERNAL_ERROR,
                    "MlflowTestServer failed: " + e));
        }
    }

    private boolean takeLostAnswer(String path) {
        return take(path, true) != null;
    }

    private Integer takeFault(String path) {
        return take(path, false);
    }

    private Integer take(String path, boolean lostAnswer) {
        if (!path.startsWith("/api/")) {
            return null;
        }
        synchronized (faults) {
            for (Iterator<Fault> it = faults.iterator(); it.hasNext(); ) {
                Fault f = it.next();
                if (f.remaining().get() <= 0) {
                    it.remove();
                } else if ((f.status() == LOST_ANSWER) == lostAnswer && path.endsWith(f.pathSuffix())) {
                    if (f.remaining().decrementAndGet() == 0) {
                        it.remove();
                    }
                    return f.status();
                }
            }
            return null;
        }
    }

    private static InetAddress loopback() {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
