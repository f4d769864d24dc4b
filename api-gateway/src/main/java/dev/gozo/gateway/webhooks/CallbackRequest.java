package dev.gozo.gateway.webhooks;

/**
 * The {@code "callback": {"url", "secret"}} of a request, as read from its JSON: not yet checked
 * against the allow-list ({@link CallbackPolicy#check}).
 */
public record CallbackRequest(String url, String secret) {

  @Override
  public String toString() {
    return "CallbackRequest[url=" + url + ", secret=***]"; // never the secret, even in a log
  }
}
