package dev.gozo.worker.sandbox.container;

import java.io.InputStream;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The attached container's stdin, as an InputStream docker-java pumps into the hijacked connection.
 * It blocks until the worker has something to send, so one connection made when the container is
 * warmed up carries the job later without a new handshake.
 */
final class StdinFeed extends InputStream {

  private static final byte[] END = new byte[0];

  private final LinkedBlockingQueue<byte[]> chunks = new LinkedBlockingQueue<>();
  private byte[] current = new byte[0];
  private int position;
  private volatile boolean closed;
  private final java.util.concurrent.atomic.AtomicLong pending =
      new java.util.concurrent.atomic.AtomicLong();

  /** Bytes sent that the container has not read yet. */
  long pendingBytes() {
    return pending.get();
  }

  void send(byte[] data) {
    if (!closed && data.length > 0) {
      pending.addAndGet(data.length);
      chunks.add(data);
    }
  }

  @Override
  public int read() {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] target, int offset, int length) {
    if (length == 0) {
      return 0;
    }
    while (position >= current.length) {
      if (current == END) {
        return -1;
      }
      try {
        current = chunks.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return -1;
      }
      position = 0;
    }
    int n = Math.min(length, current.length - position);
    System.arraycopy(current, position, target, offset, n);
    position += n;
    pending.addAndGet(-n);
    return n;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      chunks.add(END);
    }
  }
}
