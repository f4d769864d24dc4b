package dev.gozo.worker.sandbox;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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
    List<Container> sandboxes =
        docker
            .listContainersCmd()
            .withShowAll(true)
            .withLabelFilter(java.util.Map.of(ContainerFactory.ROLE_LABEL, "sandbox"))
            .exec();
    long staleBefore = Instant.now().minus(staleAfter).getEpochSecond();
    int removed = 0;
    for (Container container : sandboxes) {
      String owner = container.getLabels().get(ContainerFactory.OWNER_LABEL);
      boolean mine = ownerId.equals(owner);
      boolean stale = container.getCreated() != null && container.getCreated() < staleBefore;
      if (mine || stale) {
        try {
          docker.removeContainerCmd(container.getId()).withForce(true).exec();
          removed++;
        } catch (NotFoundException e) {
          // someone else removed it first
        }
      }
    }
    if (removed > 0) {
      LOG.info("removed {} orphaned sandbox containers", removed);
    }
    return removed;
  }
}
