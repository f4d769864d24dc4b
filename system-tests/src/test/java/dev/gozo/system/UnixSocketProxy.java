package dev.gozo.system;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A Unix-socket proxy in front of the real Docker engine, so a test can make "Docker" fail for one
 * worker (every connection drops, new ones are refused) without disturbing the engine that
 * everything else on the machine uses.
 */
final class UnixSocketProxy implements AutoCloseable {

  private final Path listenPath;
  private final Path targetPath;
  private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
  private volatile ServerSocketChannel server;

  UnixSocketProxy(Path listenPath, Path targetPath) {
    this.listenPath = listenPath;
    this.targetPath = targetPath;
  }

  String dockerHost() {
    return "unix://" + listenPath;
  }

  synchronized void up() throws IOException {
    if (server != null) {
      return;
    }
    Files.deleteIfExists(listenPath);
    ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    channel.bind(UnixDomainSocketAddress.of(listenPath));
    server = channel;
    Thread acceptor = new Thread(() -> acceptLoop(channel), "docker-proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** The engine "fails": open connections drop, new ones are refused. */
  synchronized void down() throws IOException {
    if (server != null) {
      server.close();
      server = null;
    }
    for (SocketChannel channel : open) {
      channel.close();
    }
    open.clear();
    Files.deleteIfExists(listenPath);
  }

  private void acceptLoop(ServerSocketChannel channel) {
    while (channel.isOpen()) {
      try {
        SocketChannel client = channel.accept();
        SocketChannel upstream = SocketChannel.open(UnixDomainSocketAddress.of(targetPath));
        open.add(client);
        open.add(upstream);
        pump(client, upstream);
        pump(upstream, client);
      } catch (IOException e) {
        return;
      }
    }
  }

  private void pump(SocketChannel from, SocketChannel to) {
    Thread thread =
        new Thread(
            () -> {
              ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
              try {
                while (from.read(buffer) >= 0) {
                  buffer.flip();
                  while (buffer.hasRemaining()) {
                    to.write(buffer);
                  }
                  buffer.clear();
                }
                to.shutdownOutput();
              } catch (IOException e) {
                closeQuietly(from);
                closeQuietly(to);
              }
            },
            "docker-proxy-pump");
    thread.setDaemon(true);
    thread.start();
  }

  private static void closeQuietly(SocketChannel channel) {
    try {
      channel.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    down();
  }
}
