package dev.echelon.server.log;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;

/** How the log opens the files it writes; tests pass one that fails part-way, as a full disk does. */
@FunctionalInterface
interface Channels {
  Channels DEFAULT = FileChannel::open;

  FileChannel open(Path file, OpenOption... options) throws IOException;
}
