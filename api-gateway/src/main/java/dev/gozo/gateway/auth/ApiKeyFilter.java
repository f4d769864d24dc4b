package dev.gozo.gateway.auth;

import dev.gozo.gateway.problems.Problems;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import java.util.Locale;

/**
 * Requires {@code Authorization: Bearer <key>} on the executions API and records the key's tenant
 * as a request attribute. {@code /v1/runtimes} and {@code /health} stay public: they reveal nothing
 * about any tenant's jobs.
 *
 * <p>The interactive WebSocket ({@value #INTERACTIVE_PATH}) also takes the key as {@code
 * ?access_token=<key>}: browsers cannot set headers on a WebSocket. Only there: elsewhere a key in
 * the URL would end up in logs and histories for no reason.
 *
 * <p>Judge0's submissions ({@code /judge0/submissions}) take the key as Judge0 clients send it,
 * {@code X-Auth-Token: <key>}, or as a Bearer token.
 */
@ServerFilter({
  "/v1/executions",
  "/v1/executions/**",
  "/judge0/submissions",
  "/judge0/submissions/**"
})
public final class ApiKeyFilter {

  /** Request attribute holding the authenticated tenant. */
  public static final String TENANT_ATTRIBUTE = "gozo.tenant";

  private static final String BEARER = "bearer ";

  /** Judge0 CE's clients send the key as {@code X-Auth-Token: <key>}; accepted under /judge0/. */
  static final String JUDGE0_TOKEN_HEADER = "X-Auth-Token";

  /** The one path that also accepts {@code ?access_token=}. */
  public static final String INTERACTIVE_PATH = "/v1/executions/interactive";

  private final ApiKeys keys;

  public ApiKeyFilter(ApiKeys keys) {
    this.keys = keys;
  }

  /** Null lets the request through; a response ends it. */
  @RequestFilter
  @Nullable
  public HttpResponse<?> authenticate(HttpRequest<?> request) {
    String header = request.getHeaders().get(HttpHeaders.AUTHORIZATION);
    String judge0Token = request.getHeaders().get(JUDGE0_TOKEN_HEADER);
    if (request.getPath().startsWith("/judge0/")) {
      if (judge0Token == null && header == null) {
        return Problems.unauthorized("send the API key as 'X-Auth-Token: <key>'");
      }
      if (judge0Token != null) {
        return accept(request, judge0Token.trim());
      }
    }
    if (header == null && INTERACTIVE_PATH.equals(request.getPath())) {
      String token = request.getParameters().get("access_token");
      if (token != null) {
        return accept(request, token.trim());
      }
    }
    if (header == null) {
      return Problems.unauthorized("send the API key as 'Authorization: Bearer <key>'");
    }
    if (header.length() <= BEARER.length()
        || !header.substring(0, BEARER.length()).toLowerCase(Locale.ROOT).equals(BEARER)) {
      return Problems.unauthorized("the Authorization header must use the Bearer scheme");
    }
    return accept(request, header.substring(BEARER.length()).trim());
  }

  private HttpResponse<?> accept(HttpRequest<?> request, String key) {
    var tenant = keys.tenantFor(key);
    if (tenant.isEmpty()) {
      return Problems.unauthorized("the API key is not valid");
    }
    request.setAttribute(TENANT_ATTRIBUTE, tenant.get());
    return null;
  }
}
