package io.podidentity.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Design rule: no token, secret key or session token in any log line, at any level. */
class NoSecretsInLogsTest {
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private Logger root;

  @BeforeEach
  void capture() {
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(ch.qos.logback.classic.Level.TRACE);
    appender.setContext(ctx);
    appender.start();
    root.addAppender(appender);
  }

  @AfterEach
  void release() {
    root.detachAppender(appender);
    root.setLevel(ch.qos.logback.classic.Level.DEBUG);
  }

  private List<String> lines() {
    List<String> out = new ArrayList<>();
    synchronized (appender.list) {
      for (ILoggingEvent e : appender.list) {
        out.add(e.getFormattedMessage());
        if (e.getThrowableProxy() != null) {
          out.add(ThrowableProxyUtil.asString(e.getThrowableProxy()));
        }
      }
    }
    return out;
  }

  @Test
  void successErrorsAndFailedRefreshesLogNoSecret() throws Exception {
    try (AgentFixture f = new AgentFixture()) {
      String token = f.token("app");
      f.get(token);
      f.get(token.substring(0, token.length() - 3) + "$$$");
      f.server.failure = new FakeEksAuth.Failure(404, "ResourceNotFoundException", "none");
      f.get(f.token("other"));
      f.server.failure = new FakeEksAuth.Failure(503, "ServiceUnavailableException", "down");
      f.clock.advance(Duration.ofMinutes(50));
      await().atMost(Duration.ofSeconds(5)).until(() -> f.server.calls.get() >= 4);
      f.server.stop();
      f.get(f.token("third"));

      List<String> lines = lines();
      assertThat(lines).isNotEmpty();
      String payload = token.split("\\.")[1];
      for (String line : lines) {
        assertThat(line)
            .doesNotContain(payload)
            .doesNotContain("secret-app")
            .doesNotContain("session-app")
            .doesNotContain(FakeEksAuth.AGENT_SECRET);
      }
    }
  }
}
