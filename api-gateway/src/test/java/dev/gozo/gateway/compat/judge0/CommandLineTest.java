package dev.gozo.gateway.compat.judge0;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CommandLineTest {

  @Test
  void shouldSplitLikeAShellWithoutExpandingAnything() {
    assertThat(CommandLine.split("  a 'b c'  \"d \\\"e\\\" $HOME\" f\\ g $(id) ; *").orElseThrow())
        .containsExactly("a", "b c", "d \"e\" $HOME", "f g", "$(id)", ";", "*");
  }

  @Test
  void shouldKeepEmptyQuotedArguments() {
    assertThat(CommandLine.split("'' x \"\"").orElseThrow()).containsExactly("", "x", "");
  }

  @Test
  void shouldRefuseAnUnclosedQuote() {
    assertThat(CommandLine.split("a 'b")).isEmpty();
    assertThat(CommandLine.split("a \"b")).isEmpty();
  }

  @Test
  void shouldGiveNoArgumentsForBlank() {
    assertThat(CommandLine.split("   ").orElseThrow()).isEmpty();
  }
}
