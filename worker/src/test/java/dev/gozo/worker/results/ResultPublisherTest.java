package dev.gozo.worker.results;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.gozo.protocol.v1.JobCompleted;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A result that cannot be published is reported as such to the caller (which hands the job back)
 * and in the log with the job's id and the cause; before, the cause was dropped silently.
 */
class ResultPublisherTest {

  private final Logger logger = (Logger) LoggerFactory.getLogger(ResultPublisher.class);
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

  @BeforeEach
  void captureLog() {
    logged.start();
    logger.addAppender(logged);
  }

  @AfterEach
  void releaseLog() {
    logger.detachAppender(logged);
  }

  @Test
  void shouldLogTheJobAndTheCauseWhenAResultCannotBePublished() {
    // given: no broker listens on this local port
    try (ResultPublisher publisher =
        new ResultPublisher("127.0.0.1:1", "results", "events", Duration.ofSeconds(1))) {

      // when
      boolean published =
          publisher.publish(JobCompleted.newBuilder().setJobId("job-lost-1").build());

      // then
      assertThat(published).isFalse();
      assertThat(logged.list)
          .anySatisfy(
              event -> {
                assertThat(event.getFormattedMessage()).contains("job-lost-1");
                assertThat(event.getThrowableProxy()).as("the cause").isNotNull();
              });
    }
  }
}
