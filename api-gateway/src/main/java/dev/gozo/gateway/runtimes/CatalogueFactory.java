package dev.gozo.gateway.runtimes;

import dev.gozo.gateway.GatewayConfig;
import dev.gozo.jobspec.JobBounds;
import dev.gozo.jobspec.JobValidator;
import dev.gozo.jobspec.RuntimeCatalogue;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

/**
 * The runtime catalogue (GOZO_CATALOGUE, or the copy bundled in jobspec) and the validator built on
 * it. Loaded at start-up so a broken catalogue stops the gateway instead of failing requests.
 */
@Factory
public final class CatalogueFactory {

  @Context
  public RuntimeCatalogue catalogue(GatewayConfig config) {
    return RuntimeCatalogue.load(config.catalogue());
  }

  @Singleton
  public JobValidator validator(RuntimeCatalogue catalogue) {
    return new JobValidator(catalogue, JobBounds.defaults());
  }
}
