package dev.gozo.worker.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gozo.worker.sandbox.LiveSession.Stream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How output between two publishes becomes chunks: merged per stream, split on a change of stream
 * and at {@link OutputChunker#MAX_CHUNK_BYTES}, never inside a UTF-8 character unless the step is
 * over or the bytes are not UTF-8.
 */
class OutputChunkerTest {

  private final OutputChunker chunker = new OutputChunker();

  @Test
  void shouldMergeConsecutiveWritesToOneStream() {
    add(Stream.STDOUT, "hello ");
    add(Stream.STDOUT, "world\n");

    List<OutputChunker.Chunk> chunks = chunker.drain();

    assertThat(chunks).hasSize(1);
    assertThat(chunks.get(0).stream()).isEqualTo(Stream.STDOUT);
    assertThat(text(chunks.get(0))).isEqualTo("hello world\n");
    assertThat(chunker.hasOutput()).isFalse();
  }

  @Test
  void shouldStartANewChunkWhenTheStreamChangesAndKeepTheOrder() {
    add(Stream.STDOUT, "one ");
    add(Stream.STDOUT, "two ");
    add(Stream.STDERR, "oops ");
    add(Stream.STDOUT, "three");

    List<OutputChunker.Chunk> chunks = chunker.drain();

    assertThat(chunks)
        .extracting(OutputChunker.Chunk::stream)
        .containsExactly(Stream.STDOUT, Stream.STDERR, Stream.STDOUT);
    assertThat(chunks)
        .extracting(OutputChunkerTest::text)
        .containsExactly("one two ", "oops ", "three");
  }

  @Test
  void shouldNeverMakeAChunkLargerThanTheMaximum() {
    byte[] flood = new byte[100 * 1024];
    Arrays.fill(flood, (byte) 'x');

    chunker.add(Stream.STDOUT, flood, 0, flood.length);
    List<OutputChunker.Chunk> chunks = chunker.drain();

    assertThat(chunks).hasSize(4);
    assertThat(chunks)
        .allSatisfy(
            c -> assertThat(c.data().length).isLessThanOrEqualTo(OutputChunker.MAX_CHUNK_BYTES));
    assertThat(chunks.stream().mapToInt(c -> c.data().length).sum()).isEqualTo(flood.length);
  }

  @Test
  void shouldNotSplitACharacterAtTheMaximumChunkSize() {
    // 'é' is two bytes; written so that one of them would fall on the chunk limit
    byte[] text =
        ("x" + "é".repeat(OutputChunker.MAX_CHUNK_BYTES)).getBytes(StandardCharsets.UTF_8);

    chunker.add(Stream.STDOUT, text, 0, text.length);
    List<OutputChunker.Chunk> chunks = chunker.drainAll();

    assertThat(chunks).hasSizeGreaterThan(1);
    assertThat(chunks).allSatisfy(c -> assertThat(decodesOnItsOwn(c.data())).isTrue());
    assertThat(chunks)
        .allSatisfy(
            c -> assertThat(c.data().length).isLessThanOrEqualTo(OutputChunker.MAX_CHUNK_BYTES));
    assertThat(concat(chunks)).isEqualTo(text);
  }

  @Test
  void shouldHoldBackACharacterSplitAcrossWritesUntilItIsWhole() {
    byte[] euro = "€".getBytes(StandardCharsets.UTF_8); // three bytes
    add(Stream.STDOUT, "price: ");
    chunker.add(Stream.STDOUT, euro, 0, 2);

    List<OutputChunker.Chunk> first = chunker.drain();
    chunker.add(Stream.STDOUT, euro, 2, 1);
    List<OutputChunker.Chunk> second = chunker.drain();

    assertThat(first).extracting(OutputChunkerTest::text).containsExactly("price: ");
    assertThat(second).extracting(OutputChunkerTest::text).containsExactly("€");
  }

  @Test
  void shouldGiveEveryByteOnDrainAllEvenAnUnfinishedCharacter() {
    byte[] euro = "€".getBytes(StandardCharsets.UTF_8);
    add(Stream.STDOUT, "a");
    chunker.add(Stream.STDOUT, euro, 0, 2);

    List<OutputChunker.Chunk> chunks = chunker.drainAll();

    assertThat(concat(chunks)).isEqualTo(new byte[] {'a', euro[0], euro[1]});
    assertThat(chunker.hasOutput()).isFalse();
  }

  @Test
  void shouldCutBytesThatAreNotUtf8WithoutHoldingThemBack() {
    byte[] binary = {(byte) 0xff, (byte) 0x80, (byte) 0x80, (byte) 0xfe};

    chunker.add(Stream.STDERR, binary, 0, binary.length);
    List<OutputChunker.Chunk> chunks = chunker.drain();

    assertThat(chunks).singleElement().satisfies(c -> assertThat(c.data()).isEqualTo(binary));
    assertThat(chunker.hasOutput()).isFalse();
  }

  private void add(Stream stream, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    chunker.add(stream, bytes, 0, bytes.length);
  }

  private static String text(OutputChunker.Chunk chunk) {
    return new String(chunk.data(), StandardCharsets.UTF_8);
  }

  private static byte[] concat(List<OutputChunker.Chunk> chunks) {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    chunks.forEach(c -> all.writeBytes(c.data()));
    return all.toByteArray();
  }

  private static boolean decodesOnItsOwn(byte[] bytes) {
    try {
      StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes));
      return true;
    } catch (java.nio.charset.CharacterCodingException e) {
      return false;
    }
  }
}
