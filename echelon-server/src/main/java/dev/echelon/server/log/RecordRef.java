package dev.echelon.server.log;

/**
 * Where a record lies in its replay's log file.
 *
 * @param offset start of the record
 * @param length the whole record: prelude, header and payload
 * @param headerLength bytes of the header
 * @param record what the record says
 */
record RecordRef(long offset, int length, int headerLength, ChunkRecord record) {
  long payloadOffset() {
    return offset + RecordFormat.PRELUDE + headerLength;
  }

  int payloadLength() {
    return length - RecordFormat.PRELUDE - headerLength;
  }

  long end() {
    return offset + length;
  }
}
