package dev.gozo.gateway.jobs;

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

  /**
   * The id of the job a client names with an Idempotency-Key: a UUID version 8 built from
   * SHA-256(tenant, key), so every gateway derives the same id for a retried request without
   * sharing any memory, and one tenant's key can never name another tenant's job.
   */
  public static String forIdempotencyKey(String tenant, String key) {
    try {
      java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
      sha.update(tenant.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(key.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      java.nio.ByteBuffer hash = java.nio.ByteBuffer.wrap(sha.digest());
      long msb = (hash.getLong() & ~0xF000L) | 0x8000L;
      long lsb = (hash.getLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
      return new UUID(msb, lsb).toString();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  }

  /**
   * When a job id made by {@link #next()} was made (its UUIDv7 timestamp); empty for any other id,
   * such as one derived from an Idempotency-Key or not a UUID at all.
   */
  public static java.util.OptionalLong createdAtMs(String id) {
    return canonical(id)
        .filter(uuid -> uuid.version() == 7)
        .map(uuid -> java.util.OptionalLong.of(uuid.getMostSignificantBits() >>> 16))
        .orElse(java.util.OptionalLong.empty());
  }

  /** Whether {@code id} could have been made by {@link #forIdempotencyKey} (a canonical UUIDv8). */
  public static boolean isIdempotencyKeyId(String id) {
    return canonical(id).filter(uuid -> uuid.version() == 8).isPresent();
  }

  /** The UUID {@code id} spells, only when spelt as ids are made (lower case, with dashes). */
  private static java.util.Optional<UUID> canonical(String id) {
    try {
      UUID uuid = UUID.fromString(id);
      return uuid.toString().equals(id) ? java.util.Optional.of(uuid) : java.util.Optional.empty();
    } catch (IllegalArgumentException e) {
      return java.util.Optional.empty();
    }
  }

  static String at(long epochMillis) {
    long randA = RANDOM.nextInt(1 << 12);
    long randB = RANDOM.nextLong();
    long msb = (epochMillis & 0xFFFF_FFFF_FFFFL) << 16 | 0x7000L | randA;
    long lsb = (randB & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
    return new UUID(msb, lsb).toString();
  }
}
