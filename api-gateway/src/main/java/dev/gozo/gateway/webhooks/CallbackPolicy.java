package dev.gozo.gateway.webhooks;

import dev.gozo.gateway.GatewayConfig;
import dev.gozo.jobspec.Violation;
import jakarta.inject.Singleton;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which webhook targets are allowed: the operator's allow-list ({@code
 * GOZO_CALLBACK_ALLOWED_HOSTS}), checked when a job is submitted and again before every delivery
 * attempt, so a webhook never becomes a way into the operator's network and a host taken off the
 * list is no longer called, even for jobs accepted before.
 *
 * <p>Hosts are compared as written, lowercased, without a trailing dot: {@code 127.0.0.1} does not
 * allow {@code 127.1} nor {@code localhost}. That errs on the side of refusing. An entry {@code
 * host:port} (or {@code [v6]:port}) allows that port only; a bare host allows any port. Empty list:
 * webhooks are off, and every callback is refused.
 */
@Singleton
public final class CallbackPolicy {

  /** The longest URL accepted; more is no webhook receiver's address. */
  static final int MAX_URL_LENGTH = 2048;

  /** The longest secret: HMAC hashes longer keys first, so more buys nothing. */
  static final int MAX_SECRET_LENGTH = 256;

  private record Entry(String host, int port) {
    boolean allows(String otherHost, int otherPort) {
      return host.equals(otherHost) && (port < 0 || port == otherPort);
    }
  }

  private final List<Entry> allowed;

  public CallbackPolicy(GatewayConfig config) {
    this(config.callbackAllowedHosts());
  }

  /** From the variable's value; throws, naming the variable, for an entry it cannot read. */
  public CallbackPolicy(String allowedHosts) {
    List<Entry> entries = new ArrayList<>();
    for (String raw : allowedHosts == null ? new String[0] : allowedHosts.split(",")) {
      String item = raw.trim();
      if (!item.isEmpty()) {
        entries.add(parse(item));
      }
    }
    this.allowed = List.copyOf(entries);
  }

  public boolean enabled() {
    return !allowed.isEmpty();
  }

  /** What is wrong with a request's callback, fields named as in the JSON; empty when allowed. */
  public List<Violation> check(CallbackRequest callback) {
    List<Violation> problems = new ArrayList<>();
    if (!enabled()) {
      problems.add(
          new Violation(
              "callback", "webhooks are disabled on this server (no allowed callback hosts)"));
      return problems;
    }
    String secret = callback.secret();
    if (secret == null || secret.isEmpty()) {
      problems.add(new Violation("callback.secret", "is required (1-256 characters)"));
    } else if (secret.length() > MAX_SECRET_LENGTH) {
      problems.add(new Violation("callback.secret", "must be at most 256 characters"));
    }
    urlProblem(callback.url()).ifPresent(m -> problems.add(new Violation("callback.url", m)));
    return problems;
  }

  /**
   * Why this URL may not be called now, or empty when it may: the check of {@link #check} that the
   * dispatcher repeats before every attempt.
   */
  public Optional<String> urlProblem(String url) {
    if (url == null || url.isEmpty()) {
      return Optional.of("is required");
    }
    if (!enabled()) {
      return Optional.of("webhooks are disabled on this server");
    }
    if (url.length() > MAX_URL_LENGTH) {
      return Optional.of("must be at most " + MAX_URL_LENGTH + " characters");
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      return Optional.of("is not a valid URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      return Optional.of("must be an http or https URL");
    }
    if (uri.getRawUserInfo() != null) {
      return Optional.of("must not contain user info (user:password@)");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      return Optional.of("must name a host");
    }
    String host = normalize(uri.getHost());
    int port = uri.getPort() >= 0 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
    if (allowed.stream().noneMatch(entry -> entry.allows(host, port))) {
      return Optional.of(
          "host '" + host + "' (port " + port + ") is not in this server's webhook allow-list");
    }
    return Optional.empty();
  }

  private static Entry parse(String item) {
    String host;
    int port = -1;
    String portText = null;
    if (item.startsWith("[")) {
      int close = item.indexOf(']');
      if (close < 0) {
        throw invalid(item);
      }
      host = item.substring(1, close);
      String rest = item.substring(close + 1);
      if (!rest.isEmpty()) {
        if (!rest.startsWith(":")) {
          throw invalid(item);
        }
        portText = rest.substring(1);
      }
    } else if (item.indexOf(':') >= 0 && item.indexOf(':') == item.lastIndexOf(':')) {
      host = item.substring(0, item.indexOf(':'));
      portText = item.substring(item.indexOf(':') + 1);
    } else {
      host = item; // a name, an IPv4 address, or a bare IPv6 address
    }
    if (portText != null) {
      try {
        port = Integer.parseInt(portText);
      } catch (NumberFormatException e) {
        throw invalid(item);
      }
      if (port < 1 || port > 65535) {
        throw invalid(item);
      }
    }
    host = normalize(host);
    if (host.isEmpty() || !host.matches("[a-z0-9._:-]+")) {
      throw invalid(item);
    }
    return new Entry(host, port);
  }

  private static String normalize(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
  }

  private static IllegalArgumentException invalid(String item) {
    return new IllegalArgumentException(
        "invalid gateway configuration: GOZO_CALLBACK_ALLOWED_HOSTS entry '"
            + item
            + "' is not a host, host:port or [IPv6]:port");
  }
}
