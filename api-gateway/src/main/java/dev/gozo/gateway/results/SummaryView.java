package dev.gozo.gateway.results;

import dev.gozo.protocol.v1.TestSummary;
import io.micronaut.serde.annotation.Serdeable;

/** A judged result's {@code summary}: how many tests passed, failed and were skipped. */
@Serdeable
public record SummaryView(int passed, int failed, int skipped) {

  public static SummaryView of(TestSummary summary) {
    return new SummaryView(summary.getPassed(), summary.getFailed(), summary.getSkipped());
  }
}
