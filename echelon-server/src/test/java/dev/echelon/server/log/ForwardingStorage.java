package dev.echelon.server.log;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.List;

/** A {@link Storage} that passes everything to another; tests override what they want to fail. */
public class ForwardingStorage implements Storage {
  protected final Storage delegate;

  public ForwardingStorage(Storage delegate) {
    this.delegate = delegate;
  }

  @Override public FileChannel open(Path file, OpenOption... options) throws IOException {
    return delegate.open(file, options);
  }

  @Override public Kind kind(Path path) {
    return delegate.kind(path);
  }

  @Override public void createDirectories(Path dir) throws IOException {
    delegate.createDirectories(dir);
  }

  @Override public List<Path> list(Path dir) throws IOException {
    return delegate.list(dir);
  }

  @Override public long size(Path file) throws IOException {
    return delegate.size(file);
  }

  @Override public boolean deleteIfExists(Path path) throws IOException {
    return delegate.deleteIfExists(path);
  }

  @Override public void move(Path from, Path to) throws IOException {
    delegate.move(from, to);
  }

  @Override public void forceDirectory(Path dir) throws IOException {
    delegate.forceDirectory(dir);
  }

  @Override public long lastModifiedMillis(Path file) throws IOException {
    return delegate.lastModifiedMillis(file);
  }

  @Override public void setLastModifiedMillis(Path file, long millis) throws IOException {
    delegate.setLastModifiedMillis(file, millis);
  }

  @Override public Closeable lock(Path file, String owner) throws IOException {
    return delegate.lock(file, owner);
  }
}
