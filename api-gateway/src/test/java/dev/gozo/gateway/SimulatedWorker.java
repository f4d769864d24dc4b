package dev.gozo.gateway;

import dev.gozo.protocol.v1.ExecuteJob;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Plays the worker fleet: every job that appears on the fixture's jobs topic is "run" at once, with
 * a started event and a SUCCEEDED result echoing the job id. No sandbox, no Docker: this measures
 * the gateway and Kafka, not execution.
 */
public final class SimulatedWorker implements AutoCloseable {

  private final KafkaFixture kafka;
  private final Set<String> answered = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Thread thread;

  public SimulatedWorker(KafkaFixture kafka) {
    this.kafka = kafka;
    this.thread = new Thread(this::run, "simulated-worker");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    while (running.get()) {
      try {
        Map<String, ExecuteJob> jobs = kafka.pollJobs();
        for (ExecuteJob job : jobs.values()) {
          if (answered.add(job.getJobId())) {
            kafka.publishStarted(job, "simulated");
            kafka.publishResult(
                KafkaFixture.succeeded(job, "simulated", job.getJobId().getBytes()));
          }
        }
      } catch (Exception e) {
        if (running.get()) {
          System.err.println("simulated worker: " + e);
        }
      }
    }
  }

  public int answered() {
    return answered.size();
  }

  @Override
  public void close() throws InterruptedException {
    running.set(false);
    thread.join(Duration.ofSeconds(10).toMillis());
  }
}
