package dev.gozo.gateway.runtimes;

import dev.gozo.jobspec.RuntimeCatalogue;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import java.util.List;

/** {@code GET /v1/runtimes}: public, the catalogue is not a secret. */
@Controller("/v1/runtimes")
public final class RuntimesController {

  private final List<RuntimeView> runtimes;

  public RuntimesController(RuntimeCatalogue catalogue) {
    // The catalogue is fixed for the life of the process, so the answer is computed once.
    this.runtimes = catalogue.runtimes().stream().map(RuntimeView::of).toList();
  }

  @Get
  public List<RuntimeView> list() {
    return runtimes;
  }
}
