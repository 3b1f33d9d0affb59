package io.podidentity.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Captures every log line of the process (our packages at DEBUG, so the most talkative level is
 * covered too) while open, for tests that check what is never logged.
 */
public final class CapturedLogs implements AutoCloseable {
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private final Logger ours = (Logger) LoggerFactory.getLogger("io.podidentity");
  private final Level oursBefore;

  public CapturedLogs() {
    oursBefore = ours.getLevel();
    ours.setLevel(Level.DEBUG);
    appender.start();
    root.addAppender(appender);
  }

  /** Every captured line: the formatted message and any stack trace. */
  public List<String> lines() {
    synchronized (appender.list) {
      return appender.list.stream().map(CapturedLogs::render).toList();
    }
  }

  private static String render(ILoggingEvent e) {
    IThrowableProxy t = e.getThrowableProxy();
    return e.getLoggerName()
        + " "
        + e.getFormattedMessage()
        + (t == null ? "" : "\n" + ThrowableProxyUtil.asString(t));
  }

  @Override
  public void close() {
    root.detachAppender(appender);
    appender.stop();
    ours.setLevel(oursBefore);
  }
}
