package dev.gozo.jobspec;

import java.util.regex.Pattern;

/**
 * The one rule for tenant names, used where a job names its tenant ({@link JobValidator}, at the
 * gateway and the worker) and where the gateway's API keys do ({@code GOZO_API_KEYS}): a key's
 * tenant that the validator would refuse could submit nothing.
 */
public final class TenantNames {

  /** The rule in words, for messages that tell a user or an operator what to write instead. */
  public static final String RULE = "1-64 letters, digits, '.', '_' or '-'";

  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  private TenantNames() {}

  public static boolean isValid(String tenant) {
    return tenant != null && VALID.matcher(tenant).matches();
  }
}
