package dev.gozo.worker.sandbox;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes sandboxes a previous life of this worker left behind (it was killed mid-job), and
 * sandboxes of any owner that are older than any job can run, which only a dead worker leaves.
 */
public final class Orphans {

  private static final Logger LOG = LoggerFactory.getLogger(Orphans.class);

  private Orphans() {}

  /** Returns how many containers were removed. */
  public static int sweep(DockerClient docker, String ownerId, Duration staleAfter) {
    long staleBefore = Instant.now().minus(staleAfter).getEpochSecond();
    List<Container> orphans =
        listLabelled(docker, ContainerFactory.ROLE_LABEL, "sandbox").stream()
            .filter(
                container ->
                    ownerId.equals(container.getLabels().get(ContainerFactory.OWNER_LABEL))
                        || container.getCreated() != null && container.getCreated() < staleBefore)
            .toList();
    int removed = forceRemove(docker, orphans);
    if (removed > 0) {
      LOG.info("removed {} orphaned sandbox containers", removed);
    }
    return removed;
  }

  /**
   * Removes every container OWNER still has and waits, up to TIMEOUT, until the engine lists none.
   * A container whose removal began elsewhere (its job's own clean-up) is listed as "removing" for
   * a moment; a worker that reports a clean stop must not exit before those are gone too. Returns
   * whether none is left.
   */
  public static boolean removeAllOwnedBy(DockerClient docker, String ownerId, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    while (true) {
      List<Container> left = listLabelled(docker, ContainerFactory.OWNER_LABEL, ownerId);
      if (left.isEmpty()) {
        return true;
      }
      if (Instant.now().isAfter(deadline)) {
        LOG.warn("{} sandbox containers still listed after stop: {}", left.size(), left.stream().map(Container::getId).toList());
        return false;
      }
      forceRemove(
          docker, left.stream().filter(container -> !"removing".equals(container.getState())).toList());
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
  }

  private static List<Container> listLabelled(DockerClient docker, String label, String value) {
    return docker.listContainersCmd().withShowAll(true).withLabelFilter(Map.of(label, value)).exec();
  }

  /** Force-removes the containers; returns how many this call removed. */
  private static int forceRemove(DockerClient docker, List<Container> containers) {
    int removed = 0;
    for (Container container : containers) {
      try {
        docker.removeContainerCmd(container.getId()).withForce(true).exec();
        removed++;
      } catch (NotFoundException | ConflictException e) {
        // gone already, or its removal is under way elsewhere
      }
    }
    return removed;
  }
}
