package dev.gozo.gateway.compat.judge0;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Splits Judge0's {@code command_line_arguments} string into arguments the way a POSIX shell's word
 * splitting and quote removal would, without running a shell: Judge0 appends the string to its run
 * command, so {@code 'a b' "c\"d" e\ f} must arrive as three arguments, while {@code $(x)}, {@code
 * ;} and {@code *} stay plain text here (our runs pass arguments without a shell).
 */
final class CommandLine {

  private CommandLine() {}

  /** The arguments, or empty when a quote is not closed (a shell would refuse the line too). */
  static Optional<List<String>> split(String line) {
    List<String> args = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean inWord = false;
    int i = 0;
    while (i < line.length()) {
      char c = line.charAt(i);
      if (c == '\'') {
        int end = line.indexOf('\'', i + 1);
        if (end < 0) {
          return Optional.empty();
        }
        word.append(line, i + 1, end);
        inWord = true;
        i = end + 1;
      } else if (c == '"') {
        int end = readDoubleQuoted(line, i + 1, word);
        if (end < 0) {
          return Optional.empty();
        }
        inWord = true;
        i = end + 1;
      } else if (c == '\\') {
        if (i + 1 < line.length()) {
          word.append(line.charAt(i + 1));
        }
        inWord = true;
        i += 2;
      } else if (Character.isWhitespace(c)) {
        if (inWord) {
          args.add(word.toString());
          word.setLength(0);
          inWord = false;
        }
        i++;
      } else {
        word.append(c);
        inWord = true;
        i++;
      }
    }
    if (inWord) {
      args.add(word.toString());
    }
    return Optional.of(args);
  }

  /**
   * Appends a double-quoted word's text from {@code start} to {@code word}; returns the index of
   * the closing quote, or -1. Inside double quotes a backslash escapes only {@code " \ $ `}.
   */
  private static int readDoubleQuoted(String line, int start, StringBuilder word) {
    int i = start;
    while (i < line.length()) {
      char c = line.charAt(i);
      if (c == '"') {
        return i;
      }
      if (c == '\\' && i + 1 < line.length() && "\"\\$`".indexOf(line.charAt(i + 1)) >= 0) {
        word.append(line.charAt(i + 1));
        i += 2;
      } else {
        word.append(c);
        i++;
      }
    }
    return -1;
  }
}
