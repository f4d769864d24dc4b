package dev.gozo.gateway.compat.piston;

import com.google.protobuf.ByteString;
import dev.gozo.gateway.input.JobInputPublisher;
import dev.gozo.gateway.input.JobInputSequence;
import dev.gozo.gateway.intake.Intake;
import dev.gozo.gateway.intake.Submission;
import dev.gozo.gateway.jobs.JobState;
import dev.gozo.gateway.live.LiveEvent;
import dev.gozo.gateway.live.LiveHub;
import dev.gozo.gateway.live.LiveJson;
import dev.gozo.gateway.live.LiveSink;
import dev.gozo.gateway.live.LiveSubscription;
import dev.gozo.protocol.v1.JobInput;
import dev.gozo.protocol.v1.SignalRequest;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.websocket.CloseReason;
import io.micronaut.websocket.WebSocketSession;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Piston WebSocket run ({@code /api/v2/connect}) on our interactive machinery: the {@code init}
 * message becomes an interactive job submitted through the {@link Intake}, {@code data} (stdin) and
 * {@code signal} messages become its input records on {@code gozo.input}, and its live stream from
 * the {@link LiveHub} is sent back as Piston's {@code stage}, {@code data} and {@code exit}
 * messages. The session then closes with 4999; every other close code is Piston's (see {@link
 * PistonSocket}).
 *
 * <p>A client that leaves before the end gets its job killed (SIGKILL): nobody can see its output
 * any more, and its sandbox is better used by the next job.
 */
final class PistonSession implements LiveSink {

  private static final Logger LOG = LoggerFactory.getLogger(PistonSession.class);

  /** The signals our workers deliver; Piston lists more, which we refuse as invalid (4005). */
  static final Set<String> SIGNALS = Set.of("SIGINT", "SIGTERM", "SIGKILL");

  private enum Phase {
    AWAITING_INIT,
    SUBMITTING,
    RUNNING,
    ENDED
  }

  private final SocketSender sender;
  private final String tenant;
  private final PistonRequestReader reader;
  private final Intake intake;
  private final LiveHub hub;
  private final LiveJson json;
  private final JobInputSequence inputs;

  // Guarded by this.
  private Phase phase = Phase.AWAITING_INIT;
  private final List<JsonNode> early = new ArrayList<>();
  private String jobId;
  private String stage;
  private LiveSubscription live;

  PistonSession(
      WebSocketSession socket,
      String tenant,
      PistonRequestReader reader,
      Intake intake,
      LiveHub hub,
      LiveJson json,
      JobInputPublisher inputs) {
    this.sender = new SocketSender(socket, this::drainSoon);
    this.tenant = tenant;
    this.reader = reader;
    this.intake = intake;
    this.hub = hub;
    this.json = json;
    this.inputs = new JobInputSequence(inputs);
  }

  /** One whole text message from the client. */
  void onText(String text) {
    JsonNode message = reader.parse(text.getBytes(StandardCharsets.UTF_8));
    if (message == null || !message.isObject()) {
      fail("the message is not a JSON object");
      return;
    }
    String type = string(message.get("type"));
    synchronized (this) {
      if ("init".equals(type)) {
        if (phase != Phase.AWAITING_INIT) {
          close(PistonSocket.ALREADY_INITIALIZED);
          return;
        }
        phase = Phase.SUBMITTING;
      } else if (phase == Phase.AWAITING_INIT) {
        if ("data".equals(type) || "signal".equals(type)) {
          close(PistonSocket.NOT_INITIALIZED);
        }
        return; // Piston ignores other types
      } else if (phase == Phase.SUBMITTING) {
        early.add(message); // handled once the job is accepted, in order
        return;
      } else {
        if (phase == Phase.RUNNING) {
          handleInput(message);
        }
        return;
      }
    }
    submit(message);
  }

  /** The init timeout passed: a client that never sent init is closed with 4001. */
  void onInitTimeout() {
    synchronized (this) {
      if (phase != Phase.AWAITING_INIT) {
        return;
      }
      phase = Phase.ENDED;
    }
    closeAfterSends(PistonSocket.INIT_TIMEOUT);
  }

  private void submit(JsonNode init) {
    PistonRequestReader.Read read = reader.read(init, false);
    if (read instanceof PistonRequestReader.Rejected rejected) {
      fail(rejected.message());
      return;
    }
    var job = ((PistonRequestReader.Job) read).job().setInteractive(true);
    intake
        .submit(tenant, job, List.of(), null, true)
        .whenComplete(
            (submission, error) -> {
              if (error != null) {
                LOG.warn("Piston WebSocket job not submitted", error);
                fail("the job could not be submitted");
              } else if (submission instanceof Submission.Accepted accepted) {
                follow(accepted.state());
              } else {
                fail(describe(submission));
              }
            });
  }

  private void follow(JobState state) {
    Map<String, Object> runtime = new LinkedHashMap<>();
    runtime.put("type", "runtime");
    runtime.put("language", state.language());
    runtime.put("version", state.version());
    sendText(json.write(runtime));
    hub.subscribe(state, null, this)
        .whenComplete(
            (subscription, error) -> {
              if (error != null) {
                LOG.warn("job {}: live stream not available", state.jobId(), error);
                fail("the job's output could not be followed");
                return;
              }
              synchronized (this) {
                jobId = state.jobId();
                if (phase == Phase.ENDED) {
                  subscription.close();
                  kill(); // the client left while the job was being submitted
                  return;
                }
                live = subscription;
                phase = Phase.RUNNING;
                List<JsonNode> pending = List.copyOf(early);
                early.clear();
                pending.forEach(this::handleInput);
              }
              subscription.start();
            });
  }

  /** Called with the lock held, so input records get their seq in the order messages came. */
  private void handleInput(JsonNode message) {
    String type = string(message.get("type"));
    if ("data".equals(type)) {
      if (!"stdin".equals(string(message.get("stream")))) {
        close(PistonSocket.STDIN_ONLY);
        return;
      }
      String data = string(message.get("data"));
      publish(JobInput.newBuilder().setStdin(ByteString.copyFromUtf8(data == null ? "" : data)));
    } else if ("signal".equals(type)) {
      String signal = string(message.get("signal"));
      if (signal == null || !SIGNALS.contains(signal)) {
        close(PistonSocket.INVALID_SIGNAL);
        return;
      }
      publish(JobInput.newBuilder().setSignal(SignalRequest.newBuilder().setName(signal)));
    } else if ("init".equals(type)) {
      close(PistonSocket.ALREADY_INITIALIZED);
    }
  }

  private void publish(JobInput.Builder input) {
    inputs.send(jobId, tenant, input, () -> fail("input could not be delivered to the job"));
  }

  /** The client closed the socket or the connection broke. */
  void onClosed() {
    LiveSubscription subscription;
    synchronized (this) {
      if (phase == Phase.ENDED) {
        return;
      }
      boolean running = phase == Phase.RUNNING;
      phase = Phase.ENDED;
      subscription = live;
      if (running) {
        kill();
      }
    }
    if (subscription != null) {
      subscription.close();
    }
  }

  private synchronized void kill() {
    publish(JobInput.newBuilder().setSignal(SignalRequest.newBuilder().setName("SIGKILL")));
  }

  // The live stream's sink.

  @Override
  public boolean ready() {
    return sender.ready();
  }

  @Override
  public void send(LiveEvent event) {
    if (event instanceof LiveEvent.Stage started) {
      String previous;
      synchronized (this) {
        previous = stage;
        stage = started.stage();
      }
      if ("compile".equals(previous)) {
        sendText(exit("compile", 0, null)); // the run starts only after a compile that succeeded
      }
      sendText(json.write(Map.of("type", "stage", "stage", started.stage())));
    } else if (event instanceof LiveEvent.Output output) {
      String data =
          output.base64()
              ? new String(
                  java.util.Base64.getDecoder().decode(output.data()), StandardCharsets.UTF_8)
              : output.data();
      sendText(json.write(Map.of("type", "data", "stream", output.stream(), "data", data)));
    } else if (event instanceof LiveEvent.Result finished) {
      // The stage that ended the job: a failed compile is reported as the run is, as Piston does.
      PistonResult result = PistonTranslation.of(finished.view(), s -> null);
      String last = finished.view().run() == null && result.compile() != null ? "compile" : "run";
      sendText(exit(last, result.run().code(), result.run().signal()));
    }
  }

  private String exit(String stage, Integer code, String signal) {
    Map<String, Object> exit = new LinkedHashMap<>();
    exit.put("type", "exit");
    exit.put("stage", stage);
    exit.put("code", code);
    exit.put("signal", signal);
    return json.write(exit);
  }

  @Override
  public void heartbeat() {
    sender.ping();
  }

  @Override
  public void end(boolean complete) {
    synchronized (this) {
      phase = Phase.ENDED;
    }
    if (complete) {
      closeAfterSends(PistonSocket.JOB_COMPLETED);
    } else {
      error("this connection fell too far behind the job's output; the job goes on");
      closeAfterSends(PistonSocket.NOTIFIED_ERROR);
    }
  }

  /** Piston's way with every error: an error message, then close 4002. */
  private void fail(String message) {
    synchronized (this) {
      if (phase == Phase.ENDED) {
        return;
      }
      phase = Phase.ENDED;
    }
    error(message);
    closeAfterSends(PistonSocket.NOTIFIED_ERROR);
  }

  private void close(CloseReason reason) {
    synchronized (this) {
      phase = Phase.ENDED;
    }
    closeAfterSends(reason);
  }

  private void error(String message) {
    sendText(json.write(Map.of("type", "error", "message", message)));
  }

  private static String describe(Submission refused) {
    if (refused instanceof Submission.Invalid invalid) {
      return PistonExecuteController.describe(invalid.violations());
    }
    if (refused instanceof Submission.Unavailable unavailable) {
      return unavailable.reason();
    }
    if (refused instanceof Submission.Throttled throttled) {
      return throttled.reason();
    }
    return ((Submission.TooLarge) refused).reason();
  }

  private void sendText(String text) {
    sender.send(text);
  }

  private void closeAfterSends(CloseReason reason) {
    sender.closeAfterSends(reason);
  }

  /** After each written message: the live stream may send more. */
  private void drainSoon() {
    LiveSubscription subscription;
    synchronized (this) {
      subscription = live;
    }
    if (subscription != null) {
      subscription.drainSoon();
    }
  }

  private static String string(JsonNode node) {
    return node != null && node.isString() ? node.getStringValue() : null;
  }
}
