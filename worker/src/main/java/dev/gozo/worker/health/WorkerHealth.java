package dev.gozo.worker.health;

import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/**
 * What the worker's {@code GET /health} reports: whether the Docker engine answers, whether the
 * share group is configured as the worker requires (it takes no job before), and how many job slots
 * are alive. The worker is up only when all three hold.
 */
public final class WorkerHealth {

  private final String workerId;
  private final BooleanSupplier engineAnswers;
  private final IntSupplier aliveSlots;
  private final int slots;
  private final IntSupplier slotRestarts;
  private volatile String shareGroupProblem = "not configured yet";

  public WorkerHealth(
      String workerId,
      BooleanSupplier engineAnswers,
      IntSupplier aliveSlots,
      int slots,
      IntSupplier slotRestarts) {
    this.workerId = workerId;
    this.engineAnswers = engineAnswers;
    this.aliveSlots = aliveSlots;
    this.slots = slots;
    this.slotRestarts = slotRestarts;
  }

  /** The share group is configured as required. */
  public void shareGroupConfigured() {
    shareGroupProblem = null;
  }

  /** The share group is not configured as required, and why. */
  public void shareGroupRefused(String problem) {
    shareGroupProblem = problem;
  }

  /** The state right now, probing the engine. */
  public Report report() {
    return new Report(
        workerId,
        engineAnswers.getAsBoolean(),
        shareGroupProblem,
        aliveSlots.getAsInt(),
        slots,
        slotRestarts.getAsInt());
  }

  /**
   * One look at the worker's health.
   *
   * @param shareGroupProblem null when the share group is configured as required
   */
  public record Report(
      String workerId,
      boolean engineReachable,
      String shareGroupProblem,
      int aliveSlots,
      int slots,
      int slotRestarts) {

    public boolean up() {
      return engineReachable && shareGroupProblem == null && aliveSlots == slots;
    }

    public String toJson() {
      return "{\"status\":\""
          + (up() ? "UP" : "DOWN")
          + "\",\"workerId\":"
          + quote(workerId)
          + ",\"engine\":{\"reachable\":"
          + engineReachable
          + "},\"shareGroup\":{\"configured\":"
          + (shareGroupProblem == null)
          + ",\"problem\":"
          + (shareGroupProblem == null ? "null" : quote(shareGroupProblem))
          + "},\"slots\":{\"alive\":"
          + aliveSlots
          + ",\"configured\":"
          + slots
          + ",\"restarts\":"
          + slotRestarts
          + "}}";
    }

    private static String quote(String text) {
      StringBuilder out = new StringBuilder("\"");
      for (char c : text.toCharArray()) {
        switch (c) {
          case '"' -> out.append("\\\"");
          case '\\' -> out.append("\\\\");
          default -> {
            if (c < 0x20) {
              out.append(String.format("\\u%04x", (int) c));
            } else {
              out.append(c);
            }
          }
        }
      }
      return out.append('"').toString();
    }
  }
}
