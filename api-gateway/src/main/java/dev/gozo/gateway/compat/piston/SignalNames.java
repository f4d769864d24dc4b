package dev.gozo.gateway.compat.piston;

import java.util.List;

/**
 * Linux x86-64 signal numbers as Piston names them ({@code "SIGKILL"}). The worker keeps the same
 * table for its messages; the gateway cannot see the worker's, and jobspec has none yet.
 */
final class SignalNames {

  private static final List<String> NAMES =
      List.of(
          "SIGHUP",
          "SIGINT",
          "SIGQUIT",
          "SIGILL",
          "SIGTRAP",
          "SIGABRT",
          "SIGBUS",
          "SIGFPE",
          "SIGKILL",
          "SIGUSR1",
          "SIGSEGV",
          "SIGUSR2",
          "SIGPIPE",
          "SIGALRM",
          "SIGTERM",
          "SIGSTKFLT",
          "SIGCHLD",
          "SIGCONT",
          "SIGSTOP",
          "SIGTSTP",
          "SIGTTIN",
          "SIGTTOU",
          "SIGURG",
          "SIGXCPU",
          "SIGXFSZ",
          "SIGVTALRM",
          "SIGPROF",
          "SIGWINCH",
          "SIGIO",
          "SIGPWR",
          "SIGSYS");

  private SignalNames() {}

  /** The name of signal {@code number} (1-31), {@code "SIG<n>"} for others. */
  static String of(int number) {
    return number >= 1 && number <= NAMES.size() ? NAMES.get(number - 1) : "SIG" + number;
  }
}
