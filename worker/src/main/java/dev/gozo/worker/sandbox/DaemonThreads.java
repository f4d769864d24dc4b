package dev.gozo.worker.sandbox;

import java.util.concurrent.ThreadFactory;

/** Named daemon threads for the sandbox's background work, which must never keep the JVM up. */
public final class DaemonThreads {

  private DaemonThreads() {}

  public static ThreadFactory named(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }
}
