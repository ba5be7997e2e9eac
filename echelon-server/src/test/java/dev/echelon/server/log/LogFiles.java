package dev.echelon.server.log;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** Reads a replay log's bytes the way recovery does, so fault injectors can aim at one record. */
public final class LogFiles {
  private LogFiles() {}

  /** Where a record lies and which chunk it holds. */
  public record Record(int offset, int length, int chunkIndex, long firstEventId) {}

  /** The intact-looking records of a {@code replay.log}, in file order, up to the first that does not parse. */
  public static List<Record> records(byte[] log) {
    List<Record> out = new ArrayList<>();
    int pos = 0;
    while (pos + RecordFormat.PRELUDE <= log.length) {
      ByteBuffer b = ByteBuffer.wrap(log, pos, log.length - pos);
      if (b.getInt() != RecordFormat.MAGIC) break;
      int header = b.getInt();
      int payload = b.getInt();
      long end = (long) pos + RecordFormat.PRELUDE + header + payload;
      if (header < 40 || payload < 0 || end > log.length) break;
      try {
        ChunkRecord r = RecordFormat.header(ByteBuffer.wrap(log, pos + RecordFormat.PRELUDE, header).slice());
        out.add(new Record(pos, (int) (end - pos), r.chunkIndex(), r.firstEventId()));
      } catch (RuntimeException e) {
        break;
      }
      pos = (int) end;
    }
    return out;
  }

  public static String logName() {
    return ReplayLogFile.LOG;
  }
}
