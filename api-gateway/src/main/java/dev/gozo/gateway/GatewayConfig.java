package dev.gozo.gateway;

import dev.gozo.jobspec.TenantNames;
import dev.gozo.topics.Topics;
import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * Everything the gateway reads from its environment, bound once at start-up. Each property {@code
 * gozo.x-y} is also set by the environment variable {@code GOZO_X_Y}; the HTTP port is {@code
 * GOZO_HTTP_PORT} (see application.properties). {@code GatewayConfigTest} pins the defaults written
 * here.
 *
 * @param apiKeys {@code tenant:key[,tenant:key]}; required, start-up fails when empty
 * @param kafkaBootstrap Kafka bootstrap servers
 * @param catalogue path of the runtime catalogue JSON; blank means the copy bundled in jobspec
 * @param topicJobs where jobs are published
 * @param topicEvents where queued/started events are published and read
 * @param topicResults where workers publish final results
 * @param topicOutput where workers publish a running job's stages and output chunks (read)
 * @param topicInput where stdin, signals and cancels for a job are published
 * @param waitTimeoutMs how long {@code ?wait=true} waits when the request names no timeoutMs
 * @param maxWaitTimeoutMs the cap on a request's {@code timeoutMs}
 * @param maxBodyBytes largest request body accepted; larger ones get 413
 * @param maxInflightBodyBytes bytes of request bodies held at once; a larger body arriving past it
 *     gets 503 (see {@code admission.BodyBudget})
 * @param kafkaTimeoutMs how long a publish may take before the gateway answers 503
 * @param storeMaxEntries how many jobs the in-memory state store keeps (least recently used go)
 * @param storeMaxBytes how much heap the store may hold, estimated (least recently used go)
 * @param maxWaiters how many {@code ?wait=true} requests may wait at once; more answer at once
 * @param eventsReplayMs how far back the events topic is read at start-up
 * @param maxQueuedPerTenant how many of a tenant's jobs may wait in the queue (not yet started)
 *     before new submissions get 429; 0 means no limit
 * @param resultScanTimeoutMs how long reading one older result back from the results topic may
 *     take; a read that does not finish in time answers 503 with Retry-After, never 404; also the
 *     deadline of reading a job's output stream back from the output topic
 * @param sseHeartbeatMs how often an idle event stream gets a comment line that keeps proxies and
 *     clients from closing it
 * @param liveMaxBytes output records kept in memory for all jobs together, so late subscribers need
 *     not read them back from Kafka (least recently used jobs go first)
 * @param liveJobMaxBytes output records kept in memory for one job; a larger stream is read back
 *     from Kafka by a subscriber that joins late
 * @param liveSubscriberMaxBytes output a subscriber (event stream or WebSocket) may fall behind by;
 *     past it, its stream is closed and the client resumes with Last-Event-ID
 * @param topicCallbacks where webhook registrations are published and read (gateways only)
 * @param callbackAllowedHosts comma-separated hosts (names or IPs, optionally {@code host:port})
 *     that webhooks may be sent to; empty turns webhooks off (a request with a callback is a 400)
 * @param callbackGroup the consumer group in which gateways share the results topic to deliver
 *     webhooks: each result is delivered by one gateway
 * @param callbackRetryForMs how long a failing webhook delivery is retried before it is given up
 * @param callbackBackoffMs the pause before the first retry; it doubles per attempt up to 5 minutes
 * @param callbackTimeoutMs connect timeout, and the time a receiver has to answer, of one attempt
 * @param callbackMaxPending deliveries held in memory (in flight or waiting to be retried); past it
 *     the gateway stops reading results until some are done
 * @param callbackMaxRegistrations undelivered webhook registrations kept in memory; past it the
 *     oldest is dropped (logged) and its job's result is not delivered
 * @param pistonAnonymousTenant the tenant that unauthenticated Piston API v2 requests ({@code
 *     /api/v2/execute}, {@code /api/v2/connect}) run as, with that tenant's queue bound; empty (the
 *     default) requires an API key there too. Piston has no keys, and some of its clients (the npm
 *     {@code piston-client}) cannot send one.
 */
@ConfigurationProperties("gozo")
public record GatewayConfig(
    @Bindable(defaultValue = "") String apiKeys,
    @Bindable(defaultValue = "127.0.0.1:9092") String kafkaBootstrap,
    @Bindable(defaultValue = "") String catalogue,
    @Bindable(defaultValue = Topics.JOBS) String topicJobs,
    @Bindable(defaultValue = Topics.EVENTS) String topicEvents,
    @Bindable(defaultValue = Topics.RESULTS) String topicResults,
    @Bindable(defaultValue = Topics.OUTPUT) String topicOutput,
    @Bindable(defaultValue = Topics.INPUT) String topicInput,
    @Bindable(defaultValue = "30000") long waitTimeoutMs,
    @Bindable(defaultValue = "120000") long maxWaitTimeoutMs,
    @Bindable(defaultValue = "8388608") long maxBodyBytes,
    @Bindable(defaultValue = "33554432") long maxInflightBodyBytes,
    @Bindable(defaultValue = "2000") long kafkaTimeoutMs,
    @Bindable(defaultValue = "100000") int storeMaxEntries,
    @Bindable(defaultValue = "50331648") long storeMaxBytes,
    @Bindable(defaultValue = "10000") int maxWaiters,
    @Bindable(defaultValue = "600000") long eventsReplayMs,
    @Bindable(defaultValue = "1000") int maxQueuedPerTenant,
    @Bindable(defaultValue = "3000") long resultScanTimeoutMs,
    @Bindable(defaultValue = "15000") long sseHeartbeatMs,
    @Bindable(defaultValue = "16777216") long liveMaxBytes,
    @Bindable(defaultValue = "1048576") long liveJobMaxBytes,
    @Bindable(defaultValue = "1048576") long liveSubscriberMaxBytes,
    @Bindable(defaultValue = Topics.CALLBACKS) String topicCallbacks,
    @Bindable(defaultValue = "") String callbackAllowedHosts,
    @Bindable(defaultValue = "gozo-webhooks") String callbackGroup,
    @Bindable(defaultValue = "3600000") long callbackRetryForMs,
    @Bindable(defaultValue = "1000") long callbackBackoffMs,
    @Bindable(defaultValue = "5000") long callbackTimeoutMs,
    @Bindable(defaultValue = "1000") int callbackMaxPending,
    @Bindable(defaultValue = "20000") int callbackMaxRegistrations,
    @Bindable(defaultValue = "") String pistonAnonymousTenant) {

  public GatewayConfig {
    apiKeys = apiKeys == null ? "" : apiKeys.trim();
    catalogue = catalogue == null ? "" : catalogue.trim();
    require(kafkaBootstrap != null && !kafkaBootstrap.isBlank(), "GOZO_KAFKA_BOOTSTRAP is empty");
    require(isTopic(topicJobs), "GOZO_TOPIC_JOBS is not a valid topic name: " + topicJobs);
    require(isTopic(topicEvents), "GOZO_TOPIC_EVENTS is not a valid topic name: " + topicEvents);
    require(isTopic(topicResults), "GOZO_TOPIC_RESULTS is not a valid topic name: " + topicResults);
    require(isTopic(topicOutput), "GOZO_TOPIC_OUTPUT is not a valid topic name: " + topicOutput);
    require(isTopic(topicInput), "GOZO_TOPIC_INPUT is not a valid topic name: " + topicInput);
    require(waitTimeoutMs > 0, "GOZO_WAIT_TIMEOUT_MS must be positive");
    require(
        maxWaitTimeoutMs >= waitTimeoutMs,
        "GOZO_MAX_WAIT_TIMEOUT_MS must be at least GOZO_WAIT_TIMEOUT_MS");
    require(maxBodyBytes >= 1024, "GOZO_MAX_BODY_BYTES must be at least 1024");
    require(
        maxInflightBodyBytes >= maxBodyBytes,
        "GOZO_MAX_INFLIGHT_BODY_BYTES must be at least GOZO_MAX_BODY_BYTES");
    // Kafka needs request.timeout.ms < delivery.timeout.ms; below a second nothing works.
    require(kafkaTimeoutMs >= 1000, "GOZO_KAFKA_TIMEOUT_MS must be at least 1000");
    require(storeMaxEntries > 0, "GOZO_STORE_MAX_ENTRIES must be positive");
    require(storeMaxBytes > 0, "GOZO_STORE_MAX_BYTES must be positive");
    require(maxWaiters >= 0, "GOZO_MAX_WAITERS must not be negative");
    require(eventsReplayMs >= 0, "GOZO_EVENTS_REPLAY_MS must not be negative");
    require(maxQueuedPerTenant >= 0, "GOZO_MAX_QUEUED_PER_TENANT must not be negative");
    require(resultScanTimeoutMs > 0, "GOZO_RESULT_SCAN_TIMEOUT_MS must be positive");
    require(sseHeartbeatMs >= 100, "GOZO_SSE_HEARTBEAT_MS must be at least 100");
    require(liveJobMaxBytes > 0, "GOZO_LIVE_JOB_MAX_BYTES must be positive");
    require(
        liveMaxBytes >= liveJobMaxBytes,
        "GOZO_LIVE_MAX_BYTES must be at least GOZO_LIVE_JOB_MAX_BYTES");
    require(liveSubscriberMaxBytes > 0, "GOZO_LIVE_SUBSCRIBER_MAX_BYTES must be positive");
    callbackAllowedHosts = callbackAllowedHosts == null ? "" : callbackAllowedHosts.trim();
    require(
        isTopic(topicCallbacks),
        "GOZO_TOPIC_CALLBACKS is not a valid topic name: " + topicCallbacks);
    require(
        callbackGroup != null && callbackGroup.matches("[A-Za-z0-9._-]{1,249}"),
        "GOZO_CALLBACK_GROUP is not a valid group name: " + callbackGroup);
    require(callbackRetryForMs >= 0, "GOZO_CALLBACK_RETRY_FOR_MS must not be negative");
    require(callbackBackoffMs >= 10, "GOZO_CALLBACK_BACKOFF_MS must be at least 10");
    require(callbackTimeoutMs >= 100, "GOZO_CALLBACK_TIMEOUT_MS must be at least 100");
    require(callbackMaxPending > 0, "GOZO_CALLBACK_MAX_PENDING must be positive");
    require(callbackMaxRegistrations > 0, "GOZO_CALLBACK_MAX_REGISTRATIONS must be positive");
    pistonAnonymousTenant = pistonAnonymousTenant == null ? "" : pistonAnonymousTenant.trim();
    require(
        pistonAnonymousTenant.isEmpty() || TenantNames.isValid(pistonAnonymousTenant),
        "GOZO_PISTON_ANONYMOUS_TENANT must be empty (off) or a tenant name: " + TenantNames.RULE);
  }

  private static boolean isTopic(String name) {
    return name != null && name.matches("[A-Za-z0-9._-]{1,249}");
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException("invalid gateway configuration: " + message);
    }
  }
}
