package dev.gozo.gateway.admission;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;

/**
 * Sits right behind the HTTP decoder of one connection and admits each request's body into the
 * shared {@link BodyBudget} before any of it is buffered. The reservation is the Content-Length and
 * is returned when the response is written. A request that does not fit is answered 503 with
 * Retry-After: after its body has been read and dropped chunk by chunk (so the client, still
 * sending, reads a clean answer on a connection that stays open), or at once with the connection
 * closed when the client waits for "100 Continue" and has sent nothing yet.
 *
 * <p>Bodies without a Content-Length (chunked) cannot be judged up front: they are counted as they
 * arrive, never refused (the request size limit still caps each one). Neither are requests behind
 * another one still in progress on the same connection (pipelining), whose answer must come first.
 */
final class BodyBudgetHandler extends ChannelDuplexHandler {

  static final String NAME = "gozo-body-budget";

  private final BodyBudget budget;
  private final long maxBodyBytes;
  // Bytes reserved for each request of this connection whose response is not written yet.
  private final ArrayDeque<long[]> inFlight = new ArrayDeque<>();
  private long[] receiving;
  private HttpRequest refused;

  BodyBudgetHandler(BodyBudget budget, long maxBodyBytes) {
    this.budget = budget;
    this.maxBodyBytes = maxBodyBytes;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest request && !admit(ctx, request)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof HttpContent content && !(msg instanceof HttpRequest)) {
      if (refused != null) {
        dropRefusedBody(ctx, content);
        return;
      }
      countChunked(content);
    }
    ctx.fireChannelRead(msg);
  }

  /** False when the request was refused (answered now, or once its body has been dropped). */
  private boolean admit(ChannelHandlerContext ctx, HttpRequest request) {
    long declared = HttpUtil.getContentLength(request, -1L);
    boolean chunked = declared < 0;
    // Past the size limit, Micronaut answers 413 without reading the body.
    long bytes = chunked || declared > maxBodyBytes ? 0 : declared;
    boolean behindAnother = !inFlight.isEmpty();
    if (behindAnother) {
      budget.reserve(bytes);
    }
    if (behindAnother || budget.tryReserve(bytes)) {
      long[] reservation = {bytes};
      inFlight.addLast(reservation);
      receiving = chunked ? reservation : null;
      return true;
    }
    if (HttpUtil.is100ContinueExpected(request)) {
      ctx.writeAndFlush(refusal(bytes, false)).addListener(ChannelFutureListener.CLOSE);
    } else if (request instanceof LastHttpContent) {
      ctx.writeAndFlush(refusal(bytes, HttpUtil.isKeepAlive(request)));
    } else {
      refused = request;
    }
    return false;
  }

  private void dropRefusedBody(ChannelHandlerContext ctx, HttpContent content) {
    boolean last = content instanceof LastHttpContent;
    content.release();
    if (last) {
      HttpRequest request = refused;
      refused = null;
      ctx.writeAndFlush(
          refusal(HttpUtil.getContentLength(request, 0L), HttpUtil.isKeepAlive(request)));
    }
  }

  private void countChunked(HttpContent content) {
    if (receiving != null) {
      long bytes = content.content().readableBytes();
      budget.reserve(bytes);
      receiving[0] += bytes;
      if (content instanceof LastHttpContent) {
        receiving = null;
      }
    }
  }

  private FullHttpResponse refusal(long bodyBytes, boolean keepAlive) {
    String json =
        "{\"type\":\"urn:gozo:problem:unavailable\",\"title\":\"Service unavailable\","
            + "\"status\":503,\"detail\":\"the gateway is busy receiving other large requests"
            + " (a body of "
            + bodyBytes
            + " bytes does not fit in the "
            + budget.capacity()
            + " bytes it holds at once); retry shortly\"}";
    ByteBuf body = Unpooled.copiedBuffer(json, StandardCharsets.UTF_8);
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, HttpResponseStatus.SERVICE_UNAVAILABLE, body);
    response
        .headers()
        .set(HttpHeaderNames.CONTENT_TYPE, "application/problem+json")
        .set(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes())
        .set(HttpHeaderNames.RETRY_AFTER, 1)
        .set(
            HttpHeaderNames.CONNECTION,
            keepAlive ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
    return response;
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    // A "100 Continue" is not the answer: the request's body is still to come.
    boolean interim =
        msg instanceof HttpResponse response
            && response.status().codeClass() == HttpStatusClass.INFORMATIONAL;
    if (msg instanceof LastHttpContent && !interim) {
      releaseOldest();
    }
    ctx.write(msg, promise);
  }

  private void releaseOldest() {
    long[] reservation = inFlight.pollFirst();
    if (reservation != null) {
      if (reservation == receiving) {
        receiving = null;
      }
      budget.release(reservation[0]);
    }
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    releaseAll();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    releaseAll();
    ctx.fireChannelInactive();
  }

  private void releaseAll() {
    while (!inFlight.isEmpty()) {
      releaseOldest();
    }
  }
}
