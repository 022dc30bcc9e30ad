package io.fulmen.mlflow;

import io.fulmen.spi.ProviderOptions;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * The MLflow logger's configuration: Lightning's {@code MLFlowLogger} arguments plus Fulmen's delivery settings.
 *
 * @param trackingUri        the server, without user info (credentials go to {@link #credentials()})
 * @param experimentName     created when missing
 * @param runName            tag {@code mlflow.runName}; null lets the server pick one
 * @param runId              continue this run instead of creating one
 * @param tags               extra run tags
 * @param logModel           which checkpoints become artifacts
 * @param prefix             put before every metric name, joined with {@code "-"}
 * @param artifactLocation   artifact root of an experiment this logger creates; null for the server's default
 * @param saveDir            where the local files of runs go ({@code <root>/mlflow})
 * @param requestTimeout     per HTTP request
 * @param flushTimeout       how long the end of a run waits for an unreachable server before saving the rest
 * @param flushInterval      how long metrics may wait to be sent together in one request
 * @param maxBufferedPoints  metric points kept in memory while the server lags; more go to the undelivered file
 */
record MlflowSettings(URI trackingUri, String experimentName, String runName, String runId, Map<String, String> tags,
                      LogModel logModel, String prefix, String artifactLocation, Credentials credentials,
                      Path saveDir, Duration requestTimeout, Duration flushTimeout, Duration flushInterval,
                      int maxBufferedPoints) {
    static final String DEFAULT_EXPERIMENT = "fulmen_logs";
    static final String TAG_OPTION_PREFIX = "tag.";

    MlflowSettings {
        tags = Map.copyOf(tags);
    }

    /**
     * Options as Lightning names its arguments (declared by {@link MlflowLoggerProvider#options()});
     * {@code tag.<key>=<value>} adds a tag.
     */
    static MlflowSettings from(ProviderOptions o, Map<String, String> env, Path rootDir) {
        Server server = server(o.get("tracking_uri").orElse(env.get("MLFLOW_TRACKING_URI")), env);
        return new MlflowSettings(server.uri(),
                o.getString("experiment_name"),
                o.get("run_name").orElse(null),
                o.get("run_id").orElse(null),
                o.withPrefix(TAG_OPTION_PREFIX),
                LogModel.parse(o.getEnum("log_model")),
                o.getString("prefix"),
                o.get("artifact_location").orElse(null),
                server.credentials(),
                rootDir.resolve("mlflow"),
                seconds(o, "request_timeout_s"),
                seconds(o, "flush_timeout_s"),
                seconds(o, "flush_interval_s"),
                o.getInt("max_buffered_points"));
    }

    /** A tracking server and how to authenticate to it: user info in the URI becomes basic credentials. */
    record Server(URI uri, Credentials credentials) {}

    static Server server(String uri, Map<String, String> env) {
        Credentials credentials = Credentials.fromEnvironment(env);
        URI tracking = trackingUri(uri);
        if (tracking.getRawUserInfo() == null) {
            return new Server(tracking, credentials);
        }
        String[] userInfo = tracking.getRawUserInfo().split(":", 2);
        return new Server(withoutUserInfo(tracking),
                credentials.withBasic(decode(userInfo[0]), userInfo.length > 1 ? decode(userInfo[1]) : ""));
    }

    static URI trackingUri(String uri) {
        if (uri == null || uri.isBlank()) {
            throw new IllegalArgumentException("the mlflow logger needs a tracking server: set MLFLOW_TRACKING_URI "
                    + "(e.g. MLFLOW_TRACKING_URI=http://127.0.0.1:5000) or the option mlflow.tracking_uri; start one "
                    + "with 'mlflow server --host 127.0.0.1 --port 5000'");
        }
        URI parsed;
        try {
            parsed = new URI(uri.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("MLflow tracking URI '" + redact(uri) + "' is not a URI: "
                    + e.getReason(), e);
        }
        String scheme = parsed.getScheme() == null ? "" : parsed.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || parsed.getHost() == null) {
            throw new IllegalArgumentException("MLflow tracking URI '" + redact(uri) + "' is not supported: the "
                    + "mlflow logger talks to a tracking server over http(s) (e.g. http://127.0.0.1:5000); local "
                    + "file stores, databricks and database URIs need MLflow's Python client, so serve them with "
                    + "'mlflow server --backend-store-uri <uri>' and point the logger at that server");
        }
        String path = parsed.getRawPath() == null ? "" : parsed.getRawPath().replaceAll("/+$", "");
        try {
            return new URI(scheme, parsed.getRawUserInfo() == null ? null : parsed.getUserInfo(), parsed.getHost(),
                    parsed.getPort(), path.isEmpty() ? null : parsed.getPath().replaceAll("/+$", ""), null, null);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("MLflow tracking URI '" + redact(uri) + "' is not valid", e);
        }
    }

    /** The URI as it may appear in messages: user info removed. */
    static String redact(String uri) {
        return uri == null ? null : uri.replaceAll("(?<=://)[^/@]*@", "***@");
    }

    private static URI withoutUserInfo(URI u) {
        try {
            return new URI(u.getScheme(), null, u.getHost(), u.getPort(), u.getPath(), null, null);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static Duration seconds(ProviderOptions o, String key) {
        return o.get(key, v -> {
            double seconds = Double.parseDouble(v.trim());
            if (!(seconds >= 0) || Double.isInfinite(seconds)) {
                throw new IllegalArgumentException("expected a number of seconds >= 0");
            }
            return Duration.ofMillis(Math.round(seconds * 1000));
        }).orElseThrow();
    }
}
