package dev.gozo.gateway.interactive;

import com.google.protobuf.ByteString;
import dev.gozo.gateway.input.JobInputPublisher;
import dev.gozo.gateway.input.JobInputSequence;
import dev.gozo.gateway.intake.ExecutionRequestReader;
import dev.gozo.gateway.intake.Intake;
import dev.gozo.gateway.intake.Submission;
import dev.gozo.gateway.live.LiveEvent;
import dev.gozo.gateway.live.LiveHub;
import dev.gozo.gateway.live.LiveJson;
import dev.gozo.gateway.live.LiveSink;
import dev.gozo.gateway.live.LiveSubscription;
import dev.gozo.gateway.problems.FieldProblem;
import dev.gozo.jobspec.Violation;
import dev.gozo.protocol.v1.JobInput;
import dev.gozo.protocol.v1.SignalRequest;
import dev.gozo.protocol.v1.StdinEof;
import io.micronaut.json.JsonMapper;
import io.micronaut.websocket.CloseReason;
import io.micronaut.websocket.WebSocketSession;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One interactive run over one WebSocket: the first message is the job (read and submitted exactly
 * as {@code POST /v1/executions} does, with {@code interactive} set), later ones become the job's
 * input records (seq 1, 2, ... in the order received), and the job's live stream is sent back until
 * its result, after which the socket is closed normally. Every bad message gets an error message;
 * those after which the session cannot go on also close it ({@link InteractiveSocket} lists the
 * codes). A client that leaves early gets an end of input sent for it, so a program waiting for
 * input ends (or meets the worker's idle limit).
 */
final class InteractiveSession implements LiveSink {

  private static final Logger LOG = LoggerFactory.getLogger(InteractiveSession.class);

  /** Sends in flight before the live stream waits for the client to read. */
  private static final int MAX_UNACKNOWLEDGED_SENDS = 64;

  private enum Phase {
    AWAITING_JOB,
    SUBMITTING,
    RUNNING,
    ENDED
  }

  private final WebSocketSession socket;
  private final String tenant;
  private final ExecutionRequestReader reader;
  private final Intake intake;
  private final LiveHub hub;
  private final LiveJson json;
  private final JsonMapper mapper;
  private final JobInputSequence inputs;
  private final AtomicInteger unacknowledged = new AtomicInteger();

  // Guarded by this.
  private Phase phase = Phase.AWAITING_JOB;
  private final List<String> early = new ArrayList<>();
  private String jobId;
  private boolean eofSent;
  private LiveSubscription live;
  private CompletableFuture<?> lastSend = CompletableFuture.completedFuture(null);

  InteractiveSession(
      WebSocketSession socket,
      String tenant,
      ExecutionRequestReader reader,
      Intake intake,
      LiveHub hub,
      LiveJson json,
      JsonMapper mapper,
      JobInputPublisher inputs) {
    this.socket = socket;
    this.tenant = tenant;
    this.reader = reader;
    this.intake = intake;
    this.hub = hub;
    this.json = json;
    this.mapper = mapper;
    this.inputs = new JobInputSequence(inputs);
  }

  /** The most a message may hold now: the job's body first, then {@code inputCap}. */
  synchronized long messageCap(long jobCap, long inputCap) {
    return phase == Phase.AWAITING_JOB ? jobCap : inputCap;
  }

  /** One whole text message from the client. */
  void onText(String text) {
    synchronized (this) {
      switch (phase) {
        case AWAITING_JOB:
          phase = Phase.SUBMITTING;
          break;
        case SUBMITTING:
          early.add(text); // handled once the job is accepted, in order
          return;
        case RUNNING:
          handleInput(text);
          return;
        default:
          return;
      }
    }
    submit(text);
  }

  private void submit(String text) {
    ExecutionRequestReader.Read read = reader.read(text.getBytes(StandardCharsets.UTF_8));
    intake
        .submit(
            tenant, read.job().setInteractive(true), read.problems(), read.callback(), null, true)
        .whenComplete(
            (submission, error) -> {
              if (error != null) {
                LOG.warn("interactive job not submitted", error);
                fail(InteractiveSocket.TRY_AGAIN_LATER, "the job could not be submitted", null);
              } else {
                onSubmitted(submission);
              }
            });
  }

  private void onSubmitted(Submission submission) {
    if (submission instanceof Submission.Invalid invalid) {
      fail(InteractiveSocket.INVALID_JOB, describe(invalid.violations()), invalid.violations());
      return;
    }
    if (submission instanceof Submission.Unavailable unavailable) {
      fail(InteractiveSocket.TRY_AGAIN_LATER, unavailable.reason(), null);
      return;
    }
    if (submission instanceof Submission.Throttled throttled) {
      fail(InteractiveSocket.TRY_AGAIN_LATER, throttled.reason(), null);
      return;
    }
    if (submission instanceof Submission.TooLarge tooLarge) {
      fail(InteractiveSocket.TOO_BIG, tooLarge.reason(), null);
      return;
    }
    var state = ((Submission.Accepted) submission).state();
    hub.subscribe(state, null, this)
        .whenComplete(
            (subscription, error) -> {
              if (error != null) {
                LOG.warn("job {}: live stream not available", state.jobId(), error);
                fail(InteractiveSocket.INTERNAL, "the job's output could not be followed", null);
                return;
              }
              List<String> pending;
              synchronized (this) {
                if (phase == Phase.ENDED) {
                  subscription.close();
                  sendEofIfNeeded(state.jobId());
                  return;
                }
                jobId = state.jobId();
                live = subscription;
                phase = Phase.RUNNING;
                pending = List.copyOf(early);
                early.clear();
                pending.forEach(this::handleInput);
              }
              subscription.start();
            });
  }

  /** Called with the lock held: input records get their seq in the order messages arrived. */
  private void handleInput(String text) {
    for (ClientMessage message : ClientMessage.parse(mapper, text)) {
      if (message instanceof ClientMessage.Invalid invalid) {
        error(invalid.message(), null);
        return;
      }
      if (eofSent && !(message instanceof ClientMessage.Signal)) {
        error("stdin was already closed (eof); no more stdin can be sent", null);
        return;
      }
      JobInput.Builder input = JobInput.newBuilder();
      if (message instanceof ClientMessage.Stdin stdin) {
        input.setStdin(ByteString.copyFrom(stdin.data()));
      } else if (message instanceof ClientMessage.Eof) {
        input.setEof(StdinEof.getDefaultInstance());
        eofSent = true;
      } else if (message instanceof ClientMessage.Signal signal) {
        input.setSignal(SignalRequest.newBuilder().setName(signal.name()));
      }
      publish(input);
    }
  }

  private void publish(JobInput.Builder input) {
    inputs.send(
        jobId,
        tenant,
        input,
        () -> error("input could not be delivered to the job (Kafka did not take it)", null));
  }

  /** The client closed the socket or the connection broke. */
  void onClosed() {
    LiveSubscription subscription;
    String job;
    synchronized (this) {
      if (phase == Phase.ENDED) {
        return;
      }
      boolean running = phase == Phase.RUNNING;
      phase = Phase.ENDED;
      subscription = live;
      job = running ? jobId : null;
    }
    if (subscription != null) {
      subscription.close();
    }
    if (job != null) {
      sendEofIfNeeded(job);
    }
  }

  private synchronized void sendEofIfNeeded(String job) {
    if (eofSent) {
      return;
    }
    jobId = job;
    eofSent = true;
    publish(JobInput.newBuilder().setEof(StdinEof.getDefaultInstance()));
  }

  private void error(String message, List<Violation> violations) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", "error");
    body.put("message", message);
    if (violations != null) {
      body.put("violations", violations.stream().map(FieldProblem::of).toList());
    }
    sendText(json.write(body));
  }

  /** Sends an error and closes the socket: the session cannot go on. */
  void fail(CloseReason reason, String message, List<Violation> violations) {
    synchronized (this) {
      if (phase == Phase.ENDED) {
        return;
      }
      phase = Phase.ENDED;
    }
    error(message, violations);
    closeAfterSends(reason);
  }

  private static String describe(List<Violation> violations) {
    StringBuilder text = new StringBuilder("invalid job: ");
    for (int i = 0; i < violations.size(); i++) {
      Violation violation = violations.get(i);
      text.append(i == 0 ? "" : "; ")
          .append(violation.field())
          .append(": ")
          .append(violation.message());
    }
    return text.toString();
  }

  // The live stream's sink.

  @Override
  public boolean ready() {
    return socket.isOpen() && unacknowledged.get() < MAX_UNACKNOWLEDGED_SENDS;
  }

  @Override
  public void send(LiveEvent event) {
    sendText(json.message(event));
  }

  @Override
  public void heartbeat() {
    socket.sendPingAsync(new byte[0]);
  }

  @Override
  public void end(boolean complete) {
    synchronized (this) {
      phase = Phase.ENDED;
    }
    if (complete) {
      closeAfterSends(CloseReason.NORMAL);
    } else {
      error("this connection fell too far behind the job's output; the job goes on", null);
      closeAfterSends(InteractiveSocket.INTERNAL);
    }
  }

  private void sendText(String text) {
    unacknowledged.incrementAndGet();
    CompletableFuture<String> sent = socket.sendAsync(text);
    synchronized (this) {
      lastSend = sent;
    }
    sent.whenComplete(
        (ok, error) -> {
          unacknowledged.decrementAndGet();
          LiveSubscription subscription;
          synchronized (this) {
            subscription = live;
          }
          if (subscription != null) {
            subscription.drainSoon();
          }
        });
  }

  private void closeAfterSends(CloseReason reason) {
    CompletableFuture<?> last;
    synchronized (this) {
      last = lastSend;
    }
    last.whenComplete(
        (ok, error) -> {
          if (socket.isOpen()) {
            socket.close(reason);
          }
        });
  }
}
