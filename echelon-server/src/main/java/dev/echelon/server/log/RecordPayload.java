package dev.echelon.server.log;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A chunk's payload read from its record on disk, for viewers behind the tail cache. The record's
 * checksum is verified before a byte is written (a damaged record must never reach a viewer half
 * sent), then the payload streams through a 64 KiB buffer: a lagging viewer costs that buffer, not
 * the chunk. Each write opens its own file handle, so retention may delete the file meanwhile.
 */
final class RecordPayload extends Payload {
  private static final int BUFFER = 64 * 1024;

  private final Storage storage;
  private final Path log;
  private final RecordRef ref;
  private boolean verified;

  RecordPayload(Storage storage, Path log, RecordRef ref) {
    this.storage = storage;
    this.log = log;
    this.ref = ref;
  }

  @Override public long plainLength() {
    return ref.record().plainLength();
  }

  @Override public int crc32() {
    return ref.record().plainCrc();
  }

  @Override public void writeDeflated(OutputStream out) throws IOException {
    try (FileChannel ch = storage.open(log, StandardOpenOption.READ)) {
      if (!verified) verify(ch, ref);
      ByteBuffer buf = ByteBuffer.allocate(BUFFER);
      long pos = ref.payloadOffset();
      long end = pos + ref.payloadLength();
      while (pos < end) {
        buf.clear().limit((int) Math.min(BUFFER, end - pos));
        int n = ch.read(buf, pos);
        if (n < 0) throw new DamagedRecordException("record ends early");
        out.write(buf.array(), 0, n);
        pos += n;
      }
    }
  }

  @Override public void writePlain(OutputStream out) throws IOException {
    try (FileChannel ch = storage.open(log, StandardOpenOption.READ)) {
      if (!verified) verify(ch, ref);
      Inflater inflater = new Inflater(true);
      try {
        byte[] in = new byte[BUFFER];
        byte[] plain = new byte[BUFFER];
        long pos = ref.payloadOffset();
        long end = pos + ref.payloadLength();
        long written = 0;
        while (true) {
          if (inflater.needsInput()) {
            if (pos >= end) break;
            int n = ch.read(ByteBuffer.wrap(in, 0, (int) Math.min(BUFFER, end - pos)), pos);
            if (n < 0) throw new DamagedRecordException("record ends early");
            inflater.setInput(in, 0, n);
            pos += n;
          }
          int k = inflater.inflate(plain);
          if (k > 0) {
            out.write(plain, 0, k);
            written += k;
          } else if (!inflater.needsInput()) {
            throw new DamagedRecordException("payload does not inflate");
          }
        }
        if (written != ref.record().plainLength()) {
          throw new DamagedRecordException("inflated to " + written + " bytes, expected " + ref.record().plainLength());
        }
      } catch (DataFormatException e) {
        throw new DamagedRecordException("payload is not valid deflate: " + e.getMessage());
      } finally {
        inflater.end();
      }
    }
  }

  /** Checks the record once; later writes trust it. Throws when it is damaged or gone. */
  void verify() throws IOException {
    verify(storage, log, ref);
    verified = true;
  }

  static void verify(Storage storage, Path log, RecordRef ref) throws IOException {
    try (FileChannel ch = storage.open(log, StandardOpenOption.READ)) {
      verify(ch, ref);
    }
  }

  /** Reads the record once and checks its prelude and CRC-32C. */
  static void verify(FileChannel ch, RecordRef ref) throws IOException {
    ByteBuffer prelude = ByteBuffer.allocate(RecordFormat.PRELUDE);
    if (ch.read(prelude, ref.offset()) != RecordFormat.PRELUDE) throw new DamagedRecordException("record is truncated");
    prelude.flip();
    if (prelude.getInt() != RecordFormat.MAGIC || prelude.getInt() != ref.headerLength()
        || prelude.getInt() != ref.payloadLength()) {
      throw new DamagedRecordException("record prelude does not match the index");
    }
    int expected = prelude.getInt();
    CRC32C crc = new CRC32C();
    ByteBuffer buf = ByteBuffer.allocate(BUFFER);
    long pos = ref.offset() + RecordFormat.PRELUDE;
    long end = ref.end();
    while (pos < end) {
      buf.clear().limit((int) Math.min(BUFFER, end - pos));
      int n = ch.read(buf, pos);
      if (n < 0) throw new DamagedRecordException("record is truncated");
      crc.update(buf.array(), 0, n);
      pos += n;
    }
    if ((int) crc.getValue() != expected) throw new DamagedRecordException("checksum mismatch");
  }

  /** A record that is truncated or whose checksum fails. */
  static final class DamagedRecordException extends IOException {
    DamagedRecordException(String message) {
      super(message);
    }
  }
}
