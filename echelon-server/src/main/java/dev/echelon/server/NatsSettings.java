package dev.echelon.server;

import java.util.Arrays;
import java.util.List;

/**
 * Where the shared NATS JetStream log is and how to log in to it ({@code ECHELON_LOG=nats://...}).
 *
 * @param servers NATS URLs, at least one
 * @param stream the JetStream stream name; the worlds bucket is {@code <stream>_WORLDS}
 * @param replicas replicas of the stream and the bucket
 * @param credsFile a {@code .creds} file, or null
 * @param user a user name, or null
 * @param password the user's password, or null
 * @param token an authentication token, or null
 */
public record NatsSettings(List<String> servers, String stream, int replicas, String credsFile, String user,
    String password, String token) {
  public NatsSettings {
    servers = List.copyOf(servers);
    if (servers.isEmpty()) throw new IllegalArgumentException("ECHELON_LOG names no NATS server");
    if (stream == null || !stream.matches("[A-Za-z0-9_-]{1,64}")) {
      throw new IllegalArgumentException("ECHELON_NATS_STREAM must be 1..64 of [A-Za-z0-9_-], got \"" + stream + "\"");
    }
    if ((user == null) != (password == null)) {
      throw new IllegalArgumentException("ECHELON_NATS_USER and ECHELON_NATS_PASSWORD go together; set both or neither");
    }
  }

  /** Null when {@code log} is unset or {@code file}: the embedded file log. */
  static NatsSettings parse(String log, String stream, int replicas, String creds, String user, String password,
      String token) {
    if (log == null || log.isBlank() || log.strip().equals("file")) return null;
    List<String> urls = Arrays.stream(log.split(",")).map(String::strip).filter(u -> !u.isEmpty()).toList();
    for (String u : urls) {
      if (!u.matches("(nats|tls)://[^\\s/]+(:\\d+)?/?")) {
        throw new IllegalArgumentException("ECHELON_LOG must be unset (the file log) or nats://host:port[,nats://...],"
            + " got \"" + u + "\"");
      }
    }
    return new NatsSettings(urls, stream, replicas, blank(creds), blank(user), blank(password), blank(token));
  }

  private static String blank(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  @Override public String toString() { // never the password or token
    return "NATS " + String.join(",", servers) + " stream " + stream + " (R" + replicas + ")";
  }
}
