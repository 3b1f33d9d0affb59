package io.podidentity.auth;

import io.podidentity.sigv4.SecretLookup;
import io.podidentity.sigv4.SigningSecret;
import io.podidentity.store.Database;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The access keys the server accepts, stored with encrypted secrets. Lookups are cached in memory
 * (the SigV4 check runs on every request); writes go to the store first.
 */
public final class AccessKeys implements SecretLookup<Caller> {
  private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  private static final String SECRET_ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Database db;
  private final SecretBox box;
  private final Clock clock;

  /** Issued session keys are looked up again on every request made with them; bound the cache. */
  static final int MAX_CACHED = 50_000;

  private final Map<String, Optional<SigningSecret<Caller>>> cache = new ConcurrentHashMap<>();

  public AccessKeys(Database db, SecretBox box, Clock clock) {
    this.db = db;
    this.box = box;
    this.clock = clock;
  }

  /** A new long-term key id: {@code AKIA} + 16 base-32 characters, as IAM makes them. */
  public static String newLongTermKeyId() {
    return "AKIA" + random(ALPHABET, 16);
  }

  /** A new temporary key id: {@code ASIA} + 16 characters, as STS makes them. */
  public static String newTemporaryKeyId() {
    return "ASIA" + random(ALPHABET, 16);
  }

  /** A new 40-character secret access key. */
  public static String newSecret() {
    return random(SECRET_ALPHABET, 40);
  }

  static String random(String alphabet, int n) {
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      sb.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  /** Stores a key. {@code sessionToken} and {@code expiresAt} only for temporary credentials. */
  public void put(
      Caller caller, String secret, Optional<String> sessionToken, Optional<Instant> expiresAt) {
    db.write(
        h ->
            h.createUpdate(
                    "INSERT INTO access_keys(access_key_id, secret_enc, kind, principal_arn,"
                        + " principal_id, account_id, session_token_enc, session, created_at,"
                        + " expires_at) VALUES (:id, :secret, :kind, :arn, :uid, :acct, :token,"
                        + " :session, :created, :expires)")
                .bind("id", caller.accessKeyId())
                .bind("secret", box.seal(secret))
                .bind("kind", caller.kind().name())
                .bind("arn", caller.arn())
                .bind("uid", caller.userId())
                .bind("acct", caller.accountId())
                .bind("token", sessionToken.map(box::seal).orElse(null))
                .bind("session", SessionCodec.encode(caller))
                .bind("created", clock.millis())
                .bind("expires", expiresAt.map(Instant::toEpochMilli).orElse(null))
                .execute());
    cache.remove(caller.accessKeyId());
  }

  @Override
  public Optional<SigningSecret<Caller>> find(String accessKeyId) {
    if (accessKeyId.length() > 128) {
      return Optional.empty();
    }
    Optional<SigningSecret<Caller>> hit = cache.get(accessKeyId);
    if (hit != null && hit.isPresent()) {
      return hit;
    }
    Optional<SigningSecret<Caller>> loaded = load(accessKeyId);
    if (loaded.isPresent()) {
      if (cache.size() >= MAX_CACHED) {
        trim();
      }
      cache.put(accessKeyId, loaded);
    }
    return loaded;
  }

  /**
   * Keeps the cache bounded: drops expired session keys first, and everything if that is not enough
   * (entries are reloaded from the store on the next use).
   */
  private void trim() {
    Instant now = clock.instant();
    cache
        .values()
        .removeIf(o -> o.flatMap(SigningSecret::expiresAt).map(now::isAfter).orElse(false));
    if (cache.size() >= MAX_CACHED) {
      cache.clear();
    }
  }

  /** The first key of a kind, decrypted (used to rewrite the credentials file). */
  public Optional<SigningSecret<Caller>> firstOfKind(Caller.Kind kind) {
    return db.read(
            h ->
                h.createQuery(
                        "SELECT access_key_id FROM access_keys WHERE kind = :k ORDER BY created_at"
                            + " LIMIT 1")
                    .bind("k", kind.name())
                    .mapTo(String.class)
                    .findOne())
        .flatMap(this::load);
  }

  private Optional<SigningSecret<Caller>> load(String id) {
    return db.read(
        h ->
            h.createQuery(
                    "SELECT secret_enc, session_token_enc, session, expires_at FROM access_keys"
                        + " WHERE access_key_id = :id")
                .bind("id", id)
                .map(
                    (rs, ctx) -> {
                      Caller c = SessionCodec.decode(id, rs.getString("session"));
                      String tok = rs.getString("session_token_enc");
                      long exp = rs.getLong("expires_at");
                      boolean hasExp = !rs.wasNull();
                      return new SigningSecret<>(
                          id,
                          box.open(rs.getString("secret_enc")),
                          Optional.ofNullable(tok).map(box::open),
                          hasExp ? Optional.of(Instant.ofEpochMilli(exp)) : Optional.empty(),
                          c);
                    })
                .findOne());
  }
}
