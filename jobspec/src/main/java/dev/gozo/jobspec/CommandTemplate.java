package dev.gozo.jobspec;

/**
 * Fills a catalogue command's placeholders. Safe to splice into a shell command only because {@link
 * FileNames} admits no character a shell would interpret.
 */
public final class CommandTemplate {

  private CommandTemplate() {}

  public static String render(String command, String entryFile) {
    return command.replace("{entryStem}", FileNames.stem(entryFile)).replace("{entry}", entryFile);
  }
}
