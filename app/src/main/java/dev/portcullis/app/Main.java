package dev.portcullis.app;

import dev.portcullis.common.settings.SettingsException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import sun.misc.Signal;

/**
 * {@code java -jar portcullis.jar}: starts the roles asked for with the embedded defaults, and on
 * SIGTERM (or Ctrl-C) stops accepting, lets in-flight calls finish, and exits 0. A bad setting
 * exits with status 2 and one line that names it.
 */
public final class Main {

  private Main() {}

  public static void main(String[] args) throws InterruptedException {
    System.setProperty("vertx.logger-delegate-factory-class-name", "io.vertx.core.logging.SLF4JLogDelegateFactory");
    LaunchOptions launch;
    try {
      launch = LaunchOptions.parse(args);
    } catch (SettingsException e) {
      System.err.println("portcullis: " + e.getMessage());
      System.exit(2);
      return;
    }
    if (launch.help()) {
      System.out.println(LaunchOptions.USAGE);
      return;
    }
    // Listen for SIGTERM before starting, so a stop asked for during start-up is not lost.
    CountDownLatch stopRequested = new CountDownLatch(1);
    Signal.handle(new Signal("TERM"), sig -> stopRequested.countDown());
    Signal.handle(new Signal("INT"), sig -> stopRequested.countDown());
    Portcullis portcullis;
    try {
      portcullis = Portcullis.start(launch).await(5, TimeUnit.MINUTES);
    } catch (Exception e) {
      Throwable cause = e instanceof SettingsException ? e : (e.getCause() instanceof SettingsException ? e.getCause() : e);
      if (cause instanceof SettingsException) {
        System.err.println("portcullis: " + cause.getMessage());
        System.exit(2);
      }
      System.err.println("portcullis: failed to start: " + cause);
      System.exit(1);
      return;
    }
    stopRequested.await();
    CountDownLatch stopped = new CountDownLatch(1);
    portcullis.stop().onComplete(ar -> stopped.countDown());
    stopped.await();
    System.exit(0);
  }
}
