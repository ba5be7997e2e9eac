package dev.echelon.server.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A channel on a {@link SimulatedDisk} file. Like a real {@link FileChannel} it is interruptible:
 * a thread interrupted before or during an operation closes the channel and gets
 * {@link java.nio.channels.ClosedByInterruptException}.
 */
final class SimulatedChannel extends FileChannel {
  private final SimulatedMount mount;
  private final SimulatedDisk disk;
  private final Path path;
  private final SimulatedDisk.Inode inode;
  private final boolean readable;
  private final boolean writable;
  private final boolean append;
  private long position;

  SimulatedChannel(SimulatedMount mount, Path path, SimulatedDisk.Inode inode, boolean readable, boolean writable,
      boolean append) {
    this.mount = mount;
    this.disk = mount.disk;
    this.path = path;
    this.inode = inode;
    this.readable = readable;
    this.writable = writable;
    this.append = append;
  }

  private interface Op<T> {
    T run() throws IOException;
  }

  private <T> T io(SimulatedDisk.Op op, Op<T> body) throws IOException {
    if (!isOpen()) throw new java.nio.channels.ClosedChannelException();
    boolean done = false;
    begin();
    try {
      if (Thread.currentThread().isInterrupted()) return null; // end() closes and throws ClosedByInterruptException
      mount.enter(op, path);
      T t;
      synchronized (disk.lock) {
        t = body.run();
      }
      done = true;
      return t;
    } finally {
      end(done);
    }
  }

  @Override public int read(ByteBuffer dst) throws IOException {
    Integer n = read(dst, position);
    if (n != null && n > 0) position += n;
    return n == null ? 0 : n;
  }

  @Override public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
    long total = 0;
    for (int i = offset; i < offset + length; i++) {
      int n = read(dsts[i]);
      if (n < 0) return total == 0 ? -1 : total;
      total += n;
      if (dsts[i].hasRemaining()) break;
    }
    return total;
  }

  @Override public int read(ByteBuffer dst, long at) throws IOException {
    if (!readable) throw new NonReadableChannelException();
    Integer n = io(SimulatedDisk.Op.READ, () -> {
      if (at >= inode.length) return -1;
      int k = (int) Math.min(dst.remaining(), inode.length - at);
      dst.put(inode.data, (int) at, k);
      return k;
    });
    return n == null ? 0 : n;
  }

  @Override public int write(ByteBuffer src) throws IOException {
    if (append) position = size();
    int n = write(src, position);
    position += n;
    return n;
  }

  @Override public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
    long total = 0;
    for (int i = offset; i < offset + length; i++) total += write(srcs[i]);
    return total;
  }

  @Override public int write(ByteBuffer src, long at) throws IOException {
    if (!writable) throw new NonWritableChannelException();
    Integer n = io(SimulatedDisk.Op.WRITE, () -> {
      int want = src.remaining();
      long end = at + want;
      long growth = Math.max(0, end - inode.length);
      long room = disk.capacity - disk.used;
      int k = growth > room ? (int) Math.max(0, want - (growth - room)) : want;
      if (end > inode.data.length) inode.data = Arrays.copyOf(inode.data, (int) Math.max(end, inode.data.length * 2L));
      if (at > inode.length) Arrays.fill(inode.data, inode.length, (int) at, (byte) 0);
      src.get(inode.data, (int) at, k);
      long newLength = Math.max(inode.length, at + k);
      disk.used += newLength - inode.length;
      inode.length = (int) newLength;
      inode.modified = disk.now();
      if (k < want) throw new IOException("No space left on device");
      return k;
    });
    return n == null ? 0 : n;
  }

  @Override public long position() {
    return position;
  }

  @Override public FileChannel position(long p) {
    position = p;
    return this;
  }

  @Override public long size() throws IOException {
    Long n = io(SimulatedDisk.Op.STAT, () -> (long) inode.length);
    return n == null ? 0 : n;
  }

  @Override public FileChannel truncate(long size) throws IOException {
    if (!writable) throw new NonWritableChannelException();
    io(SimulatedDisk.Op.WRITE, () -> {
      if (size < inode.length) {
        disk.used -= inode.length - size;
        inode.length = (int) size;
      }
      return null;
    });
    position = Math.min(position, size);
    return this;
  }

  @Override public void force(boolean metaData) throws IOException {
    io(SimulatedDisk.Op.FORCE, () -> {
      inode.durable = Arrays.copyOf(inode.data, inode.length);
      return null;
    });
  }

  @Override public long transferTo(long at, long count, WritableByteChannel target) throws IOException {
    ByteBuffer b = ByteBuffer.allocate((int) Math.min(count, 1 << 20));
    int n = read(b, at);
    if (n <= 0) return 0;
    b.flip();
    return target.write(b);
  }

  @Override public long transferFrom(ReadableByteChannel src, long at, long count) throws IOException {
    ByteBuffer b = ByteBuffer.allocate((int) Math.min(count, 1 << 20));
    int n = src.read(b);
    if (n <= 0) return 0;
    b.flip();
    return write(b, at);
  }

  @Override public MappedByteBuffer map(MapMode mode, long at, long size) {
    throw new UnsupportedOperationException("the simulated disk does not map files");
  }

  @Override public FileLock lock(long at, long size, boolean shared) {
    throw new UnsupportedOperationException("use Storage.lock");
  }

  @Override public FileLock tryLock(long at, long size, boolean shared) {
    throw new UnsupportedOperationException("use Storage.lock");
  }

  @Override protected void implCloseChannel() {
    // nothing is held
  }
}
