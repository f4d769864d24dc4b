package dev.gozo.gateway.live;

import io.micronaut.http.sse.Event;
import java.util.concurrent.atomic.AtomicLong;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * A job's live stream as the body of an SSE response: events as the HTTP server asks for them (it
 * asks as the client's socket drains), so a slow client only ever holds up itself. A heartbeat is
 * an SSE comment. Cancelled by the server when the client goes away.
 */
public final class SseStream implements Publisher<Event<String>>, LiveSink {

  private final LiveJson json;
  private final AtomicLong demand = new AtomicLong();
  private volatile LiveSubscription live;
  private volatile Subscriber<? super Event<String>> subscriber;
  private volatile boolean cancelled;

  public SseStream(LiveJson json) {
    this.json = json;
  }

  /** The subscription this stream delivers; set before the server subscribes. */
  void attach(LiveSubscription subscription) {
    this.live = subscription;
  }

  @Override
  public void subscribe(Subscriber<? super Event<String>> s) {
    if (subscriber != null) {
      s.onSubscribe(
          new Subscription() {
            @Override
            public void request(long n) {}

            @Override
            public void cancel() {}
          });
      s.onError(new IllegalStateException("a live stream has one subscriber"));
      return;
    }
    subscriber = s;
    s.onSubscribe(
        new Subscription() {
          @Override
          public void request(long n) {
            if (n <= 0) {
              return;
            }
            demand.accumulateAndGet(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
            live.start();
            live.drainSoon();
          }

          @Override
          public void cancel() {
            cancelled = true;
            live.close();
          }
        });
  }

  @Override
  public boolean ready() {
    return !cancelled && demand.get() > 0;
  }

  @Override
  public void send(LiveEvent event) {
    demand.decrementAndGet();
    subscriber.onNext(Event.of(json.data(event)).id(event.id().toString()).name(event.type()));
  }

  @Override
  public void heartbeat() {
    demand.decrementAndGet();
    subscriber.onNext(Event.of("").comment("keep-alive"));
  }

  @Override
  public void end(boolean complete) {
    if (!cancelled) {
      subscriber.onComplete();
    }
  }
}
