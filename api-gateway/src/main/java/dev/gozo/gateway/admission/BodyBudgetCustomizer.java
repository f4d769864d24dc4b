package dev.gozo.gateway.admission;

import dev.gozo.gateway.GatewayConfig;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.http.netty.channel.ChannelPipelineCustomizer;
import io.micronaut.http.server.netty.NettyServerCustomizer;
import io.netty.channel.Channel;
import jakarta.inject.Singleton;

/** Puts a {@link BodyBudgetHandler} behind the HTTP decoder of every connection. */
@Singleton
final class BodyBudgetCustomizer
    implements BeanCreatedEventListener<NettyServerCustomizer.Registry> {

  private final BodyBudget budget;
  private final long maxBodyBytes;

  BodyBudgetCustomizer(GatewayConfig config) {
    this.budget = new BodyBudget(config.maxInflightBodyBytes());
    this.maxBodyBytes = config.maxBodyBytes();
  }

  @Override
  public NettyServerCustomizer.Registry onCreated(
      BeanCreatedEvent<NettyServerCustomizer.Registry> event) {
    NettyServerCustomizer.Registry registry = event.getBean();
    registry.register(new PerConnection(null));
    return registry;
  }

  private final class PerConnection implements NettyServerCustomizer {
    private final Channel channel;

    PerConnection(Channel channel) {
      this.channel = channel;
    }

    @Override
    public NettyServerCustomizer specializeForChannel(Channel channel, ChannelRole role) {
      return new PerConnection(channel);
    }

    @Override
    public void onStreamPipelineBuilt() {
      if (channel != null
          && channel.pipeline().get(ChannelPipelineCustomizer.HANDLER_HTTP_SERVER_CODEC) != null) {
        channel
            .pipeline()
            .addAfter(
                ChannelPipelineCustomizer.HANDLER_HTTP_SERVER_CODEC,
                BodyBudgetHandler.NAME,
                new BodyBudgetHandler(budget, maxBodyBytes));
      }
    }
  }
}
