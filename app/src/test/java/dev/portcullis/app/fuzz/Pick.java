package dev.portcullis.app.fuzz;

import java.util.List;
import java.util.SplittableRandom;

/** The seeded choices every generator makes; one per case, so any case can be made again from (seed, index). */
final class Pick {

  final SplittableRandom random;

  Pick(long seed, int index) {
    // Cases are independent: case N is the same whatever else the run did.
    this.random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index);
  }

  boolean chance(double p) {
    return random.nextDouble() < p;
  }

  int between(int fromInclusive, int toInclusive) {
    return random.nextInt(fromInclusive, toInclusive + 1);
  }

  @SafeVarargs
  final <T> T one(T... options) {
    return options[random.nextInt(options.length)];
  }

  <T> T one(List<T> options) {
    return options.get(random.nextInt(options.size()));
  }

  String repeat(String unit, int times) {
    return unit.repeat(Math.max(0, times));
  }

  String alnum(int length) {
    String chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    StringBuilder out = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      out.append(chars.charAt(random.nextInt(chars.length())));
    }
    return out.toString();
  }
}
