package dev.gozo.jobspec;

import dev.gozo.protocol.v1.Limits;
import dev.gozo.protocol.v1.SourceFile;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The rules of a runtime, files, args and limits, wherever they appear in a job: the job's own
 * ({@code files[1].name}), a test's ({@code tests[0].limits.memoryMb}) or a checker program's
 * ({@code checker.files[0].name}). Each check names its fields under the prefix it is given, so one
 * rule serves every place and a user reads the path of the field they wrote.
 */
final class PayloadRules {

  private final RuntimeCatalogue catalogue;
  private final JobBounds bounds;

  PayloadRules(RuntimeCatalogue catalogue, JobBounds bounds) {
    this.catalogue = catalogue;
    this.bounds = bounds;
  }

  /** {@code prefix} is "" for the job's own language and version, "checker." for a checker's. */
  void runtime(String prefix, String language, String version, List<Violation> problems) {
    if (language.isBlank()) {
      problems.add(new Violation(prefix + "language", "is required"));
    } else if (!catalogue.knowsLanguage(language)) {
      problems.add(
          new Violation(
              prefix + "language", "unknown language '" + language + "' (see /v1/runtimes)"));
    } else if (catalogue.resolve(language, version).isEmpty()) {
      problems.add(
          new Violation(
              prefix + "version", "no version of " + language + " matches '" + version + "'"));
    }
  }

  void files(String field, List<SourceFile> files, List<Violation> problems) {
    if (files.isEmpty()) {
      problems.add(new Violation(field, "at least one file is required"));
      return;
    }
    if (files.size() > bounds.maxFiles()) {
      problems.add(new Violation(field, "at most " + bounds.maxFiles() + " files are allowed"));
    }
    Set<String> seen = new HashSet<>();
    long total = 0;
    for (int i = 0; i < files.size(); i++) {
      SourceFile file = files.get(i);
      String element = field + "[" + i + "]";
      FileNames.problemWith(file.getName())
          .ifPresent(problem -> problems.add(new Violation(element + ".name", problem)));
      if (!seen.add(file.getName())) {
        problems.add(
            new Violation(element + ".name", "duplicate file name '" + file.getName() + "'"));
      } else if (isPrefixOfAnother(file.getName(), seen)) {
        problems.add(
            new Violation(element + ".name", "'" + file.getName() + "' clashes with a directory"));
      }
      if (file.getContent().size() > bounds.maxFileBytes()) {
        problems.add(
            new Violation(
                element + ".content", "must be at most " + bounds.maxFileBytes() + " bytes"));
      }
      total += file.getContent().size();
    }
    if (total > bounds.maxTotalFileBytes()) {
      problems.add(
          new Violation(field, "must be at most " + bounds.maxTotalFileBytes() + " bytes in all"));
    }
  }

  /** "a" and "a/b.py" cannot both exist: one would have to be a file and a directory. */
  private static boolean isPrefixOfAnother(String name, Set<String> seen) {
    for (String other : seen) {
      if (!other.equals(name) && (other.startsWith(name + "/") || name.startsWith(other + "/"))) {
        return true;
      }
    }
    return false;
  }

  /** Standard input, or a test's expected output: bytes bounded like stdin. */
  void input(String field, int size, List<Violation> problems) {
    if (size > bounds.maxStdinBytes()) {
      problems.add(new Violation(field, "must be at most " + bounds.maxStdinBytes() + " bytes"));
    }
  }

  void args(String field, List<String> args, List<Violation> problems) {
    if (args.size() > bounds.maxArgs()) {
      problems.add(new Violation(field, "at most " + bounds.maxArgs() + " arguments are allowed"));
    }
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      String element = field + "[" + i + "]";
      if (arg.indexOf('\0') >= 0) {
        problems.add(new Violation(element, "must not contain NUL characters"));
      }
      if (arg.getBytes(StandardCharsets.UTF_8).length > bounds.maxArgBytes()) {
        problems.add(new Violation(element, "must be at most " + bounds.maxArgBytes() + " bytes"));
      }
    }
  }

  void limits(String field, Limits limits, List<Violation> problems) {
    Limits max = catalogue.maxLimits();
    limit(field + ".wallTimeMs", limits.getWallTimeMs(), max.getWallTimeMs(), problems);
    limit(field + ".cpuTimeMs", limits.getCpuTimeMs(), max.getCpuTimeMs(), problems);
    limit(field + ".memoryMb", limits.getMemoryMb(), max.getMemoryMb(), problems);
    limit(field + ".processes", limits.getProcesses(), max.getProcesses(), problems);
    limit(field + ".outputBytes", limits.getOutputBytes(), max.getOutputBytes(), problems);
    if (limits.getMemoryMb() > 0 && limits.getMemoryMb() < 16) {
      problems.add(new Violation(field + ".memoryMb", "must be at least 16"));
    }
    if (limits.getProcesses() > 0 && limits.getProcesses() < 4) {
      problems.add(new Violation(field + ".processes", "must be at least 4"));
    }
  }

  private static void limit(String field, long value, long max, List<Violation> problems) {
    if (value < 0) {
      problems.add(new Violation(field, "must not be negative"));
    } else if (max > 0 && value > max) {
      problems.add(new Violation(field, "must be at most " + max + " (server maximum)"));
    }
  }
}
