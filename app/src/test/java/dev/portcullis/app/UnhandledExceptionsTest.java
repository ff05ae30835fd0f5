package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Only Vert.x's own pool race is taken for harmless; anything else thrown unhandled is a bug. */
class UnhandledExceptionsTest {

  @Test
  void onlyThePoolsDoubleCompletionIsKnown() {
    IllegalStateException race = new IllegalStateException("Promise already completed");
    race.setStackTrace(new StackTraceElement[] {
        new StackTraceElement("io.vertx.core.Promise", "fail", "Promise.java", 104),
        new StackTraceElement("io.vertx.core.http.impl.SharedHttpClientConnectionGroup$Request", "lambda$onConnect$0",
            "SharedHttpClientConnectionGroup.java", 154)});
    assertThat(UnhandledExceptions.isKnownPoolRace(race)).isTrue();

    IllegalStateException ours = new IllegalStateException("Promise already completed");
    ours.setStackTrace(new StackTraceElement[] {
        new StackTraceElement("dev.portcullis.gateway.proxy.ProviderProxyHandler", "send", "ProviderProxyHandler.java", 1)});
    assertThat(UnhandledExceptions.isKnownPoolRace(ours)).isFalse();
    assertThat(UnhandledExceptions.isKnownPoolRace(new IllegalStateException("something else"))).isFalse();
    assertThat(UnhandledExceptions.isKnownPoolRace(new NullPointerException())).isFalse();
  }
}
