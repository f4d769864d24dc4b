package dev.gozo.jobspec;

import dev.gozo.protocol.v1.ExecuteJob;
import dev.gozo.protocol.v1.Limits;
import dev.gozo.protocol.v1.SourceFile;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Decides whether a job may run. Pure logic: the same answer at the gateway and the worker. */
public final class JobValidator {

  private static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  private final RuntimeCatalogue catalogue;
  private final JobBounds bounds;

  public JobValidator(RuntimeCatalogue catalogue, JobBounds bounds) {
    this.catalogue = catalogue;
    this.bounds = bounds;
  }

  /** Every problem with the job; empty when it is valid. */
  public List<Violation> validate(ExecuteJob job) {
    List<Violation> problems = new ArrayList<>();
    if (!JOB_ID.matcher(job.getJobId()).matches()) {
      problems.add(new Violation("id", "must be 1-128 letters, digits, '.', '_' or '-'"));
    }
    if (!TenantNames.isValid(job.getTenant())) {
      problems.add(new Violation("tenant", "must be " + TenantNames.RULE));
    }
    checkRuntime(job, problems);
    checkFiles(job.getFilesList(), problems);
    if (job.getStdin().size() > bounds.maxStdinBytes()) {
      problems.add(new Violation("stdin", "must be at most " + bounds.maxStdinBytes() + " bytes"));
    }
    checkArgs(job.getArgsList(), problems);
    checkLimits(job.getLimits(), catalogue.maxLimits(), problems);
    return problems;
  }

  private void checkRuntime(ExecuteJob job, List<Violation> problems) {
    if (job.getLanguage().isBlank()) {
      problems.add(new Violation("language", "is required"));
    } else if (!catalogue.knowsLanguage(job.getLanguage())) {
      problems.add(
          new Violation(
              "language", "unknown language '" + job.getLanguage() + "' (see /v1/runtimes)"));
    } else if (catalogue.resolve(job.getLanguage(), job.getVersion()).isEmpty()) {
      problems.add(
          new Violation(
              "version",
              "no version of " + job.getLanguage() + " matches '" + job.getVersion() + "'"));
    }
  }

  private void checkFiles(List<SourceFile> files, List<Violation> problems) {
    if (files.isEmpty()) {
      problems.add(new Violation("files", "at least one file is required"));
      return;
    }
    if (files.size() > bounds.maxFiles()) {
      problems.add(new Violation("files", "at most " + bounds.maxFiles() + " files are allowed"));
    }
    Set<String> seen = new HashSet<>();
    long total = 0;
    for (int i = 0; i < files.size(); i++) {
      SourceFile file = files.get(i);
      String field = "files[" + i + "]";
      FileNames.problemWith(file.getName())
          .ifPresent(problem -> problems.add(new Violation(field + ".name", problem)));
      if (!seen.add(file.getName())) {
        problems.add(
            new Violation(field + ".name", "duplicate file name '" + file.getName() + "'"));
      } else if (isPrefixOfAnother(file.getName(), seen)) {
        problems.add(
            new Violation(field + ".name", "'" + file.getName() + "' clashes with a directory"));
      }
      if (file.getContent().size() > bounds.maxFileBytes()) {
        problems.add(
            new Violation(
                field + ".content", "must be at most " + bounds.maxFileBytes() + " bytes"));
      }
      total += file.getContent().size();
    }
    if (total > bounds.maxTotalFileBytes()) {
      problems.add(
          new Violation(
              "files", "must be at most " + bounds.maxTotalFileBytes() + " bytes in all"));
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

  private void checkArgs(List<String> args, List<Violation> problems) {
    if (args.size() > bounds.maxArgs()) {
      problems.add(new Violation("args", "at most " + bounds.maxArgs() + " arguments are allowed"));
    }
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.indexOf('\0') >= 0) {
        problems.add(new Violation("args[" + i + "]", "must not contain NUL characters"));
      }
      if (arg.getBytes(StandardCharsets.UTF_8).length > bounds.maxArgBytes()) {
        problems.add(
            new Violation("args[" + i + "]", "must be at most " + bounds.maxArgBytes() + " bytes"));
      }
    }
  }

  private static void checkLimits(Limits limits, Limits max, List<Violation> problems) {
    checkLimit("limits.wallTimeMs", limits.getWallTimeMs(), max.getWallTimeMs(), problems);
    checkLimit("limits.cpuTimeMs", limits.getCpuTimeMs(), max.getCpuTimeMs(), problems);
    checkLimit("limits.memoryMb", limits.getMemoryMb(), max.getMemoryMb(), problems);
    checkLimit("limits.processes", limits.getProcesses(), max.getProcesses(), problems);
    checkLimit("limits.outputBytes", limits.getOutputBytes(), max.getOutputBytes(), problems);
    if (limits.getMemoryMb() > 0 && limits.getMemoryMb() < 16) {
      problems.add(new Violation("limits.memoryMb", "must be at least 16"));
    }
    if (limits.getProcesses() > 0 && limits.getProcesses() < 4) {
      problems.add(new Violation("limits.processes", "must be at least 4"));
    }
  }

  private static void checkLimit(String field, long value, long max, List<Violation> problems) {
    if (value < 0) {
      problems.add(new Violation(field, "must not be negative"));
    } else if (max > 0 && value > max) {
      problems.add(new Violation(field, "must be at most " + max + " (server maximum)"));
    }
  }
}
