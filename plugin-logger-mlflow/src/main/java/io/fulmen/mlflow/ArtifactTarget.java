package io.fulmen.mlflow;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Where a run's artifacts go, read from its {@code artifact_uri}. {@code mlflow-artifacts:} URIs (what
 * {@code mlflow server} gives runs by default) and http URIs into the proxy are uploaded through the tracking
 * server's artifact proxy; {@code file:} URIs and absolute paths are copied to (a local or shared disk). Anything
 * else (s3://, gs://, dbfs:/, ...) needs MLflow's Python artifact clients and is refused with a message saying so.
 */
sealed interface ArtifactTarget {
    String PROXY_PREFIX = "/api/2.0/mlflow-artifacts/artifacts/";

    void put(MlflowRest rest, Path file, String artifactPath) throws MlflowRequestException;

    static ArtifactTarget of(String artifactUri) {
        String uri = artifactUri == null ? "" : artifactUri.trim();
        String lower = uri.toLowerCase(Locale.ROOT);
        if (lower.startsWith("mlflow-artifacts:")) {
            String path = URI.create(uri).getPath();
            return new Proxy(trimSlashes(path == null ? "" : path));
        }
        if ((lower.startsWith("http://") || lower.startsWith("https://")) && uri.contains(PROXY_PREFIX)) {
            return new Proxy(trimSlashes(uri.substring(uri.indexOf(PROXY_PREFIX) + PROXY_PREFIX.length())));
        }
        if (lower.startsWith("file:")) {
            return new LocalDirectory(Path.of(URI.create(uri)));
        }
        if (uri.startsWith("/")) {
            return new LocalDirectory(Path.of(uri));
        }
        return new Unsupported(uri);
    }

    private static String trimSlashes(String s) {
        return s.replaceAll("^/+|/+$", "");
    }

    /** {@code PUT <tracking-uri>/api/2.0/mlflow-artifacts/artifacts/<root>/<path>}, streamed. */
    record Proxy(String root) implements ArtifactTarget {
        @Override
        public void put(MlflowRest rest, Path file, String artifactPath) throws MlflowRequestException {
            String path = Arrays.stream((root + "/" + artifactPath).split("/"))
                    .filter(s -> !s.isEmpty())
                    .map(s -> URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20"))
                    .collect(Collectors.joining("/"));
            rest.uploadArtifact(path, file);
        }
    }

    /** A local or mounted artifact root: the file is copied there (atomically, through a temporary name). */
    record LocalDirectory(Path root) implements ArtifactTarget {
        @Override
        public void put(MlflowRest rest, Path file, String artifactPath) throws MlflowRequestException {
            Path target = root.resolve(artifactPath).normalize();
            if (!target.startsWith(root.normalize())) {
                throw new MlflowRequestException(-1, null, "artifact path '" + artifactPath + "' leaves " + root,
                        null, null);
            }
            try {
                Files.createDirectories(target.getParent());
                Path tmp = target.resolveSibling("." + target.getFileName() + ".part");
                Files.copy(file, tmp, StandardCopyOption.REPLACE_EXISTING);
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                // a shared disk that is briefly away is worth retrying, like a server
                throw new MlflowRequestException(0, null, "cannot copy " + file + " to " + target + ": " + e, null,
                        e);
            }
        }
    }

    record Unsupported(String uri) implements ArtifactTarget {
        @Override
        public void put(MlflowRest rest, Path file, String artifactPath) throws MlflowRequestException {
            throw new MlflowRequestException(-1, null, "the run's artifact URI " + uri + " needs MLflow's Python "
                    + "artifact clients; Fulmen uploads through the tracking server's artifact proxy (mlflow server "
                    + "--serve-artifacts, the default, gives runs mlflow-artifacts:/ URIs) or copies to a local path",
                    null, null);
        }
    }
}
