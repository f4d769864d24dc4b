package dev.gozo.gateway.results;

import dev.gozo.gateway.GatewayConfig;
import dev.gozo.jobspec.Violation;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The {@code ?wait=true&timeoutMs=N} query of POST and GET. Parsed by hand from strings so that a
 * malformed value is a 400 naming the parameter, not a conversion error.
 *
 * @param timeout how long to wait; zero when the request does not wait
 */
public record WaitRequest(Duration timeout) {

  public boolean waits() {
    return !timeout.isZero();
  }

  /** Parses the two parameters, adding problems to {@code problems}; null values mean absent. */
  public static WaitRequest parse(
      String wait, String timeoutMs, GatewayConfig config, List<Violation> problems) {
    boolean waits = false;
    if (wait != null) {
      switch (wait.trim().toLowerCase(Locale.ROOT)) {
        case "true", "1", "" -> waits = true;
        case "false", "0" -> waits = false;
        default -> problems.add(new Violation("wait", "must be true or false"));
      }
    }
    long millis = config.waitTimeoutMs();
    if (timeoutMs != null) {
      try {
        millis = Long.parseLong(timeoutMs.trim());
        if (millis <= 0) {
          problems.add(new Violation("timeoutMs", "must be positive"));
        }
      } catch (NumberFormatException e) {
        problems.add(new Violation("timeoutMs", "must be a whole number of milliseconds"));
      }
    }
    // Above the cap a request waits for the cap: it still gets an answer, just sooner.
    millis = Math.max(1, Math.min(millis, config.maxWaitTimeoutMs()));
    return new WaitRequest(waits ? Duration.ofMillis(millis) : Duration.ZERO);
  }
}
