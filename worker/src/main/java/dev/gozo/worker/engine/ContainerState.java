package dev.gozo.worker.engine;

import java.time.Instant;

/**
 * A container as {@link ContainerEngine#inspect} sees it.
 *
 * @param running whether its process runs
 * @param exitCode its exit status once it has exited; -1 while unknown
 * @param oomKilled whether the engine saw the kernel's OOM killer end it
 * @param pid its main process on the engine's host; -1 when not running or unknown
 * @param created when the engine created it, by the engine's clock
 */
public record ContainerState(
    boolean running, int exitCode, boolean oomKilled, long pid, Instant created) {}
