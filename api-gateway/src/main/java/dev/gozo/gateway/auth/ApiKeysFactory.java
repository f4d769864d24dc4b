package dev.gozo.gateway.auth;

import dev.gozo.gateway.GatewayConfig;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;

/** Parses GOZO_API_KEYS when the application starts, not on the first request. */
@Factory
public final class ApiKeysFactory {

  @Context
  public ApiKeys apiKeys(GatewayConfig config) {
    return ApiKeys.parse(config.apiKeys());
  }
}
