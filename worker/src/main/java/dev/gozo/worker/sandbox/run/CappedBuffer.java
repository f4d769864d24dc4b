package dev.gozo.worker.sandbox.run;

import java.io.ByteArrayOutputStream;

/** Keeps at most {@code capacity} bytes and remembers whether more were offered. */
final class CappedBuffer {

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final long capacity;
  private boolean truncated;

  CappedBuffer(long capacity) {
    this.capacity = capacity;
  }

  /** Appends what fits; returns how many bytes did not fit. */
  long append(byte[] data, int offset, int length) {
    long room = Math.max(0, capacity - bytes.size());
    int kept = (int) Math.min(room, length);
    bytes.write(data, offset, kept);
    if (kept < length) {
      truncated = true;
    }
    return length - kept;
  }

  void append(byte value) {
    append(new byte[] {value}, 0, 1);
  }

  /** How many more bytes fit. */
  long remaining() {
    return Math.max(0, capacity - bytes.size());
  }

  void markTruncated() {
    truncated = true;
  }

  byte[] toByteArray() {
    return bytes.toByteArray();
  }

  boolean truncated() {
    return truncated;
  }
}
