package dev.gozo.gateway.auth;

import dev.gozo.jobspec.TenantNames;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The API keys the gateway accepts, each owned by one tenant. Parsed from {@code
 * tenant:key[,tenant:key]}.
 *
 * <p>Lookups compare SHA-256 digests of the presented key against every known key, always all of
 * them, with {@link MessageDigest#isEqual}: the time taken says nothing about how much of a key
 * matched, nor (since digests have one length) about the keys' lengths.
 */
public final class ApiKeys {

  private record Entry(String tenant, byte[] digest) {}

  private final List<Entry> entries;

  private ApiKeys(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  /**
   * Parses {@code tenant:key[,tenant:key]}. Throws with a message naming GOZO_API_KEYS when the
   * list is empty or an entry is malformed, so a misconfigured gateway never starts.
   */
  public static ApiKeys parse(String spec) {
    if (spec == null || spec.isBlank()) {
      throw new IllegalArgumentException(
          "GOZO_API_KEYS is empty: set it to tenant:key[,tenant:key] (for example"
              + " GOZO_API_KEYS=acme:$(openssl rand -hex 24))");
    }
    List<Entry> entries = new ArrayList<>();
    Set<String> keys = new HashSet<>();
    String[] items = spec.split(",");
    for (int i = 0; i < items.length; i++) {
      String item = items[i].trim();
      int colon = item.indexOf(':');
      if (colon < 0) {
        throw invalid(i, "expected tenant:key");
      }
      String tenant = item.substring(0, colon).trim();
      String key = item.substring(colon + 1).trim();
      // Checked at start-up: a tenant the job validator refuses could not submit anything.
      if (!TenantNames.isValid(tenant)) {
        throw invalid(i, "tenant must be " + TenantNames.RULE);
      }
      if (key.isEmpty() || key.chars().anyMatch(c -> c <= ' ' || c > '~')) {
        throw invalid(i, "key must be non-empty printable ASCII without spaces");
      }
      if (!keys.add(key)) {
        throw invalid(i, "the same key is listed twice");
      }
      entries.add(new Entry(tenant, digest(key)));
    }
    return new ApiKeys(entries);
  }

  /** The tenant owning {@code presentedKey}, empty when no key matches. */
  public Optional<String> tenantFor(String presentedKey) {
    if (presentedKey == null) {
      return Optional.empty();
    }
    byte[] presented = digest(presentedKey);
    String found = null;
    for (Entry entry : entries) {
      // No early exit: every lookup costs the same whichever key (if any) matches.
      if (MessageDigest.isEqual(entry.digest(), presented)) {
        found = entry.tenant();
      }
    }
    return Optional.ofNullable(found);
  }

  public int size() {
    return entries.size();
  }

  private static IllegalArgumentException invalid(int index, String problem) {
    // The entry itself is not echoed: it holds a secret.
    return new IllegalArgumentException(
        "GOZO_API_KEYS entry " + (index + 1) + " is invalid: " + problem);
  }

  private static byte[] digest(String key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
