package dev.gozo.jobspec;

/**
 * Linux x86-64 signal names ("SIGSEGV" for 11), for messages a person reads and for the
 * compatibility APIs that report a signal by name. Shared by the worker (verdict messages) and the
 * gateway.
 */
public final class SignalNames {

  private static final String[] NAMES = {
    "",
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
    "SIGSYS"
  };

  private SignalNames() {}

  public static String of(int signal) {
    return signal > 0 && signal < NAMES.length ? NAMES[signal] : "SIG" + signal;
  }
}
