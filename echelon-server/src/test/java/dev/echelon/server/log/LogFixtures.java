package dev.echelon.server.log;

import dev.echelon.server.live.EventFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Chunks, logs and failing files for the log's unit tests. */
final class LogFixtures {
  static final String WORLD = "0123456789abcdef";

  private LogFixtures() {}

  static FileReplayLog.Options options(Path runs) {
    return options(runs, 8L << 20);
  }

  /** With {@code tailCacheBytes} 0 every reader reads chunks from disk. */
  static FileReplayLog.Options options(Path runs, long tailCacheBytes) {
    return new FileReplayLog.Options(runs, true, tailCacheBytes, 1L << 30, 100, 4, 64L << 20,
        java.time.Duration.ofDays(30), java.time.Duration.ofSeconds(30));
  }

  static String frames(int index, int n) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < n; i++) b.append(i == 0 ? "" : ",").append("{\"t\":").append(index).append('.').append(i).append(",\"x\":\"")
        .append("abc".repeat(20)).append("\"}");
    return b.append(']').toString();
  }

  /**
   * {@code n} frames of a 5 v 5 match, as the simulator shapes them but without its bulk: ten mechs
   * with team, life and position, the objective, a hit every frame and a kill every fifth; the
   * match of replay {@code seed} is decided in its chunk 1 (by zone points, or by elimination when
   * {@code seed} is odd). What tallies and outcomes cost is measured on these.
   */
  static String matchFrames(int seed, int chunk, int n) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < n; i++) {
      int step = chunk * n + i;
      double t = 0.25 * (step + 1);
      boolean decided = chunk >= 1 && i >= n / 2;
      String blue = decided && seed % 2 == 0 ? "15.5" : String.valueOf(step % 7);
      b.append(i == 0 ? "" : ",").append("{\"t\":").append(t).append(",\"tick\":").append(5 * (step + 1))
          .append(",\"objective\":{\"zone_center\":[10.0,10.0],\"zone_radius\":4.0,\"zone_score\":{\"blue\":")
          .append(blue).append(",\"red\":").append(step % 5).append("},\"zone_score_to_win\":15.0},\"mechs\":{");
      for (int m = 0; m < 10; m++) {
        String team = m < 5 ? "blue" : "red";
        boolean alive = !(decided && seed % 2 == 1 && team.equals("red"));
        b.append(m == 0 ? "" : ",").append("\"").append(team).append('_').append(m % 5).append("\":{\"team\":\"")
            .append(team).append("\",\"pos\":[").append(4 + (step + m) % 12).append(".5,").append(6 + m).append(".25,1.0],")
            .append("\"hp\":").append(100 - step % 50).append(",\"alive\":").append(alive).append('}');
      }
      b.append("},\"events\":[{\"type\":\"laser_hit\",\"shooter\":\"blue_").append(step % 5)
          .append("\",\"target\":\"red_").append((step + 1) % 5).append("\",\"damage\":14.0}");
      if (step % 5 == 0) {
        b.append(",{\"type\":\"kill\",\"shooter\":\"red_").append(step % 5).append("\",\"target\":\"blue_")
            .append((step + 2) % 5).append("\"}");
      }
      b.append("]}");
    }
    return b.append(']').toString();
  }

  static PushedChunk chunk(String replay, int index, Integer count) {
    return chunk(replay, index, count, frames(index, 3));
  }

  static PushedChunk chunk(String replay, int index, Integer count, String frames) {
    byte[] body = ("{\"frames\":" + frames + "}").getBytes(StandardCharsets.UTF_8);
    byte[] meta = index == 0 ? "{\"episode\":1}".getBytes(StandardCharsets.UTF_8) : null;
    byte[] run = index == 0 ? "{\"name\":\"r1\"}".getBytes(StandardCharsets.UTF_8) : null;
    return new PushedChunk(replay, WORLD, index, count, false, new Payload.Slice(body, 10, body.length - 11), 3, meta, run,
        index == 0 ? "r1" : null);
  }

  static Appended append(ReplayLog log, PushedChunk c) {
    return log.append(c, EventFormat::chunk);
  }

  static String plain(Payload p) {
    var out = new ByteArrayOutputStream();
    try {
      p.writePlain(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /** Every event a fresh reader sees within {@code waitMs} of quiet. */
  static List<LogEvent> drain(EventReader r, long waitMs) throws InterruptedException {
    List<LogEvent> out = new ArrayList<>();
    LogEvent e;
    while ((e = r.poll(waitMs * 1_000_000)) != null) out.add(e);
    return out;
  }

  /** Files whose writes fail with "No space left on device" once {@code budget} bytes were written through them. */
  static final class FullDisk extends ForwardingStorage {
    final AtomicLong budget = new AtomicLong(Long.MAX_VALUE);

    FullDisk() {
      super(Storage.disk());
    }

    @Override public FileChannel open(Path file, java.nio.file.OpenOption... options) throws IOException {
      return new Failing(FileChannel.open(file, options), budget);
    }
  }

  private static final class Failing extends FileChannel {
    private final FileChannel ch;
    private final AtomicLong budget;

    Failing(FileChannel ch, AtomicLong budget) {
      this.ch = ch;
      this.budget = budget;
    }

    private int take(ByteBuffer src) throws IOException {
      int want = src.remaining();
      long left = budget.get();
      if (left <= 0) throw new IOException("No space left on device");
      if (want > left) {
        ByteBuffer part = src.duplicate();
        part.limit(part.position() + (int) left);
        int n = ch.write(part);
        src.position(src.position() + n);
        budget.addAndGet(-n);
        throw new IOException("No space left on device");
      }
      return want;
    }

    @Override public int write(ByteBuffer src) throws IOException {
      take(src);
      int n = ch.write(src);
      budget.addAndGet(-n);
      return n;
    }

    @Override public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
      long n = 0;
      for (int i = offset; i < offset + length; i++) n += write(srcs[i]);
      return n;
    }

    @Override public int write(ByteBuffer src, long position) throws IOException {
      take(src);
      int n = ch.write(src, position);
      budget.addAndGet(-n);
      return n;
    }

    @Override public int read(ByteBuffer dst) throws IOException { return ch.read(dst); }
    @Override public long read(ByteBuffer[] dsts, int offset, int length) throws IOException { return ch.read(dsts, offset, length); }
    @Override public int read(ByteBuffer dst, long position) throws IOException { return ch.read(dst, position); }
    @Override public long position() throws IOException { return ch.position(); }
    @Override public FileChannel position(long p) throws IOException { ch.position(p); return this; }
    @Override public long size() throws IOException { return ch.size(); }
    @Override public FileChannel truncate(long size) throws IOException { ch.truncate(size); return this; }
    @Override public void force(boolean metaData) throws IOException { ch.force(metaData); }
    @Override public long transferTo(long p, long c, WritableByteChannel t) throws IOException { return ch.transferTo(p, c, t); }
    @Override public long transferFrom(ReadableByteChannel s, long p, long c) throws IOException { return ch.transferFrom(s, p, c); }
    @Override public MappedByteBuffer map(MapMode m, long p, long s) throws IOException { return ch.map(m, p, s); }
    @Override public FileLock lock(long p, long s, boolean sh) throws IOException { return ch.lock(p, s, sh); }
    @Override public FileLock tryLock(long p, long s, boolean sh) throws IOException { return ch.tryLock(p, s, sh); }
    @Override protected void implCloseChannel() throws IOException { ch.close(); }
  }
}
