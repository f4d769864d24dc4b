package dev.gozo.gateway.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gozo.protocol.v1.JobOutput;
import dev.gozo.protocol.v1.OutputStream;
import org.junit.jupiter.api.Test;

class RecentStreamsTest {

  @Test
  void shouldHandOutOnlyStreamsKnownWholeFromTheirFirstRecord() {
    RecentStreams streams = new RecentStreams(1 << 20, 1 << 16);

    streams.expect("expected"); // submitted after the feed began: nothing can be missing
    streams.add("from-start", chunk(1, 1, 10));
    streams.add("from-start", chunk(1, 2, 10));
    streams.add("joined-late", chunk(1, 5, 10));

    assertThat(streams.snapshot("expected")).hasValueSatisfying(r -> assertThat(r).isEmpty());
    assertThat(streams.snapshot("from-start")).hasValueSatisfying(r -> assertThat(r).hasSize(2));
    assertThat(streams.snapshot("joined-late")).isEmpty();
    assertThat(streams.snapshot("never-seen")).isEmpty();
  }

  @Test
  void shouldDropAStreamThatOutgrowsItsBoundAndNeverCallItWholeAgain() {
    RecentStreams streams = new RecentStreams(1 << 20, 1000);
    streams.expect("big");

    for (int seq = 1; seq <= 5; seq++) {
      streams.add("big", chunk(1, seq, 300));
    }
    streams.expect("big"); // a late queued event must not make it whole again

    assertThat(streams.snapshot("big")).isEmpty();
    assertThat(streams.bytes()).isEqualTo(RecentStreams.STREAM_OVERHEAD_BYTES);
  }

  @Test
  void shouldEvictTheLeastRecentlyUsedStreamsBeyondTheTotalBound() {
    long perStream = RecentStreams.STREAM_OVERHEAD_BYTES + weightOf(chunk(1, 1, 1000));
    RecentStreams streams = new RecentStreams(3 * perStream, 2000);
    streams.add("a", chunk(1, 1, 1000));
    streams.add("b", chunk(1, 1, 1000));
    streams.add("c", chunk(1, 1, 1000));
    streams.snapshot("a"); // used: b is now the least recently used

    streams.add("d", chunk(1, 1, 1000));

    assertThat(streams.snapshot("b")).isEmpty();
    assertThat(streams.snapshot("a")).isPresent();
    assertThat(streams.snapshot("d")).isPresent();
    assertThat(streams.bytes()).isLessThanOrEqualTo(3 * perStream);
  }

  private static long weightOf(JobOutput record) {
    return RecentStreams.RECORD_OVERHEAD_BYTES + record.getSerializedSize();
  }

  private static JobOutput chunk(int attempt, long seq, int size) {
    return StreamSequencerTest.chunk(attempt, seq, OutputStream.STDOUT, "x".repeat(size));
  }
}
