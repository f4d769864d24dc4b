package dev.gozo.gateway.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gozo.jobspec.Violation;
import java.util.List;
import org.junit.jupiter.api.Test;

class CallbackPolicyTest {

  private final CallbackPolicy policy =
      new CallbackPolicy("hooks.example.com, 127.0.0.1:9000, [::1]:8443, Other.Example.org.");

  @Test
  void shouldAllowListedHostsOnTheirPorts() {
    assertThat(policy.urlProblem("https://hooks.example.com/gozo?t=1")).isEmpty();
    assertThat(policy.urlProblem("http://hooks.example.com:8080/x")).isEmpty();
    assertThat(policy.urlProblem("HTTP://HOOKS.EXAMPLE.COM./x")).isEmpty();
    assertThat(policy.urlProblem("http://127.0.0.1:9000/hook")).isEmpty();
    assertThat(policy.urlProblem("https://[::1]:8443/hook")).isEmpty();
    assertThat(policy.urlProblem("https://other.example.org/")).isEmpty();
  }

  @Test
  void shouldRefuseHostsAndPortsOutsideTheList() {
    assertThat(policy.urlProblem("http://127.0.0.1:9001/hook"))
        .get()
        .asString()
        .contains("allow-list");
    assertThat(policy.urlProblem("http://127.0.0.1/hook")).isPresent();
    assertThat(policy.urlProblem("http://localhost:9000/hook")).isPresent();
    assertThat(policy.urlProblem("http://127.1:9000/hook")).isPresent();
    assertThat(policy.urlProblem("http://169.254.169.254/latest/meta-data")).isPresent();
    assertThat(policy.urlProblem("https://evil.hooks.example.com/")).isPresent();
    assertThat(policy.urlProblem("https://hooks.example.com.evil.net/")).isPresent();
  }

  @Test
  void shouldRefuseWhatIsNotAPlainHttpUrl() {
    assertThat(policy.urlProblem("ftp://hooks.example.com/")).get().asString().contains("http");
    assertThat(policy.urlProblem("file:///etc/passwd")).isPresent();
    assertThat(policy.urlProblem("hooks.example.com/x")).isPresent();
    assertThat(policy.urlProblem("http:///x")).isPresent();
    assertThat(policy.urlProblem("http://a b/")).get().asString().contains("not a valid URL");
    assertThat(policy.urlProblem("https://user:pw@hooks.example.com/"))
        .get()
        .asString()
        .contains("user info");
    assertThat(policy.urlProblem("https://hooks.example.com/" + "a".repeat(2100))).isPresent();
    assertThat(policy.urlProblem("")).isPresent();
  }

  @Test
  void shouldNameTheFieldOfEachProblem() {
    List<Violation> none = policy.check(new CallbackRequest("https://hooks.example.com/", "s"));
    List<Violation> noSecret = policy.check(new CallbackRequest("https://hooks.example.com/", ""));
    List<Violation> longSecret =
        policy.check(new CallbackRequest("https://hooks.example.com/", "x".repeat(257)));
    List<Violation> badUrl = policy.check(new CallbackRequest("http://10.0.0.1/", "s"));
    List<Violation> noUrl = policy.check(new CallbackRequest(null, "s"));

    assertThat(none).isEmpty();
    assertThat(policy.check(new CallbackRequest("https://hooks.example.com/", "x".repeat(256))))
        .isEmpty();
    assertThat(noSecret).extracting(Violation::field).containsExactly("callback.secret");
    assertThat(longSecret).extracting(Violation::field).containsExactly("callback.secret");
    assertThat(badUrl).extracting(Violation::field).containsExactly("callback.url");
    assertThat(noUrl).extracting(Violation::field).containsExactly("callback.url");
  }

  @Test
  void shouldRefuseEveryCallbackWhenWebhooksAreOff() {
    CallbackPolicy off = new CallbackPolicy(" ");

    assertThat(off.enabled()).isFalse();
    assertThat(off.check(new CallbackRequest("https://hooks.example.com/", "s")))
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.field()).isEqualTo("callback");
              assertThat(v.message()).contains("disabled");
            });
    assertThat(off.urlProblem("https://hooks.example.com/")).isPresent();
  }

  @Test
  void shouldRefuseAnUnreadableAllowListNamingTheVariable() {
    assertThatThrownBy(() -> new CallbackPolicy("hooks.example.com:http"))
        .hasMessageContaining("GOZO_CALLBACK_ALLOWED_HOSTS")
        .hasMessageContaining("hooks.example.com:http");
    assertThatThrownBy(() -> new CallbackPolicy("https://hooks.example.com"))
        .hasMessageContaining("GOZO_CALLBACK_ALLOWED_HOSTS");
    assertThatThrownBy(() -> new CallbackPolicy("[::1"))
        .hasMessageContaining("GOZO_CALLBACK_ALLOWED_HOSTS");
  }
}
