package dev.echelon.server.jetstream;

import dev.echelon.server.log.Subscription;
import java.nio.charset.StandardCharsets;

/**
 * Subjects and headers of the stream. A replay's messages share one subject that names its run
 * and id, so {@code ?run=} and {@code ?replay=} are subject filters and appends to one replay can
 * be ordered with an expected last subject sequence. The run token is fixed by the replay's first
 * message (a trainer sends chunk 0, which carries the run, first).
 */
final class Subjects {
  static final String KIND = "Echelon-Kind";
  static final String REPLAY = "Echelon-Replay";
  static final String WORLD = "Echelon-World";
  static final String INDEX = "Echelon-Index";
  static final String COUNT = "Echelon-Count";
  static final String LAST = "Echelon-Last";
  static final String FRAMES = "Echelon-Frames";
  static final String PLAIN = "Echelon-Plain-Length";
  static final String CRC = "Echelon-Crc";
  static final String AT = "Echelon-At";
  static final String META = "Echelon-Meta";
  static final String RUN = "Echelon-Run";
  /** A chunk's {@link dev.echelon.server.log.ChunkTally#encode encoded} tally, in base64. */
  static final String TALLY = "Echelon-Tally";
  static final String MSG_SIZE = "Nats-Msg-Size";

  static final String START = "start";
  static final String CHUNK = "chunk";
  static final String END = "end";

  private final String root;

  /** @param stream the stream name; the default stream uses the root {@code echelon} */
  Subjects(String stream) {
    this.root = stream.equals("ECHELON") ? "echelon" : stream;
  }

  /** Every replay subject: the stream's subject. */
  String all() {
    return root + ".replay.>";
  }

  String replay(String runName, String replayId) {
    return root + ".replay." + token(runName) + "." + replayId;
  }

  String filter(Subscription s) {
    if (s.replayId() != null) return root + ".replay." + (s.run() == null ? "*" : token(s.run())) + "." + s.replayId();
    if (s.run() != null) return root + ".replay." + token(s.run()) + ".*";
    return all();
  }

  /**
   * The run a replay subject files its replay under, read back from its token: the one key that
   * subscriptions match on, in the index and in consumer filters alike. Null for none ("~").
   */
  static String run(String subject) {
    int end = subject.lastIndexOf('.');
    int start = subject.lastIndexOf('.', end - 1) + 1;
    String token = subject.substring(start, end);
    if (token.equals("~")) return null;
    if (token.equals("~00")) return ""; // what token("") gives
    var out = new java.io.ByteArrayOutputStream();
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c == '~' && i + 2 < token.length()) {
        out.write(Integer.parseInt(token.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        out.write(c);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /** A run name as one subject token: [A-Za-z0-9_-] kept, other bytes as ~XX; no run is "~". */
  static String token(String run) {
    if (run == null) return "~";
    StringBuilder b = new StringBuilder();
    for (byte x : run.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (x & 0xff);
      if (c < 128 && (Character.isLetterOrDigit(c) || c == '_' || c == '-')) b.append(c);
      else b.append('~').append(Character.forDigit((c >> 4) & 15, 16)).append(Character.forDigit(c & 15, 16));
    }
    return b.length() == 0 ? "~00" : b.toString();
  }
}
