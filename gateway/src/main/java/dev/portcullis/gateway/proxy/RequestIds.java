package dev.portcullis.gateway.proxy;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Request ids for logs and the {@code x-portcullis-request-id} header: 96 random bits in hex.
 * They identify, they do not protect, so a fast non-cryptographic source is right here.
 */
final class RequestIds {

  private RequestIds() {}

  static String next() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    return "req_" + Long.toHexString(random.nextLong() | Long.MIN_VALUE) + Integer.toHexString(random.nextInt() | Integer.MIN_VALUE);
  }
}
