package dev.gozo.jobspec;

import dev.gozo.protocol.v1.ExecuteJob;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Decides whether a job may run. Pure logic: the same answer at the gateway and the worker. */
public final class JobValidator {

  private static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  private final PayloadRules payload;
  private final JudgingRules judging;

  public JobValidator(RuntimeCatalogue catalogue, JobBounds bounds) {
    this.payload = new PayloadRules(catalogue, bounds);
    this.judging = new JudgingRules(payload, bounds);
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
    payload.runtime("", job.getLanguage(), job.getVersion(), problems);
    payload.files("files", job.getFilesList(), problems);
    payload.input("stdin", job.getStdin().size(), problems);
    payload.args("args", job.getArgsList(), problems);
    payload.limits("limits", job.getLimits(), problems);
    judging.check(job, problems);
    return problems;
  }
}
