package dev.gozo.worker.live;

/** Where UTF-8 characters begin and end in a run of bytes that may be cut anywhere. */
final class Utf8 {

  private Utf8() {}

  /**
   * The largest cut at or before {@code limit} that does not split a UTF-8 character: the bytes
   * before it end with a whole character. Bytes that are not UTF-8 (or a sequence longer than four)
   * are cut at {@code limit}: such output is shown as base64 anyway.
   */
  static int boundaryAtOrBefore(byte[] bytes, int limit) {
    // Walk back over at most three continuation bytes to the lead byte of the last character.
    int start = limit;
    int continuations = 0;
    while (start > 0 && continuations < 4 && isContinuation(bytes[start - 1])) {
      start--;
      continuations++;
    }
    if (start == 0) {
      return limit; // only continuation bytes: not text, cut anywhere
    }
    int lead = bytes[start - 1] & 0xff;
    int length = sequenceLength(lead);
    if (length <= 1) {
      // ASCII, or a stray continuation run after one: nothing to wait for
      return limit;
    }
    int have = continuations + 1;
    return have < length ? start - 1 : limit;
  }

  private static boolean isContinuation(byte value) {
    return (value & 0xc0) == 0x80;
  }

  /** The length of the sequence a lead byte starts; 1 for ASCII or a byte that leads nothing. */
  private static int sequenceLength(int lead) {
    if (lead >= 0xf0 && lead <= 0xf4) {
      return 4;
    }
    if (lead >= 0xe0) {
      return lead <= 0xef ? 3 : 1;
    }
    if (lead >= 0xc2) {
      return 2;
    }
    return 1;
  }
}
