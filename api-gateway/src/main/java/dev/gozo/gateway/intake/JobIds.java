package dev.gozo.gateway.intake;

import java.security.SecureRandom;
import java.util.UUID;

/**
 * New job ids: UUID version 7 (RFC 9562), a 48-bit millisecond timestamp followed by 74 random
 * bits. Time-ordered ids keep Kafka keys and logs roughly sorted by submission, and the random part
 * makes them unguessable, which matters because an id is all a GET needs besides the key.
 */
public final class JobIds {

  private static final SecureRandom RANDOM = new SecureRandom();

  private JobIds() {}

  public static String next() {
    return at(System.currentTimeMillis());
  }

  static String at(long epochMillis) {
    long randA = RANDOM.nextInt(1 << 12);
    long randB = RANDOM.nextLong();
    long msb = (epochMillis & 0xFFFF_FFFF_FFFFL) << 16 | 0x7000L | randA;
    long lsb = (randB & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
    return new UUID(msb, lsb).toString();
  }
}
