package dev.gozo.gateway;

import java.util.concurrent.ThreadFactory;

/** Named daemon threads for the gateway's executors, which must never keep the JVM up. */
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
