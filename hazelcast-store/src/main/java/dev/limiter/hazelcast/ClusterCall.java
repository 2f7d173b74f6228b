package dev.limiter.hazelcast;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.nio.serialization.HazelcastSerializationException;
import dev.limiter.spi.RateLimitStore;
import dev.limiter.spi.Step;
import dev.limiter.spi.StepResult;
import dev.limiter.spi.StoreException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * One decision as one {@link StepProcessor} call on the key's owner, waited for at most the time
 * budget; every way of not answering becomes a {@link StoreException}. {@link HazelcastStore} wraps
 * it in the failure handling.
 */
final class ClusterCall implements RateLimitStore {

  private final HazelcastInstance instance;
  private final String mapName;
  private final long timeoutNanos;
  private final long marginSeconds;
  private volatile @Nullable IMap<String, long[]> map;
  private volatile CompletableFuture<IMap<String, long[]>> mapLookup;

  ClusterCall(HazelcastInstance instance, String mapName, Duration timeout, Duration expiryMargin) {
    this.instance = instance;
    this.mapName = mapName;
    this.timeoutNanos = timeout.toNanos();
    this.marginSeconds = ceilSeconds(expiryMargin.toNanos());
    if (instance.getLocalEndpoint() instanceof Member) {
      IMap<String, long[]> local = instance.getMap(mapName); // a member creates the proxy locally
      this.map = local;
      this.mapLookup = CompletableFuture.completedFuture(local);
    } else {
      this.mapLookup = lookUpMap();
    }
  }

  /**
   * Applies {@code step} on the key's owner with one round trip.
   *
   * @throws StoreException if the cluster does not answer within the budget or fails
   */
  @Override
  public void apply(String key, Step step, StepResult result) {
    StepProcessor processor = new StepProcessor(step, ceilSeconds(step.expiryNanos()) + marginSeconds);
    long deadline = System.nanoTime() + timeoutNanos;
    long[] answer;
    try {
      IMap<String, long[]> target = map(deadline);
      answer =
          target.submitToKey(key, processor)
              .toCompletableFuture()
              .get(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new StoreException(
          String.format(
              Locale.ROOT,
              "hazelcast map %s did not answer within %d ms",
              mapName, TimeUnit.NANOSECONDS.toMillis(timeoutNanos)),
          e);
    } catch (ExecutionException e) {
      throw failure(e.getCause() != null ? e.getCause() : e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted while waiting for hazelcast map " + mapName, e);
    } catch (RuntimeException e) {
      throw failure(e);
    }
    StepProcessor.decode(answer, result);
  }

  /**
   * Returns the map proxy. A client's first {@code getMap} asks the cluster and may block or fail
   * while the cluster is away, so the proxy is looked up off the request path and waited for within
   * the budget; a failed lookup is tried again on a later call.
   */
  private IMap<String, long[]> map(long deadline)
      throws InterruptedException, ExecutionException, TimeoutException {
    IMap<String, long[]> known = map;
    if (known != null) {
      return known;
    }
    CompletableFuture<IMap<String, long[]>> lookup = mapLookup;
    if (lookup.isCompletedExceptionally()) {
      synchronized (this) {
        if (mapLookup == lookup) {
          mapLookup = lookUpMap();
        }
        lookup = mapLookup;
      }
    }
    IMap<String, long[]> found = lookup.get(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
    map = found;
    return found;
  }

  private CompletableFuture<IMap<String, long[]>> lookUpMap() {
    CompletableFuture<IMap<String, long[]>> lookup = new CompletableFuture<>();
    Thread thread =
        new Thread(
            () -> {
              try {
                lookup.complete(instance.getMap(mapName));
              } catch (RuntimeException | Error e) {
                lookup.completeExceptionally(e);
              }
            },
            "hazelcast-store-map-lookup-" + mapName);
    thread.setDaemon(true);
    thread.start();
    return lookup;
  }

  private StoreException failure(Throwable cause) {
    String hint =
        cause instanceof HazelcastSerializationException
            ? "; every member needs the hazelcast-store and limiter-api jars on its class path and"
                + " StepProcessorFactory registered under factory id "
                + StepProcessorFactory.FACTORY_ID
                + " (HazelcastStore.configure(config), or hazelcast.xml)"
            : "";
    return new StoreException(
        String.format(Locale.ROOT, "hazelcast map %s failed: %s%s", mapName, cause, hint), cause);
  }

  private static long ceilSeconds(long nanos) {
    return nanos / 1_000_000_000L + (nanos % 1_000_000_000L == 0 ? 0 : 1);
  }
}
