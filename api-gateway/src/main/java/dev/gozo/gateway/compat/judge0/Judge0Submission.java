package dev.gozo.gateway.compat.judge0;

import dev.gozo.jobspec.Violation;
import dev.gozo.protocol.v1.ExecuteJob;
import java.util.List;
import java.util.Map;

/**
 * One Judge0 submission read from a request body.
 *
 * @param job the job to submit (without id, tenant and time, which the intake adds)
 * @param problems what was wrong, each named by its Judge0 field ({@code language_id})
 * @param echo the request's own values, as Judge0 shows them back when asked ({@code fields=*}),
 *     plus {@code redirect_stderr_to_stdout}, which shapes the answer
 * @param callbackUrl where the result is PUT once finished, null for none
 */
record Judge0Submission(
    ExecuteJob.Builder job,
    List<Violation> problems,
    Map<String, Object> echo,
    String callbackUrl) {

  boolean redirectsStderr() {
    return Boolean.TRUE.equals(echo.get("redirect_stderr_to_stdout"));
  }
}
