package dev.gozo.worker.engine;

import java.util.Map;

/**
 * A container as {@link ContainerEngine#list} sees it.
 *
 * @param id the container
 * @param labels its labels (empty when it has none)
 * @param createdEpochSecond the engine's creation time, in whole seconds (truncated)
 * @param state the engine's word for its state, e.g. "created", "running", "removing"
 */
public record ContainerSummary(
    String id, Map<String, String> labels, long createdEpochSecond, String state) {

  public ContainerSummary {
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }

  /** Whether the engine is removing it already. */
  public boolean removing() {
    return "removing".equals(state);
  }
}
