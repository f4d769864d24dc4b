package dev.gozo.worker.live;

import dev.gozo.protocol.v1.ExecuteJob;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * {@link LiveJobs} over Kafka: output to gozo.output through one producer, input and cancels from
 * gozo.input through one {@link InputRouter}, and one timer thread for deferred output flushes.
 */
public final class KafkaLiveJobs implements LiveJobs {

  /** The longest idle limit a job may ask for. */
  static final Duration MAX_IDLE = Duration.ofHours(1);

  private final OutputPublisher output;
  private final InputRouter input;
  private final ScheduledExecutorService timer;
  private final Duration defaultIdle;

  public KafkaLiveJobs(
      String bootstrap,
      String outputTopic,
      String inputTopic,
      Duration inputLookback,
      Duration defaultIdle,
      Duration sendTimeout) {
    this.output = new OutputPublisher(bootstrap, outputTopic, sendTimeout);
    this.input = new InputRouter(bootstrap, inputTopic, inputLookback);
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "gozo-output-flush");
              thread.setDaemon(true);
              return thread;
            });
    this.defaultIdle = defaultIdle;
    input.start();
  }

  @Override
  public boolean cancelled(String jobId, String tenant) {
    return input.cancelled(jobId, tenant);
  }

  @Override
  public LiveJob open(ExecuteJob job, int attempt) {
    Duration idle =
        job.getIdleTimeoutMs() > 0
            ? Duration.ofMillis(Math.min(job.getIdleTimeoutMs(), MAX_IDLE.toMillis()))
            : defaultIdle;
    KafkaLiveJob[] self = new KafkaLiveJob[1];
    KafkaLiveJob live =
        new KafkaLiveJob(
            job.getJobId(),
            job.getTenant(),
            attempt,
            job.getInteractive(),
            idle,
            output::send,
            timer,
            () -> input.unregister(self[0]));
    self[0] = live;
    input.register(live);
    return live;
  }

  @Override
  public void close() {
    input.close();
    timer.shutdownNow();
    output.close();
  }
}
