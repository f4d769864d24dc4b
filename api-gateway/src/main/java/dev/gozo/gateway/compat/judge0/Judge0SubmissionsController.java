package dev.gozo.gateway.compat.judge0;

import dev.gozo.gateway.GatewayConfig;
import dev.gozo.gateway.auth.ApiKeyFilter;
import dev.gozo.gateway.intake.Intake;
import dev.gozo.gateway.intake.Submission;
import dev.gozo.gateway.jobs.JobState;
import dev.gozo.gateway.jobs.JobStateStore;
import dev.gozo.gateway.results.JobLookup;
import dev.gozo.jobspec.Violation;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.annotation.RequestAttribute;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Judge0 CE's submissions API under {@code /judge0/submissions}: a submission is one of our jobs
 * (its token is the job id), submitted through the same {@link Intake} as {@code POST
 * /v1/executions} and read back through the same store and {@link JobLookup}, so quotas, limits,
 * tenants and durability are ours; only the shapes, names and units are Judge0's. Like our own API,
 * nothing here blocks the event loop: {@code wait=true} waits for the result event without a
 * thread, and without polling.
 */
@Controller("/judge0/submissions")
final class Judge0SubmissionsController {

  /** Judge0's default MAX_SUBMISSION_BATCH_SIZE; its clients split larger batches themselves. */
  static final int MAX_BATCH = 20;

  private final Judge0RequestReader reader;
  private final Intake intake;
  private final JobStateStore store;
  private final JobLookup lookup;
  private final Judge0Languages languages;
  private final Judge0Echoes echoes;
  private final Judge0Callbacks callbacks;
  private final JsonMapper json;
  private final Duration waitTimeout;

  Judge0SubmissionsController(
      Judge0RequestReader reader,
      Intake intake,
      JobStateStore store,
      JobLookup lookup,
      Judge0Languages languages,
      Judge0Echoes echoes,
      Judge0Callbacks callbacks,
      JsonMapper json,
      GatewayConfig config) {
    this.reader = reader;
    this.intake = intake;
    this.store = store;
    this.lookup = lookup;
    this.languages = languages;
    this.echoes = echoes;
    this.callbacks = callbacks;
    this.json = json;
    this.waitTimeout = Duration.ofMillis(config.maxWaitTimeoutMs());
  }

  @Post
  @Consumes({MediaType.APPLICATION_JSON, MediaType.TEXT_JSON, MediaType.TEXT_PLAIN})
  CompletableFuture<HttpResponse<String>> create(
      @RequestAttribute(ApiKeyFilter.TENANT_ATTRIBUTE) String tenant,
      @Nullable @Body byte[] body,
      @Nullable @QueryValue("base64_encoded") String base64Encoded,
      @Nullable @QueryValue("wait") String wait,
      @Nullable @QueryValue("fields") String fields) {
    return withFields(
        fields, selected -> create(tenant, body, isTrue(base64Encoded), isTrue(wait), selected));
  }

  private CompletableFuture<HttpResponse<String>> create(
      String tenant, byte[] body, boolean base64, boolean waits, Judge0Fields selected) {
    Optional<JsonNode> root = parse(body);
    if (root.isEmpty()) {
      return CompletableFuture.completedFuture(badJson());
    }
    Judge0Submission submission = reader.read(root.get(), base64);
    return submit(tenant, submission, waits)
        .thenCompose(
            outcome -> {
              if (!(outcome instanceof Submission.Accepted accepted)) {
                return CompletableFuture.completedFuture(refusal(outcome));
              }
              String token = accepted.state().jobId();
              if (!waits) {
                return CompletableFuture.completedFuture(
                    respond(HttpStatus.CREATED, Map.of("token", token)));
              }
              return store
                  .awaitFinished(token, tenant, waitTimeout)
                  .thenApply(
                      found ->
                          show(
                              found.orElse(accepted.state()),
                              base64,
                              selected,
                              HttpStatus.CREATED));
            });
  }

  @Get("/{token}")
  CompletableFuture<HttpResponse<String>> show(
      @RequestAttribute(ApiKeyFilter.TENANT_ATTRIBUTE) String tenant,
      @PathVariable("token") String token,
      @Nullable @QueryValue("base64_encoded") String base64Encoded,
      @Nullable @QueryValue("fields") String fields) {
    return withFields(fields, selected -> show(tenant, token, isTrue(base64Encoded), selected));
  }

  private CompletableFuture<HttpResponse<String>> show(
      String tenant, String token, boolean base64, Judge0Fields selected) {
    return lookup
        .find(token, tenant)
        .thenApply(
            found -> {
              if (found instanceof JobLookup.Found job) {
                return show(job.state(), base64, selected, HttpStatus.OK);
              }
              if (found instanceof JobLookup.Unavailable unavailable) {
                return error(HttpStatus.SERVICE_UNAVAILABLE, unavailable.reason());
              }
              return error(HttpStatus.NOT_FOUND, "Not Found");
            });
  }

  @Post("/batch")
  @Consumes({MediaType.APPLICATION_JSON, MediaType.TEXT_JSON, MediaType.TEXT_PLAIN})
  CompletableFuture<HttpResponse<String>> createBatch(
      @RequestAttribute(ApiKeyFilter.TENANT_ATTRIBUTE) String tenant,
      @Nullable @Body byte[] body,
      @Nullable @QueryValue("base64_encoded") String base64Encoded) {
    Optional<JsonNode> root = parse(body);
    if (root.isEmpty()) {
      return CompletableFuture.completedFuture(badJson());
    }
    JsonNode submissions = root.get().isObject() ? root.get().get("submissions") : null;
    if (submissions == null || !submissions.isArray() || submissions.size() == 0) {
      return CompletableFuture.completedFuture(
          respond(
              HttpStatus.UNPROCESSABLE_ENTITY,
              Map.of("submissions", List.of("must be a non-empty array of submissions"))));
    }
    if (submissions.size() > MAX_BATCH) {
      return CompletableFuture.completedFuture(
          error(
              HttpStatus.UNPROCESSABLE_ENTITY,
              "number of submissions in a batch should be less than or equal to " + MAX_BATCH));
    }
    boolean base64 = isTrue(base64Encoded);
    List<CompletableFuture<Object>> answers = new ArrayList<>();
    for (JsonNode element : submissions.values()) {
      answers.add(
          submit(tenant, reader.read(element, base64), false)
              .thenApply(
                  outcome ->
                      outcome instanceof Submission.Accepted accepted
                          ? Map.of("token", accepted.state().jobId())
                          : refusalBody(outcome)));
    }
    return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
        .thenApply(
            done ->
                respond(
                    HttpStatus.CREATED, answers.stream().map(CompletableFuture::join).toList()));
  }

  @Get("/batch")
  CompletableFuture<HttpResponse<String>> showBatch(
      @RequestAttribute(ApiKeyFilter.TENANT_ATTRIBUTE) String tenant,
      @Nullable @QueryValue("tokens") String tokens,
      @Nullable @QueryValue("base64_encoded") String base64Encoded,
      @Nullable @QueryValue("fields") String fields) {
    return withFields(
        fields, selected -> showBatch(tenant, tokens, isTrue(base64Encoded), selected));
  }

  private CompletableFuture<HttpResponse<String>> showBatch(
      String tenant, String tokens, boolean base64, Judge0Fields selected) {
    List<String> wanted =
        tokens == null
            ? List.of()
            : List.of(tokens.split(",")).stream()
                .map(String::trim)
                .filter(t -> !t.isEmpty())
                .toList();
    if (wanted.isEmpty() || wanted.size() > MAX_BATCH) {
      return CompletableFuture.completedFuture(
          error(
              HttpStatus.UNPROCESSABLE_ENTITY,
              "give 1 to " + MAX_BATCH + " tokens as tokens=a,b,c"));
    }
    List<CompletableFuture<JobLookup.Lookup>> found =
        wanted.stream().map(token -> lookup.find(token, tenant)).toList();
    return CompletableFuture.allOf(found.toArray(CompletableFuture[]::new))
        .thenApply(
            done -> {
              List<Object> views = new ArrayList<>();
              for (CompletableFuture<JobLookup.Lookup> each : found) {
                if (each.join() instanceof JobLookup.Found job) {
                  Optional<Map<String, Object>> view = view(job.state(), base64, selected);
                  if (view.isEmpty()) {
                    return error(HttpStatus.BAD_REQUEST, Judge0View.CONVERSION_ERROR);
                  }
                  views.add(view.get());
                } else {
                  // Judge0 leaves out tokens it does not know; a null keeps the positions.
                  views.add(null);
                }
              }
              Map<String, Object> body = new java.util.HashMap<>();
              body.put("submissions", views);
              return respond(HttpStatus.OK, body);
            });
  }

  /**
   * Submits one read submission; problems the reader found are answered without asking the intake,
   * so the client sees them under its own field names rather than also under ours.
   */
  private CompletableFuture<Submission> submit(
      String tenant, Judge0Submission submission, boolean waits) {
    List<Violation> problems = new ArrayList<>(submission.problems());
    String callback = submission.callbackUrl();
    if (callback != null) {
      callbacks.problem(callback).ifPresent(p -> problems.add(new Violation("callback_url", p)));
    }
    if (!problems.isEmpty()) {
      return CompletableFuture.completedFuture(new Submission.Invalid(problems));
    }
    return intake
        .submit(tenant, submission.job(), List.of(), null, waits)
        .thenApply(
            outcome -> {
              if (outcome instanceof Submission.Accepted accepted) {
                String token = accepted.state().jobId();
                echoes.remember(token, submission.echo());
                if (callback != null) {
                  callbacks.register(token, tenant, callback);
                }
              }
              return outcome;
            });
  }

  private HttpResponse<String> show(
      JobState state, boolean base64, Judge0Fields fields, HttpStatus status) {
    return view(state, base64, fields)
        .map(view -> respond(status, view))
        .orElseGet(
            () -> {
              Map<String, Object> body = new java.util.LinkedHashMap<>();
              body.put("token", state.jobId());
              body.put("error", Judge0View.CONVERSION_ERROR);
              return respond(HttpStatus.BAD_REQUEST, body);
            });
  }

  private Optional<Map<String, Object>> view(JobState state, boolean base64, Judge0Fields fields) {
    return Judge0View.of(state, echoes.of(state.jobId()), base64, fields, languages);
  }

  private HttpResponse<String> refusal(Submission outcome) {
    HttpStatus status = HttpStatus.SERVICE_UNAVAILABLE;
    if (outcome instanceof Submission.Invalid) {
      status = HttpStatus.UNPROCESSABLE_ENTITY;
    } else if (outcome instanceof Submission.Throttled) {
      status = HttpStatus.TOO_MANY_REQUESTS;
    } else if (outcome instanceof Submission.TooLarge) {
      status = HttpStatus.REQUEST_ENTITY_TOO_LARGE;
    }
    return respond(status, refusalBody(outcome));
  }

  /** A refused submission's body: Judge0's field->errors map, or {"error"} for the rest. */
  private static Map<String, Object> refusalBody(Submission outcome) {
    if (outcome instanceof Submission.Invalid invalid) {
      return Judge0Errors.of(invalid.violations());
    }
    if (outcome instanceof Submission.Throttled throttled) {
      return Map.of("error", throttled.reason());
    }
    if (outcome instanceof Submission.TooLarge tooLarge) {
      return Map.of("error", tooLarge.reason());
    }
    if (outcome instanceof Submission.Unavailable unavailable) {
      return Map.of("error", unavailable.reason());
    }
    throw new IllegalStateException("not a refusal: " + outcome);
  }

  private Optional<JsonNode> parse(byte[] body) {
    if (body == null || body.length == 0) {
      return Optional.empty();
    }
    try {
      return Optional.ofNullable(json.readValue(body, JsonNode.class));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Runs {@code then} with the selected fields, or answers Judge0's 400 for unknown ones. */
  private CompletableFuture<HttpResponse<String>> withFields(
      String fields, Function<Judge0Fields, CompletableFuture<HttpResponse<String>>> then) {
    List<String> unknown = new ArrayList<>();
    Judge0Fields selected = Judge0Fields.parse(fields, unknown);
    if (!unknown.isEmpty()) {
      return CompletableFuture.completedFuture(
          error(HttpStatus.BAD_REQUEST, Judge0Fields.error(unknown).orElseThrow()));
    }
    return then.apply(selected);
  }

  private HttpResponse<String> badJson() {
    return error(HttpStatus.BAD_REQUEST, "the body must be a JSON object");
  }

  private HttpResponse<String> error(HttpStatus status, String message) {
    return respond(status, Map.of("error", message));
  }

  private HttpResponse<String> respond(HttpStatus status, Object body) {
    return Judge0Json.respond(json, status, body);
  }

  /** Judge0 reads these flags as Rails does: "true" (any case) is true, anything else false. */
  static boolean isTrue(String flag) {
    return flag != null && flag.trim().equalsIgnoreCase("true");
  }
}
