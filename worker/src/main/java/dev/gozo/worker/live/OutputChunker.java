package dev.gozo.worker.live;

import dev.gozo.worker.sandbox.LiveSession;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Gathers a job's output between two publishes into chunks: consecutive writes to one stream are
 * merged, a change of stream starts a new chunk (so the order across stdout and stderr is kept),
 * and no chunk is larger than {@link #MAX_CHUNK_BYTES}. A chunk ends on a UTF-8 character boundary
 * where the bytes are UTF-8: up to three trailing bytes of an unfinished character wait for the
 * rest (or for {@link #drainAll}), so each chunk of text decodes on its own.
 *
 * <p>Not thread-safe; {@link KafkaLiveJob} serializes the calls.
 */
final class OutputChunker {

  /** The largest chunk: small enough for any broker's record limit, large enough for floods. */
  static final int MAX_CHUNK_BYTES = 32 * 1024;

  /** One chunk to publish. */
  record Chunk(LiveSession.Stream stream, byte[] data) {}

  private final List<Chunk> ready = new ArrayList<>();
  private LiveSession.Stream stream;
  private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

  void add(LiveSession.Stream from, byte[] data, int offset, int length) {
    if (length == 0) {
      return;
    }
    if (stream != from) {
      closePending(true);
      stream = from;
    }
    pending.write(data, offset, length);
    while (pending.size() >= MAX_CHUNK_BYTES) {
      byte[] bytes = pending.toByteArray();
      int cut = Utf8.boundaryAtOrBefore(bytes, MAX_CHUNK_BYTES);
      ready.add(new Chunk(stream, java.util.Arrays.copyOf(bytes, cut)));
      pending.reset();
      pending.write(bytes, cut, bytes.length - cut);
    }
  }

  /** Whether {@link #drain} would return anything. */
  boolean hasOutput() {
    return !ready.isEmpty() || pending.size() > 0;
  }

  /** The chunks complete so far; an unfinished UTF-8 character at the very end stays behind. */
  List<Chunk> drain() {
    closePending(false);
    return take();
  }

  /** Every byte, unfinished characters included: the step is over. */
  List<Chunk> drainAll() {
    closePending(true);
    return take();
  }

  private List<Chunk> take() {
    List<Chunk> out = List.copyOf(ready);
    ready.clear();
    return out;
  }

  private void closePending(boolean everything) {
    if (pending.size() == 0) {
      return;
    }
    byte[] bytes = pending.toByteArray();
    int cut = everything ? bytes.length : Utf8.boundaryAtOrBefore(bytes, bytes.length);
    if (cut > 0) {
      ready.add(new Chunk(stream, java.util.Arrays.copyOf(bytes, cut)));
    }
    pending.reset();
    pending.write(bytes, cut, bytes.length - cut);
  }
}
