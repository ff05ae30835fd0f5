package dev.portcullis.app;

import dev.portcullis.app.cli.AdminCommand;
import dev.portcullis.app.cli.CliIo;
import dev.portcullis.app.launch.InPlaceExec;
import dev.portcullis.app.launch.JvmTuning;
import dev.portcullis.app.launch.RunningJvm;
import dev.portcullis.app.logging.LogFormat;
import dev.portcullis.common.settings.SettingsException;
import dev.portcullis.usage.audit.AuditCommand;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * {@code java -jar portcullis.jar}: starts the roles asked for with the embedded defaults, and on
 * SIGTERM (or Ctrl-C) stops accepting, lets in-flight calls finish, and exits 0. A bad setting
 * exits with status 2 and one line that names it. Started without the user's own memory flags,
 * it first replaces itself with a JVM sized for a gateway ({@link JvmTuning}).
 *
 * <p>{@code java -jar portcullis.jar audit verify FILE} is a tool instead ({@link AuditCommand}):
 * it checks an audit log export and exits, in the JVM as started; so is
 * {@code java -jar portcullis.jar admin ...}, a client of the admin API ({@link AdminCommand}).
 */
public final class Main {

  private Main() {}

  public static void main(String[] args) throws InterruptedException {
    if (args.length > 0 && args[0].equals("audit")) {
      // A tool, not a server: no restart with tuned flags, nothing started.
      System.exit(AuditCommand.run(List.of(args).subList(1, args.length), System.in, System.out, System.err));
    }
    if (args.length > 0 && args[0].equals("admin")) {
      // A client of the admin API: the same, in the JVM as started.
      System.exit(AdminCommand.run(List.of(args).subList(1, args.length), CliIo.system()));
    }
    // First of all, before logging or Vert.x load a class: what they would load is lost on restart.
    JvmTuning.Decision jvm;
    try {
      // Logging reads it when it starts, too late to stop the process: a bad value stops it here.
      LogFormat.forThisProcess();
      jvm = tuneJvm(args);
    } catch (SettingsException e) {
      System.err.println("portcullis: " + e.getMessage());
      System.exit(2);
      return;
    }
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
    if (jvm.warning()) {
      LoggerFactory.getLogger(Main.class).warn(jvm.note());
    } else {
      LoggerFactory.getLogger(Main.class).info(jvm.note());
    }
    stopRequested.await();
    CountDownLatch stopped = new CountDownLatch(1);
    portcullis.stop().onComplete(ar -> stopped.countDown());
    stopped.await();
    System.exit(0);
  }

  /**
   * Replaces this process with a tuned JVM when {@link JvmTuning} says so (then it never
   * returns); otherwise, or when that fails, says what to log about the JVM's flags.
   */
  private static JvmTuning.Decision tuneJvm(String[] args) {
    JvmTuning.Decision decision = JvmTuning.decide(RunningJvm.current(), List.of(args));
    if (!decision.relaunch()) {
      return decision;
    }
    return decision.failed(InPlaceExec.exec(decision.command(), decision.environment()));
  }
}
