package dev.gozo.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TopicsTest {

  @Test
  void shouldPinTheProductionTopicsAndTheirSettings() {
    // given the defaults every service, script and fixture reads
    Topics topics = Topics.DEFAULT;

    // then: the names and settings the deployed system and the hidden checks rely on
    assertThat(topics.names())
        .containsExactly("gozo.jobs", "gozo.events", "gozo.results", "gozo.output", "gozo.input");
    assertThat(topics.allNames())
        .containsExactly(
            "gozo.jobs",
            "gozo.events",
            "gozo.results",
            "gozo.output",
            "gozo.input",
            "gozo.callbacks");
    assertThat(topics.shareGroup()).isEqualTo("gozo-workers");
    assertThat(topics.specs())
        .containsExactly(
            // one jobs partition: every worker slot takes any queued job (ADR 0006)
            new Topics.TopicSpec("gozo.jobs", 1, Map.of()),
            new Topics.TopicSpec("gozo.events", 6, Map.of("retention.ms", "86400000")),
            new Topics.TopicSpec(
                "gozo.results",
                6,
                Map.of("cleanup.policy", "compact,delete", "retention.ms", "604800000")),
            new Topics.TopicSpec("gozo.output", 6, Map.of("retention.ms", "86400000")),
            new Topics.TopicSpec("gozo.input", 6, Map.of("retention.ms", "3600000")),
            new Topics.TopicSpec(
                "gozo.callbacks",
                6,
                Map.of("cleanup.policy", "compact,delete", "retention.ms", "604800000")));
    assertThat(Topics.shareGroupSettings(Topics.LOCK_DURATION))
        .containsExactly(
            Map.entry("share.auto.offset.reset", "earliest"),
            Map.entry("share.record.lock.duration.ms", "90000"));
  }

  @Test
  void shouldNameAPrefixedSetLikeTheDefaultOne() {
    assertThat(Topics.withPrefix("gozo")).isEqualTo(Topics.DEFAULT);
    assertThat(Topics.withPrefix("it-1"))
        .isEqualTo(
            new Topics(
                "it-1.jobs",
                "it-1.events",
                "it-1.results",
                "it-1.output",
                "it-1.input",
                "it-1-workers",
                "it-1.callbacks"));
  }

  @Test
  void shouldRefuseABadRetentionNamingTheVariable() {
    assertThatThrownBy(
            () ->
                InitTopics.run(
                    new String[] {"127.0.0.1:1"}, Map.of("GOZO_EVENTS_RETENTION_MS", "1d")))
        .hasMessageContaining("GOZO_EVENTS_RETENTION_MS")
        .hasMessageContaining("'1d'");
  }
}
