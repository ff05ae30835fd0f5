package dev.portcullis.gateway.proxy;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Request ids for logs, the {@code x-portcullis-request-id} header and the usage ledger's records:
 * the time in milliseconds (12 hex digits) followed by 48 random bits (12 hex digits). They
 * identify, they do not protect, so a fast non-cryptographic source is right here.
 *
 * <p>Why time first: the ledger keeps its records in B-trees keyed by this id. Ids that grow with
 * time land on the tree's last pages, so a batch of inserts touches a handful of pages instead of
 * one random page per record, which on the embedded store meant rewriting (and keeping in memory
 * until its next checkpoint) a page per call.
 */
final class RequestIds {

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private RequestIds() {}

  static String next() {
    return of(System.currentTimeMillis(), ThreadLocalRandom.current().nextLong());
  }

  static String of(long millis, long random) {
    char[] id = new char[28];
    id[0] = 'r';
    id[1] = 'e';
    id[2] = 'q';
    id[3] = '_';
    hex(millis, id, 4);
    hex(random, id, 16);
    return new String(id);
  }

  /** The low 48 bits of {@code value} as 12 hex digits at {@code at}. */
  private static void hex(long value, char[] into, int at) {
    for (int i = 11; i >= 0; i--) {
      into[at + i] = HEX[(int) (value & 0xf)];
      value >>>= 4;
    }
  }
}
