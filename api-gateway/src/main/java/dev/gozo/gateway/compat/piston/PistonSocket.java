package dev.gozo.gateway.compat.piston;

import dev.gozo.gateway.DaemonThreads;
import dev.gozo.gateway.auth.ApiKeyFilter;
import dev.gozo.gateway.input.JobInputPublisher;
import dev.gozo.gateway.intake.Intake;
import dev.gozo.gateway.live.LiveHub;
import dev.gozo.gateway.live.LiveJson;
import io.micronaut.http.HttpRequest;
import io.micronaut.websocket.CloseReason;
import io.micronaut.websocket.WebSocketSession;
import io.micronaut.websocket.annotation.OnClose;
import io.micronaut.websocket.annotation.OnMessage;
import io.micronaut.websocket.annotation.OnOpen;
import io.micronaut.websocket.annotation.ServerWebSocket;
import jakarta.annotation.PreDestroy;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /api/v2/connect}: Piston's interactive WebSocket (see {@link PistonSession}). Who the
 * client is was settled by {@link PistonAuthFilter} before the upgrade.
 *
 * <p>Close codes are Piston's: 4000 a second init, 4001 no init within {@value #INIT_TIMEOUT_MS}
 * ms, 4002 after an error message (a bad init, an unknown runtime, a message that is not JSON),
 * 4003 stdin or a signal before init, 4004 data for a stream other than stdin, 4005 a signal other
 * than SIGINT, SIGTERM and SIGKILL, 4999 after the job's exit.
 */
@ServerWebSocket("/api/v2/connect")
public final class PistonSocket {

  /** Piston closes a socket that sent no init within a second; clients send it on open. */
  static final long INIT_TIMEOUT_MS = 1000;

  /** The largest message: an init carries the program's files, as a POST body does. */
  static final int MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

  static final CloseReason ALREADY_INITIALIZED = new CloseReason(4000, "Already Initialized");
  static final CloseReason INIT_TIMEOUT = new CloseReason(4001, "Initialization Timeout");
  static final CloseReason NOTIFIED_ERROR = new CloseReason(4002, "Notified Error");
  static final CloseReason NOT_INITIALIZED = new CloseReason(4003, "Not yet initialized");
  static final CloseReason STDIN_ONLY = new CloseReason(4004, "Can only write to stdin");
  static final CloseReason INVALID_SIGNAL = new CloseReason(4005, "Invalid signal");
  static final CloseReason JOB_COMPLETED = new CloseReason(4999, "Job Completed");

  private static final String SESSION = "gozo.piston";

  private final PistonRequestReader reader;
  private final Intake intake;
  private final LiveHub hub;
  private final LiveJson json;
  private final JobInputPublisher inputs;
  private final ScheduledExecutorService timers =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("gozo-piston-init"));

  PistonSocket(
      PistonRequestReader reader,
      Intake intake,
      LiveHub hub,
      LiveJson json,
      JobInputPublisher inputs) {
    this.reader = reader;
    this.intake = intake;
    this.hub = hub;
    this.json = json;
    this.inputs = inputs;
  }

  @OnOpen
  public void open(WebSocketSession socket, HttpRequest<?> request) {
    String tenant = request.getAttribute(ApiKeyFilter.TENANT_ATTRIBUTE, String.class).orElseThrow();
    PistonSession session = new PistonSession(socket, tenant, reader, intake, hub, json, inputs);
    socket.put(SESSION, session);
    timers.schedule(session::onInitTimeout, INIT_TIMEOUT_MS, TimeUnit.MILLISECONDS);
  }

  @OnMessage(maxPayloadLength = MAX_MESSAGE_BYTES)
  public void message(String text, WebSocketSession socket) {
    socket.get(SESSION, PistonSession.class).ifPresent(session -> session.onText(text));
  }

  @OnClose
  public void close(WebSocketSession socket) {
    socket.get(SESSION, PistonSession.class).ifPresent(PistonSession::onClosed);
  }

  @PreDestroy
  void stop() {
    timers.shutdownNow();
  }
}
