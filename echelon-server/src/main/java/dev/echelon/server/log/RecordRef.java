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

  /** This reference with its record's tally left on disk. */
  RecordRef withoutTally() {
    ChunkRecord r = record.withoutTally();
    return r == record ? this : new RecordRef(offset, length, headerLength, r);
  }

  long end() {
    return offset + length;
  }
}
