package dev.gozo.gateway.interactive;

import dev.gozo.gateway.GatewayConfig;
import dev.gozo.gateway.auth.ApiKeyFilter;
import dev.gozo.gateway.input.JobInputPublisher;
import dev.gozo.gateway.intake.ExecutionRequestReader;
import dev.gozo.gateway.intake.Intake;
import dev.gozo.gateway.live.LiveHub;
import dev.gozo.gateway.live.LiveJson;
import io.micronaut.http.HttpRequest;
import io.micronaut.json.JsonMapper;
import io.micronaut.websocket.CloseReason;
import io.micronaut.websocket.WebSocketSession;
import io.micronaut.websocket.annotation.OnClose;
import io.micronaut.websocket.annotation.OnMessage;
import io.micronaut.websocket.annotation.OnOpen;
import io.micronaut.websocket.annotation.ServerWebSocket;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /v1/executions/interactive}: an interactive run over a WebSocket (see {@link
 * InteractiveSession}). The API key comes as for every other endpoint ({@code Authorization:
 * Bearer}) or, for browsers, which cannot set headers on a WebSocket, as {@code ?access_token=};
 * without a valid key the upgrade is refused with 401.
 *
 * <p>Messages are text. The first (the job) may be as large as a POST body ({@code
 * GOZO_MAX_BODY_BYTES}, at most {@value #MAX_FRAME_BYTES} bytes); later ones at most {@value
 * #MAX_INPUT_MESSAGE_BYTES} bytes. Fragments are joined here, within the same caps.
 *
 * <p>Close codes: 1000 after the result; 4400 the first message was not a valid job; 1009 a message
 * over its cap; 1013 the job could not be queued now (Kafka unavailable, or the tenant has too many
 * jobs waiting: try again later); 1011 the gateway could not follow the job's output.
 */
@ServerWebSocket("/v1/executions/interactive")
public final class InteractiveSocket {

  /** The largest frame the server reads at all; the job's body cap applies within it. */
  public static final int MAX_FRAME_BYTES = 8 * 1024 * 1024;

  /** The largest message after the job: a line or a paste of stdin, a signal. */
  public static final int MAX_INPUT_MESSAGE_BYTES = 64 * 1024;

  static final CloseReason INVALID_JOB = new CloseReason(4400, "invalid job");
  static final CloseReason TOO_BIG = new CloseReason(1009, "message too big");
  static final CloseReason TRY_AGAIN_LATER = new CloseReason(1013, "try again later");
  static final CloseReason INTERNAL = new CloseReason(1011, "internal error");

  private static final String SESSION = "gozo.interactive";
  private static final String FRAGMENTS = "gozo.fragments";

  private final ExecutionRequestReader reader;
  private final Intake intake;
  private final LiveHub hub;
  private final LiveJson json;
  private final JsonMapper mapper;
  private final JobInputPublisher inputs;
  private final long jobCap;

  public InteractiveSocket(
      ExecutionRequestReader reader,
      Intake intake,
      LiveHub hub,
      LiveJson json,
      JsonMapper mapper,
      JobInputPublisher inputs,
      GatewayConfig config) {
    this.reader = reader;
    this.intake = intake;
    this.hub = hub;
    this.json = json;
    this.mapper = mapper;
    this.inputs = inputs;
    this.jobCap = Math.min(config.maxBodyBytes(), MAX_FRAME_BYTES);
  }

  @OnOpen
  public void open(WebSocketSession socket, HttpRequest<?> request) {
    String tenant = request.getAttribute(ApiKeyFilter.TENANT_ATTRIBUTE, String.class).orElseThrow();
    socket.put(
        SESSION, new InteractiveSession(socket, tenant, reader, intake, hub, json, mapper, inputs));
  }

  @OnMessage(maxPayloadLength = MAX_FRAME_BYTES)
  public void message(WebSocketFrame frame, WebSocketSession socket) {
    try {
      InteractiveSession session = socket.get(SESSION, InteractiveSession.class).orElseThrow();
      long cap = session.messageCap(jobCap, MAX_INPUT_MESSAGE_BYTES);
      if (frame instanceof BinaryWebSocketFrame) {
        session.fail(
            new CloseReason(1003, "text messages only"), "send text (JSON) messages", null);
        return;
      }
      if (!(frame instanceof TextWebSocketFrame || frame instanceof ContinuationWebSocketFrame)) {
        return;
      }
      CompositeByteBuf fragments = socket.get(FRAGMENTS, CompositeByteBuf.class).orElse(null);
      long size =
          frame.content().readableBytes() + (fragments == null ? 0 : fragments.readableBytes());
      if (size > cap) {
        release(socket, fragments);
        session.fail(TOO_BIG, "a message may hold at most " + cap + " bytes here", null);
        return;
      }
      if (!frame.isFinalFragment()) {
        if (fragments == null) {
          fragments = Unpooled.compositeBuffer();
          socket.put(FRAGMENTS, fragments);
        }
        fragments.addComponent(true, frame.content().retain());
        return;
      }
      String text;
      if (fragments == null) {
        text = frame.content().toString(StandardCharsets.UTF_8);
      } else {
        fragments.addComponent(true, frame.content().retain());
        text = fragments.toString(StandardCharsets.UTF_8);
        release(socket, fragments);
      }
      session.onText(text);
    } finally {
      frame.release();
    }
  }

  @OnClose
  public void close(WebSocketSession socket) {
    release(socket, socket.get(FRAGMENTS, CompositeByteBuf.class).orElse(null));
    socket.get(SESSION, InteractiveSession.class).ifPresent(InteractiveSession::onClosed);
  }

  private static void release(WebSocketSession socket, ByteBuf fragments) {
    if (fragments != null) {
      socket.remove(FRAGMENTS);
      fragments.release();
    }
  }
}
