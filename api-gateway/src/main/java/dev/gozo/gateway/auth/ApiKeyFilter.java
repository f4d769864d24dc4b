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
 */
@ServerFilter({"/v1/executions", "/v1/executions/**"})
public final class ApiKeyFilter {

  /** Request attribute holding the authenticated tenant. */
  public static final String TENANT_ATTRIBUTE = "gozo.tenant";

  private static final String BEARER = "bearer ";

  private final ApiKeys keys;

  public ApiKeyFilter(ApiKeys keys) {
    this.keys = keys;
  }

  /** Null lets the request through; a response ends it. */
  @RequestFilter
  @Nullable
  public HttpResponse<?> authenticate(HttpRequest<?> request) {
    String header = request.getHeaders().get(HttpHeaders.AUTHORIZATION);
    if (header == null) {
      return Problems.unauthorized("send the API key as 'Authorization: Bearer <key>'");
    }
    if (header.length() <= BEARER.length()
        || !header.substring(0, BEARER.length()).toLowerCase(Locale.ROOT).equals(BEARER)) {
      return Problems.unauthorized("the Authorization header must use the Bearer scheme");
    }
    String key = header.substring(BEARER.length()).trim();
    var tenant = keys.tenantFor(key);
    if (tenant.isEmpty()) {
      return Problems.unauthorized("the API key is not valid");
    }
    request.setAttribute(TENANT_ATTRIBUTE, tenant.get());
    return null;
  }
}
