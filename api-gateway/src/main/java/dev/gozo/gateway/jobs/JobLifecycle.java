package dev.gozo.gateway.jobs;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The one table of allowed phase changes. Events and results arrive from different topics and
 * partitions, so they may come in any order; whatever is not allowed here is ignored, which keeps a
 * job from going backwards (a late "queued" after "running") and makes the first final result the
 * only one (a redelivered job may be finished twice).
 */
public final class JobLifecycle {

  private static final Map<JobPhase, Set<JobPhase>> NEXT = new EnumMap<>(JobPhase.class);

  static {
    NEXT.put(JobPhase.QUEUED, EnumSet.of(JobPhase.RUNNING, JobPhase.FINISHED));
    // RUNNING again: the job was redelivered to another worker after the first one died.
    NEXT.put(JobPhase.RUNNING, EnumSet.of(JobPhase.RUNNING, JobPhase.FINISHED));
    NEXT.put(JobPhase.FINISHED, EnumSet.noneOf(JobPhase.class));
  }

  private JobLifecycle() {}

  /** Whether a job in phase {@code from} (null: not known yet) may move to {@code to}. */
  public static boolean allows(JobPhase from, JobPhase to) {
    return from == null || NEXT.get(from).contains(to);
  }
}
