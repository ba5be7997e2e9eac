package dev.echelon.server.http;

import dev.echelon.server.base.ApiException;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Serves files from one classpath folder (the viewer, the Three.js WebJar). Files are read once
 * and kept: the set is fixed and small, and serving from memory avoids jar-extraction races when a
 * browser fetches a dozen modules at once.
 */
final class StaticFiles implements HttpService {
  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_.\\-/]{1,200}");
  private static final Map<String, String> TYPES = Map.of(
      "html", "text/html; charset=utf-8", "js", "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8",
      "json", "application/json", "png", "image/png", "svg", "image/svg+xml", "map", "application/json");

  private final String root;
  private final String welcome;
  /** Found files only: caching misses would let arbitrary 404 paths grow the map without bound. */
  private final Map<String, byte[]> files = new ConcurrentHashMap<>();

  StaticFiles(String root, String welcome) {
    this.root = root;
    this.welcome = welcome;
  }

  @Override public void routing(HttpRules rules) {
    rules.get("/*", this::serve).head("/*", this::serve);
  }

  private void serve(ServerRequest req, ServerResponse res) {
    String path = req.path().path();
    if (path.startsWith("/")) path = path.substring(1);
    if (path.isEmpty() && welcome != null) path = welcome;
    if (!SAFE.matcher(path).matches() || path.contains("..")) {
      throw ApiException.notFound("no such file: /" + path);
    }
    String file = path;
    byte[] body = files.get(file);
    if (body == null) {
      body = load(file).orElseThrow(() -> ApiException.notFound("no such file: /" + file));
      files.putIfAbsent(file, body);
    }
    String ext = file.substring(file.lastIndexOf('.') + 1);
    res.status(Status.OK_200);
    res.header(HeaderNames.CONTENT_TYPE, TYPES.getOrDefault(ext, "application/octet-stream"));
    res.header(HeaderNames.CACHE_CONTROL, file.equals(welcome) ? "no-cache" : "max-age=300");
    res.send(body);
  }

  private Optional<byte[]> load(String path) {
    try (InputStream in = StaticFiles.class.getClassLoader().getResourceAsStream(root + "/" + path)) {
      return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + root + "/" + path, e);
    }
  }
}
