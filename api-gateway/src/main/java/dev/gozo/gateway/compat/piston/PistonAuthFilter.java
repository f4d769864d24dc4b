package dev.gozo.gateway.compat.piston;

import dev.gozo.gateway.GatewayConfig;
import dev.gozo.gateway.auth.ApiKeyFilter;
import dev.gozo.gateway.problems.Problem;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;

/**
 * Who a Piston request runs as. Piston has no keys: a request that sends {@code Authorization:
 * Bearer <key>} is checked exactly as on our own API ({@link ApiKeyFilter}, one rule for keys); one
 * that sends none runs as {@code GOZO_PISTON_ANONYMOUS_TENANT} when the operator set one (that
 * tenant's queue bound applies to all of them together), else gets 401. Errors are Piston's {@code
 * {"message"}}. {@code GET /api/v2/runtimes} stays public, as {@code /v1/runtimes} is.
 */
@ServerFilter({"/api/v2/execute", "/api/v2/connect"})
public final class PistonAuthFilter {

  private final ApiKeyFilter keys;
  private final String anonymousTenant;

  PistonAuthFilter(ApiKeyFilter keys, GatewayConfig config) {
    this.keys = keys;
    this.anonymousTenant = config.pistonAnonymousTenant();
  }

  /** Null lets the request through; a response ends it. */
  @RequestFilter
  @Nullable
  public HttpResponse<?> authenticate(HttpRequest<?> request) {
    if (request.getHeaders().get(HttpHeaders.AUTHORIZATION) == null) {
      if (anonymousTenant.isEmpty()) {
        return PistonError.respond(
            HttpStatus.UNAUTHORIZED,
            "send an API key as 'Authorization: Bearer <key>'; this server accepts no anonymous"
                + " Piston requests");
      }
      request.setAttribute(ApiKeyFilter.TENANT_ATTRIBUTE, anonymousTenant);
      return null;
    }
    HttpResponse<?> refused = keys.authenticate(request);
    if (refused == null) {
      return null;
    }
    String detail =
        refused.getBody(Problem.class).map(Problem::detail).orElse("the API key is not valid");
    return PistonError.respond(HttpStatus.UNAUTHORIZED, detail);
  }
}
