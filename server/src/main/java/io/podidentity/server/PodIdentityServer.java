package io.podidentity.server;

import io.helidon.webserver.WebServer;
import io.podidentity.api.ApiException;
import io.podidentity.association.AssociationApi;
import io.podidentity.association.AssociationIndex;
import io.podidentity.association.AssociationService;
import io.podidentity.association.CachedAssociationIndex;
import io.podidentity.association.ChangeFeed;
import io.podidentity.audit.AuditApi;
import io.podidentity.audit.AuditLog;
import io.podidentity.auth.AccessKeys;
import io.podidentity.auth.Caller;
import io.podidentity.auth.SecretBox;
import io.podidentity.cluster.ClusterApi;
import io.podidentity.cluster.ClusterRegistry;
import io.podidentity.eksauth.EksAuthApi;
import io.podidentity.eksauth.PodIdentityService;
import io.podidentity.http.FrontDoor;
import io.podidentity.http.QueryService;
import io.podidentity.http.RequestMetrics;
import io.podidentity.http.RestService;
import io.podidentity.http.internal.HttpAnswer;
import io.podidentity.iam.IamApi;
import io.podidentity.iam.Roles;
import io.podidentity.issuer.CredentialIssuer;
import io.podidentity.policy.PolicyDocument;
import io.podidentity.policy.PolicyKind;
import io.podidentity.sigv4.SigV4Verifier;
import io.podidentity.sigv4.SigningSecret;
import io.podidentity.store.Database;
import io.podidentity.sts.RoleSessions;
import io.podidentity.sts.SessionAuthorizer;
import io.podidentity.sts.StsApi;
import io.podidentity.token.TokenVerifier;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The podidentity control plane: the EKS association API, EKS Auth, and the builtin IAM/STS, on one
 * port behind one {@link FrontDoor}. {@link #start} opens (and locks) the data dir, migrates the
 * store, ensures the admin and agent keys and the credentials file, and starts listening.
 */
public final class PodIdentityServer implements AutoCloseable {
  private final ServerConfig config;
  private final DataDir dataDir;
  private final Database db;
  private final WebServer web;
  private final ClusterRegistry clusters;
  private final AssociationService associations;
  private final AccessKeys keys;
  private final SigningSecret<Caller> admin;
  private final SigningSecret<Caller> agent;
  private final AtomicBoolean readyFlag;
  private final Roles roles;
  private final RoleSessions roleSessions;

  private PodIdentityServer(
      ServerConfig config,
      DataDir dataDir,
      Database db,
      WebServer web,
      ClusterRegistry clusters,
      AssociationService associations,
      AccessKeys keys,
      SigningSecret<Caller> admin,
      SigningSecret<Caller> agent,
      AtomicBoolean readyFlag,
      Roles roles,
      RoleSessions roleSessions) {
    this.readyFlag = readyFlag;
    this.roles = roles;
    this.roleSessions = roleSessions;
    this.config = config;
    this.dataDir = dataDir;
    this.db = db;
    this.web = web;
    this.clusters = clusters;
    this.associations = associations;
    this.keys = keys;
    this.admin = admin;
    this.agent = agent;
  }

  /** Starts a server; throws IllegalStateException with a clear message when it cannot. */
  public static PodIdentityServer start(ServerConfig config) {
    return start(config, Clock.systemUTC());
  }

  public static PodIdentityServer start(ServerConfig config, Clock clock) {
    DataDir dir = DataDir.open(config.dataDir());
    Database db = null;
    try {
      db = Database.openSqlite(dir.resolve("store.db"));
      SecretBox box = SecretBox.loadOrCreate(dir.resolve("secret.key"));
      AccessKeys keys = new AccessKeys(db, box, clock);
      SigningSecret<Caller> admin = AdminKeys.ensure(keys, Caller.Kind.ADMIN, config.accountId());
      SigningSecret<Caller> agent = AdminKeys.ensure(keys, Caller.Kind.AGENT, config.accountId());
      dir.writePrivate("credentials", AdminKeys.credentialsFile(admin, agent));

      ClusterRegistry clusters = new ClusterRegistry(db);
      ChangeFeed feed = new ChangeFeed(db, clock);
      AssociationService associations =
          new AssociationService(
              db,
              clusters,
              feed,
              box,
              clock,
              config.issuer() == ServerConfig.Issuer.STS,
              PodIdentityServer::sessionPolicyCheck);

      AssociationIndex associationIndex =
          new CachedAssociationIndex(associations, associations, clusters);
      AuditLog audit = new AuditLog(db);
      RestService.Builder eks = RestService.builder("eks");
      new AuditApi(audit).register(eks);
      new ClusterApi(clusters, config.accountId(), config.region(), clock).register(eks);
      new AssociationApi(associations, feed, clusters).register(eks);
      Roles roles = new Roles(db, clock, config.accountId());
      SessionAuthorizer authorizer = new SessionAuthorizer(roles, clock);
      RoleSessions roleSessions = new RoleSessions(roles, keys, authorizer, db, clock);
      CredentialIssuer issuer = Issuers.forConfig(config, roleSessions);
      PodIdentityService podIdentity =
          new PodIdentityService(
              clusters, associationIndex, TokenVerifier.standard(clock), issuer, audit, clock);
      List<RestService> rest =
          new ArrayList<>(List.of(eks.build(), new EksAuthApi(podIdentity, clusters).build()));
      List<QueryService> query =
          new ArrayList<>(List.of(new IamApi(roles, authorizer), new StsApi(roleSessions)));

      PrometheusRegistry registry = new PrometheusRegistry();
      SigV4Verifier<Caller> verifier =
          new SigV4Verifier<>(
              keys,
              SigV4Verifier.regionAndServices(
                  config.region(), Set.of("eks", "eks-auth"), Set.of("iam", "sts")),
              clock);
      AtomicBoolean readyFlag = new AtomicBoolean(true);
      Map<String, Supplier<HttpAnswer>> open =
          Map.of(
              "/healthz", () -> health(readyFlag.get()),
              "/readyz", () -> health(readyFlag.get()),
              "/metrics", () -> metrics(registry));
      FrontDoor door =
          new FrontDoor(verifier, authorizer, rest, query, open, new RequestMetrics(registry));
      WebServer web = listen(config, door);
      dir.writePrivate(
          "config", AdminKeys.configFile(config.region(), endpointOf(config.host(), web.port())));
      PodIdentityServer s =
          new PodIdentityServer(
              config,
              dir,
              db,
              web,
              clusters,
              associations,
              keys,
              admin,
              agent,
              readyFlag,
              roles,
              roleSessions);
      return s;
    } catch (IOException e) {
      closeQuietly(db);
      dir.close();
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      closeQuietly(db);
      dir.close();
      throw e;
    }
  }

  /** Sets what /healthz and /readyz answer (podidentity up flips it once everything runs). */
  public void setReady(boolean r) {
    readyFlag.set(r);
  }

  private static WebServer listen(ServerConfig config, FrontDoor door) {
    WebServer web;
    try {
      web =
          WebServer.builder()
              .host(config.host())
              .port(config.port())
              .maxPayloadSize(4L * 1024 * 1024)
              .shutdownHook(false)
              // Without TCP_NODELAY a response over ~8 KB waits for the client's delayed ACK
              // (40 ms): a List page of 100 took 48 ms instead of 2.4 ms (bench/README.md).
              .connectionOptions(o -> o.tcpNoDelay(true))
              .routing(r -> r.any(door))
              .build()
              .start();
    } catch (RuntimeException e) {
      if (hasCause(e, BindException.class)) {
        throw portTaken(config);
      }
      throw e;
    }
    // Helidon logs a failed bind and returns a server that is not running instead of throwing.
    if (!web.isRunning() || web.port() < 0) {
      web.stop();
      throw portTaken(config);
    }
    return web;
  }

  private static IllegalStateException portTaken(ServerConfig config) {
    return new IllegalStateException(
        "cannot listen on "
            + config.host()
            + ":"
            + config.port()
            + ": the address is already in use (another podidentity, or another program)");
  }

  private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }

  /**
   * An association's policy is a session policy: an identity policy document. EKS reports a bad one
   * as InvalidParameterException on the association call, with IAM's reason.
   */
  private static void sessionPolicyCheck(String policy) {
    try {
      PolicyDocument.parse(policy, PolicyKind.IDENTITY);
    } catch (ApiException e) {
      throw ApiException.invalidParameter("Invalid policy: " + e.getMessage());
    }
  }

  private static HttpAnswer health(boolean ok) {
    return new HttpAnswer(
        ok ? 200 : 503,
        "text/plain",
        Map.of(),
        (ok ? "ok\n" : "starting\n").getBytes(StandardCharsets.UTF_8));
  }

  private static HttpAnswer metrics(PrometheusRegistry registry) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      PrometheusTextFormatWriter.create().write(out, registry.scrape());
      return new HttpAnswer(
          200, PrometheusTextFormatWriter.CONTENT_TYPE, Map.of(), out.toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void closeQuietly(Database db) {
    if (db != null) {
      db.close();
    }
  }

  public int port() {
    return web.port();
  }

  public String endpoint() {
    return endpointOf(config.host(), port());
  }

  private static String endpointOf(String host, int port) {
    String h = host.contains(":") ? "[" + host + "]" : host;
    return "http://" + h + ":" + port;
  }

  public ServerConfig config() {
    return config;
  }

  public DataDir dataDir() {
    return dataDir;
  }

  public Database database() {
    return db;
  }

  public ClusterRegistry clusters() {
    return clusters;
  }

  public AssociationService associations() {
    return associations;
  }

  public AccessKeys accessKeys() {
    return keys;
  }

  /** The administrator's key (profile podidentity). */
  public SigningSecret<Caller> adminKey() {
    return admin;
  }

  /** The agent's key (profile podidentity-agent). */
  public SigningSecret<Caller> agentKey() {
    return agent;
  }

  /** The builtin issuer's IAM roles. */
  public Roles roles() {
    return roles;
  }

  /** The builtin issuer's STS AssumeRole. */
  public RoleSessions roleSessions() {
    return roleSessions;
  }

  @Override
  public void close() {
    web.stop();
    db.close();
    dataDir.close();
  }
}
