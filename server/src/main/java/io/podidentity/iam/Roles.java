package io.podidentity.iam;

import io.podidentity.iam.internal.IamErrors;
import io.podidentity.policy.NamedPolicy;
import io.podidentity.policy.PolicyDocument;
import io.podidentity.policy.PolicyKind;
import io.podidentity.policy.PolicyLimits;
import io.podidentity.store.Database;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Handle;

/**
 * The builtin issuer's IAM roles, their inline policies and tags, in the store. Every write is one
 * transaction; the rules IAM applies to the stored data (unique names regardless of case, the trust
 * policy and inline policy quotas, no delete while inline policies remain) are checked inside it.
 * Parsed policies are cached for the authorizer and dropped on every write.
 */
public final class Roles {
  /** IAM's default quota of tags per role. */
  public static final int MAX_TAGS = 50;

  public static final int DEFAULT_MAX_SESSION = 3600;

  private static final String ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Database db;
  private final Clock clock;
  private final String accountId;
  private final Map<String, Optional<Role>> roleCache = new ConcurrentHashMap<>();
  private final Map<String, List<NamedPolicy>> policyCache = new ConcurrentHashMap<>();
  private final Map<String, PolicyDocument> trustCache = new ConcurrentHashMap<>();
  // Bumped after every committed write; a read that raced a write does not fill the caches.
  private final AtomicLong generation = new AtomicLong();

  public Roles(Database db, Clock clock, String accountId) {
    this.db = db;
    this.clock = clock;
    this.accountId = accountId;
  }

  public String accountId() {
    return accountId;
  }

  /** The ARN a role of that path and name has in this account. */
  public String arnOf(String path, String name) {
    return "arn:aws:iam::" + accountId + ":role" + path + name;
  }

  /** A new role id: {@code AROA} + 17 base-32 characters, the form IAM gives roles. */
  static String newRoleId() {
    StringBuilder sb = new StringBuilder("AROA");
    for (int i = 0; i < 17; i++) {
      sb.append(ID_ALPHABET.charAt(RANDOM.nextInt(ID_ALPHABET.length())));
    }
    return sb.toString();
  }

  /**
   * Creates a role. The trust policy is validated as a trust policy and must fit IAM's quota
   * (LimitExceeded); a role of the same name in any case is EntityAlreadyExists.
   */
  public Role create(
      String name,
      String path,
      String trustPolicy,
      Optional<String> description,
      int maxSessionDuration,
      List<Tag> tags) {
    checkTrust(trustPolicy);
    List<Tag> merged = mergeTags(List.of(), tags);
    String id = newRoleId();
    Instant now = Instant.ofEpochMilli(clock.millis());
    Role role =
        new Role(
            name,
            path,
            id,
            arnOf(path, name),
            trustPolicy,
            description,
            maxSessionDuration,
            now,
            merged);
    db.write(
        h -> {
          if (findRow(h, name).isPresent()) {
            throw IamErrors.roleExists(name);
          }
          h.createUpdate(
                  "INSERT INTO iam_roles(name_key, role_name, role_id, path, arn, trust_policy,"
                      + " description, max_session_duration, created_at) VALUES (:k, :n, :id, :p,"
                      + " :arn, :t, :d, :m, :c)")
              .bind("k", key(name))
              .bind("n", name)
              .bind("id", id)
              .bind("p", path)
              .bind("arn", role.arn())
              .bind("t", trustPolicy)
              .bind("d", description.orElse(null))
              .bind("m", maxSessionDuration)
              .bind("c", now.toEpochMilli())
              .execute();
          writeTags(h, id, merged);
          return null;
        });
    invalidate();
    return role;
  }

  /** The role of that name (any case), or NoSuchEntity. */
  public Role get(String name) {
    return find(name).orElseThrow(() -> IamErrors.noSuchRole(name));
  }

  /** The role of that name (any case), if it exists; cached. */
  public Optional<Role> find(String name) {
    String k = key(name);
    Optional<Role> hit = roleCache.get(k);
    if (hit != null) {
      return hit;
    }
    long g = generation.get();
    Optional<Role> loaded = db.read(h -> findRow(h, name).map(r -> withTags(h, r)));
    cachePut(roleCache, k, loaded, g);
    return loaded;
  }

  /**
   * The role an ARN names: {@code arn:aws:iam::ACCOUNT:role/PATH/NAME} in this account, with the
   * role's path; empty for anything else.
   */
  public Optional<Role> findByArn(String arn) {
    String prefix = "arn:aws:iam::" + accountId + ":role/";
    if (arn == null || !arn.startsWith(prefix)) {
      return Optional.empty();
    }
    String rest = arn.substring(prefix.length() - 1);
    int slash = rest.lastIndexOf('/');
    String name = rest.substring(slash + 1);
    if (name.isEmpty()) {
      return Optional.empty();
    }
    return find(name).filter(r -> r.arn().equals(arn));
  }

  /** Roles whose path starts with {@code pathPrefix}, ordered by name, one page at a time. */
  public Page<Role> list(String pathPrefix, Optional<String> marker, int maxItems) {
    String after = marker.map(Roles::decodeMarker).orElse("");
    return db.read(
        h -> {
          List<Row> rows =
              h.createQuery(
                      "SELECT * FROM iam_roles WHERE name_key > :after AND substr(path, 1,"
                          + " length(:pp)) = :pp ORDER BY name_key LIMIT :lim")
                  .bind("after", after)
                  .bind("pp", pathPrefix)
                  .bind("lim", maxItems + 1)
                  .map((rs, ctx) -> Row.of(rs))
                  .list();
          boolean more = rows.size() > maxItems;
          List<Row> page = more ? rows.subList(0, maxItems) : rows;
          List<Role> roles = new ArrayList<>();
          for (Row r : page) {
            roles.add(withTags(h, r));
          }
          return new Page<>(
              roles,
              more
                  ? Optional.of(encodeMarker(page.get(page.size() - 1).nameKey))
                  : Optional.empty());
        });
  }

  /** Deletes a role; DeleteConflict while it still has inline policies. */
  public void delete(String name) {
    db.write(
        h -> {
          Row r = findRow(h, name).orElseThrow(() -> IamErrors.noSuchRole(name));
          int policies =
              h.createQuery("SELECT count(*) FROM iam_role_policies WHERE role_id = :id")
                  .bind("id", r.id)
                  .mapTo(Integer.class)
                  .one();
          if (policies > 0) {
            throw IamErrors.deleteConflict();
          }
          h.createUpdate("DELETE FROM iam_role_tags WHERE role_id = :id")
              .bind("id", r.id)
              .execute();
          h.createUpdate("DELETE FROM iam_roles WHERE role_id = :id").bind("id", r.id).execute();
          return null;
        });
    invalidate();
  }

  public void updateTrustPolicy(String name, String trustPolicy) {
    checkTrust(trustPolicy);
    update(name, "trust_policy", trustPolicy);
  }

  /** UpdateRole: sets the description and/or the maximum session duration. */
  public void updateRole(
      String name, Optional<String> description, Optional<Integer> maxSessionDuration) {
    db.write(
        h -> {
          Row r = findRow(h, name).orElseThrow(() -> IamErrors.noSuchRole(name));
          if (description.isPresent()) {
            h.createUpdate("UPDATE iam_roles SET description = :d WHERE role_id = :id")
                .bind("d", description.get())
                .bind("id", r.id)
                .execute();
          }
          if (maxSessionDuration.isPresent()) {
            h.createUpdate("UPDATE iam_roles SET max_session_duration = :m WHERE role_id = :id")
                .bind("m", maxSessionDuration.get())
                .bind("id", r.id)
                .execute();
          }
          return null;
        });
    invalidate();
  }

  private void update(String name, String column, String value) {
    db.write(
        h -> {
          Row r = findRow(h, name).orElseThrow(() -> IamErrors.noSuchRole(name));
          h.createUpdate("UPDATE iam_roles SET " + column + " = :v WHERE role_id = :id")
              .bind("v", value)
              .bind("id", r.id)
              .execute();
          return null;
        });
    invalidate();
  }

  /**
   * Adds or replaces an inline policy. It is validated as an identity policy; the role's inline
   * policies together must stay within {@link PolicyLimits#ROLE_INLINE_POLICIES_MAX_CHARS}.
   */
  public void putPolicy(String roleName, String policyName, String document) {
    PolicyDocument.parse(document, PolicyKind.IDENTITY);
    db.write(
        h -> {
          Row r = findRow(h, roleName).orElseThrow(() -> IamErrors.noSuchRole(roleName));
          int total = PolicyLimits.countedSize(document);
          for (Map.Entry<String, String> e : policyRows(h, r.id).entrySet()) {
            if (!e.getKey().equals(policyName)) {
              total += PolicyLimits.countedSize(e.getValue());
            }
          }
          if (total > PolicyLimits.ROLE_INLINE_POLICIES_MAX_CHARS) {
            throw IamErrors.limitExceeded(
                "Maximum policy size of "
                    + PolicyLimits.ROLE_INLINE_POLICIES_MAX_CHARS
                    + " bytes exceeded for role "
                    + r.name);
          }
          h.createUpdate(
                  "INSERT INTO iam_role_policies(role_id, policy_name, document) VALUES (:id, :n,"
                      + " :d) ON CONFLICT(role_id, policy_name) DO UPDATE SET document ="
                      + " excluded.document")
              .bind("id", r.id)
              .bind("n", policyName)
              .bind("d", document)
              .execute();
          return null;
        });
    invalidate();
  }

  /** The text of an inline policy, or NoSuchEntity for the role or the policy. */
  public String getPolicy(String roleName, String policyName) {
    return db.read(
        h -> {
          Row r = findRow(h, roleName).orElseThrow(() -> IamErrors.noSuchRole(roleName));
          String d = policyRows(h, r.id).get(policyName);
          if (d == null) {
            throw IamErrors.noSuchRolePolicy(policyName);
          }
          return d;
        });
  }

  public Page<String> listPolicies(String roleName, Optional<String> marker, int maxItems) {
    String after = marker.map(Roles::decodeMarker).orElse(null);
    return db.read(
        h -> {
          Row r = findRow(h, roleName).orElseThrow(() -> IamErrors.noSuchRole(roleName));
          List<String> names = new ArrayList<>(policyRows(h, r.id).keySet());
          return page(names, after, maxItems);
        });
  }

  public void deletePolicy(String roleName, String policyName) {
    db.write(
        h -> {
          Row r = findRow(h, roleName).orElseThrow(() -> IamErrors.noSuchRole(roleName));
          int n =
              h.createUpdate(
                      "DELETE FROM iam_role_policies WHERE role_id = :id AND policy_name = :n")
                  .bind("id", r.id)
                  .bind("n", policyName)
                  .execute();
          if (n == 0) {
            throw IamErrors.noSuchRolePolicy(policyName);
          }
          return null;
        });
    invalidate();
  }

  /** Adds tags, replacing the value of keys already set (regardless of case). */
  public void tag(String roleName, List<Tag> tags) {
    db.write(
        h -> {
          Row r = findRow(h, roleName).orElseThrow(() -> IamErrors.noSuchRole(roleName));
          List<Tag> merged = mergeTags(tagRows(h, r.id), tags);
          h.createUpdate("DELETE FROM iam_role_tags WHERE role_id = :id")
              .bind("id", r.id)
              .execute();
          writeTags(h, r.id, merged);
          return null;
        });
    invalidate();
  }

  /** Removes tags by key (regardless of case); keys that are not set are ignored, as IAM does. */
  public void untag(String roleName, List<String> keys) {
    db.write(
        h -> {
          Row r = findRow(h, roleName).orElseThrow(() -> IamErrors.noSuchRole(roleName));
          for (String k : keys) {
            h.createUpdate("DELETE FROM iam_role_tags WHERE role_id = :id AND key_lc = :k")
                .bind("id", r.id)
                .bind("k", k.toLowerCase(Locale.ROOT))
                .execute();
          }
          return null;
        });
    invalidate();
  }

  public Page<Tag> listTags(String roleName, Optional<String> marker, int maxItems) {
    String after = marker.map(Roles::decodeMarker).orElse(null);
    return db.read(
        h -> {
          Row r = findRow(h, roleName).orElseThrow(() -> IamErrors.noSuchRole(roleName));
          List<Tag> tags = tagRows(h, r.id);
          int start = 0;
          if (after != null) {
            start = -1;
            for (int i = 0; i < tags.size(); i++) {
              if (tags.get(i).key().toLowerCase(Locale.ROOT).equals(after)) {
                start = i + 1;
              }
            }
            if (start < 0) {
              throw badMarker();
            }
          }
          int end = Math.min(tags.size(), start + maxItems);
          List<Tag> items = tags.subList(start, end);
          return new Page<>(
              items,
              end < tags.size()
                  ? Optional.of(
                      encodeMarker(items.get(items.size() - 1).key().toLowerCase(Locale.ROOT)))
                  : Optional.empty());
        });
  }

  /**
   * The role's inline policies, parsed, named by policy name (what SimulatePrincipalPolicy reports
   * as SourcePolicyId); cached until the next write.
   */
  public List<NamedPolicy> policies(Role role) {
    List<NamedPolicy> hit = policyCache.get(role.id());
    if (hit != null) {
      return hit;
    }
    long g = generation.get();
    Map<String, String> rows = db.read(h -> policyRows(h, role.id()));
    List<NamedPolicy> parsed = new ArrayList<>();
    rows.forEach(
        (n, d) -> parsed.add(new NamedPolicy(n, PolicyDocument.parse(d, PolicyKind.IDENTITY))));
    List<NamedPolicy> result = List.copyOf(parsed);
    cachePut(policyCache, role.id(), result, g);
    return result;
  }

  /** The role's trust policy, parsed; cached until the next write. */
  public PolicyDocument trustPolicy(Role role) {
    PolicyDocument hit = trustCache.get(role.id());
    if (hit != null && hit.source().equals(role.trustPolicy())) {
      return hit;
    }
    long g = generation.get();
    PolicyDocument parsed = PolicyDocument.parse(role.trustPolicy(), PolicyKind.TRUST);
    cachePut(trustCache, role.id(), parsed, g);
    return parsed;
  }

  private static void checkTrust(String trustPolicy) {
    PolicyDocument.parse(trustPolicy, PolicyKind.TRUST);
    if (PolicyLimits.countedSize(trustPolicy) > PolicyLimits.TRUST_POLICY_MAX_CHARS) {
      throw IamErrors.limitExceeded(
          "Cannot exceed quota for ACLSizePerRole: " + PolicyLimits.TRUST_POLICY_MAX_CHARS);
    }
  }

  private static List<Tag> mergeTags(List<Tag> existing, List<Tag> add) {
    Map<String, Tag> m = new LinkedHashMap<>();
    for (Tag t : existing) {
      m.put(t.key().toLowerCase(Locale.ROOT), t);
    }
    for (Tag t : add) {
      String k = t.key().toLowerCase(Locale.ROOT);
      Tag old = m.get(k);
      m.put(k, new Tag(old == null ? t.key() : old.key(), t.value()));
    }
    if (m.size() > MAX_TAGS) {
      throw IamErrors.limitExceeded(
          "The number of tags has reached the maximum limit of " + MAX_TAGS + ".");
    }
    return List.copyOf(m.values());
  }

  private synchronized void invalidate() {
    generation.incrementAndGet();
    roleCache.clear();
    policyCache.clear();
    trustCache.clear();
  }

  private synchronized <V> void cachePut(Map<String, V> cache, String k, V v, long g) {
    if (generation.get() != g) {
      return;
    }
    if (cache.size() > 10_000) {
      cache.clear();
    }
    cache.put(k, v);
  }

  private static String key(String name) {
    return name.toLowerCase(Locale.ROOT);
  }

  private static <T extends Comparable<T>> Page<T> page(List<T> sorted, String after, int max) {
    int start = 0;
    if (after != null) {
      start = -1;
      for (int i = 0; i < sorted.size(); i++) {
        if (sorted.get(i).toString().equals(after)) {
          start = i + 1;
        }
      }
      if (start < 0) {
        throw badMarker();
      }
    }
    int end = Math.min(sorted.size(), start + max);
    List<T> items = sorted.subList(start, end);
    return new Page<>(
        items,
        end < sorted.size()
            ? Optional.of(encodeMarker(items.get(items.size() - 1).toString()))
            : Optional.empty());
  }

  private static String encodeMarker(String s) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String decodeMarker(String m) {
    try {
      return new String(Base64.getUrlDecoder().decode(m), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw badMarker();
    }
  }

  private static RuntimeException badMarker() {
    return IamErrors.validation("The specified value for marker is not valid.");
  }

  private record Row(
      String nameKey,
      String name,
      String id,
      String path,
      String arn,
      String trust,
      String description,
      int maxSession,
      long createdAt) {
    static Row of(java.sql.ResultSet rs) throws java.sql.SQLException {
      return new Row(
          rs.getString("name_key"),
          rs.getString("role_name"),
          rs.getString("role_id"),
          rs.getString("path"),
          rs.getString("arn"),
          rs.getString("trust_policy"),
          rs.getString("description"),
          rs.getInt("max_session_duration"),
          rs.getLong("created_at"));
    }
  }

  private static Optional<Row> findRow(Handle h, String name) {
    return h.createQuery("SELECT * FROM iam_roles WHERE name_key = :k")
        .bind("k", key(name))
        .map((rs, ctx) -> Row.of(rs))
        .findOne();
  }

  private static Role withTags(Handle h, Row r) {
    return new Role(
        r.name,
        r.path,
        r.id,
        r.arn,
        r.trust,
        Optional.ofNullable(r.description),
        r.maxSession,
        Instant.ofEpochMilli(r.createdAt),
        tagRows(h, r.id));
  }

  private static List<Tag> tagRows(Handle h, String roleId) {
    return h.createQuery(
            "SELECT tag_key, tag_value FROM iam_role_tags WHERE role_id = :id ORDER BY seq")
        .bind("id", roleId)
        .map((rs, ctx) -> new Tag(rs.getString(1), rs.getString(2)))
        .list();
  }

  private static Map<String, String> policyRows(Handle h, String roleId) {
    Map<String, String> m = new LinkedHashMap<>();
    h.createQuery(
            "SELECT policy_name, document FROM iam_role_policies WHERE role_id = :id ORDER BY"
                + " policy_name")
        .bind("id", roleId)
        .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getString(2)))
        .forEach(e -> m.put(e.getKey(), e.getValue()));
    return m;
  }

  private static void writeTags(Handle h, String roleId, List<Tag> tags) {
    int seq = 0;
    for (Tag t : tags) {
      h.createUpdate(
              "INSERT INTO iam_role_tags(role_id, key_lc, tag_key, tag_value, seq) VALUES (:id,"
                  + " :k, :tk, :tv, :s)")
          .bind("id", roleId)
          .bind("k", t.key().toLowerCase(Locale.ROOT))
          .bind("tk", t.key())
          .bind("tv", t.value())
          .bind("s", seq++)
          .execute();
    }
  }
}
