package dev.echelon.server.jetstream;

import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.PurgeOptions;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/**
 * The stream itself: made at start-up or brought to the settings, and made again when NATS lost it
 * (a store wiped, a {@code nats stream rm}), with its sequence carried on past every id this server
 * has seen, so event ids never go back. A server that makes the stream again makes it on a subject
 * no publish can reach, moves its sequence on, and only then gives it its real subjects: nothing
 * another server publishes meanwhile can land below the ids viewers already hold.
 */
final class StreamKeeper {
  private static final Logger LOG = System.getLogger(StreamKeeper.class.getName());
  static final int STREAM_NOT_FOUND = 10059;

  private final JetStreamManagement jsm;
  private final StreamConfiguration config;

  StreamKeeper(JetStreamManagement jsm, StreamConfiguration config) {
    this.jsm = jsm;
    this.config = config;
  }

  String name() {
    return config.getName();
  }

  /**
   * The stream's info, making it first when it is missing (with its next sequence above
   * {@code highestSeen}) and bringing its limits to the settings when they changed.
   */
  StreamInfo ensure(long highestSeen) throws IOException, JetStreamApiException {
    StreamInfo info;
    try {
      info = jsm.getStreamInfo(config.getName());
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() != STREAM_NOT_FOUND) throw e;
      return create(highestSeen + 1);
    }
    StreamConfiguration now = info.getConfiguration();
    if (now.getMaxBytes() != config.getMaxBytes() || now.getReplicas() != config.getReplicas()) {
      // the settings changed since the stream was made: the stream follows them, or start-up says why not
      info = jsm.updateStream(config);
      LOG.log(Level.INFO, "updated the JetStream stream " + config.getName() + ": max_bytes " + now.getMaxBytes() + " -> "
          + config.getMaxBytes() + ", replicas " + now.getReplicas() + " -> " + config.getReplicas());
    }
    return info;
  }

  private StreamInfo create(long next) throws IOException, JetStreamApiException {
    StreamConfiguration sealed = StreamConfiguration.builder(config).subjects(config.getName() + "._making").build();
    try {
      jsm.addStream(sealed);
    } catch (JetStreamApiException raced) {
      // another server is making it (ours would differ in subjects): use theirs
      return jsm.getStreamInfo(config.getName());
    }
    if (next > 1) jsm.purgeStream(config.getName(), PurgeOptions.builder().sequence(next).build());
    StreamInfo info = jsm.updateStream(config);
    LOG.log(Level.INFO, "created the JetStream stream " + config.getName() + " (" + String.join(",", config.getSubjects())
        + ", R" + config.getReplicas() + (next > 1 ? ", continuing at sequence " + next : "") + ")");
    return info;
  }
}
