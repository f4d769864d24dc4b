package dev.gozo.gateway.compat.piston;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gozo.gateway.GatewayConfig;
import dev.gozo.gateway.TestGateway;
import io.micronaut.context.ApplicationContext;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** {@code GOZO_PISTON_ANONYMOUS_TENANT}: off by default; when set, key-less Piston requests run. */
class PistonAnonymousTenantTest {

  private static final String HELLO =
      "{\"language\": \"python\", \"version\": \"*\", \"files\": [{\"content\": \"print(1)\"}]}";

  @AutoClose
  private static final TestGateway gateway =
      TestGateway.withFakeKafka(Map.of("gozo.piston-anonymous-tenant", "piston-public"));

  @Test
  void shouldRunARequestWithoutAKeyAsTheAnonymousTenant() {
    // given
    int index = FakeRun.published(gateway);

    // when
    PistonClient.execute(gateway, HELLO, null, null);

    // then
    assertThat(FakeRun.of(gateway, index).job().getTenant()).isEqualTo("piston-public");
  }

  @Test
  void shouldStillRunARequestWithAKeyAsTheKeysTenant() {
    // given
    int index = FakeRun.published(gateway);

    // when
    PistonClient.execute(gateway, HELLO, null, TestGateway.KEY);

    // then
    assertThat(FakeRun.of(gateway, index).job().getTenant()).isEqualTo(TestGateway.TENANT);
  }

  @Test
  void shouldBeOffByDefault() {
    try (ApplicationContext context =
        ApplicationContext.builder()
            .environmentPropertySource(false)
            .deduceEnvironment(false)
            .properties(Map.of("gozo.api-keys", "a:b"))
            .start()) {
      assertThat(context.getBean(GatewayConfig.class).pistonAnonymousTenant()).isEmpty();
    }
  }

  @Test
  void shouldRefuseToStartWithATenantNameNoJobCouldCarry() {
    assertThatThrownBy(
            () ->
                ApplicationContext.builder()
                    .environmentPropertySource(false)
                    .deduceEnvironment(false)
                    .properties(
                        Map.of("gozo.api-keys", "a:b", "gozo.piston-anonymous-tenant", "no spaces"))
                    .start()
                    .getBean(GatewayConfig.class))
        .hasStackTraceContaining("GOZO_PISTON_ANONYMOUS_TENANT");
  }
}
