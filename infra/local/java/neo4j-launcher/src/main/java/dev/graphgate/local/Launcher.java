package dev.graphgate.local;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.harness.Neo4j;
import org.neo4j.harness.Neo4jBuilder;
import org.neo4j.harness.Neo4jBuilders;

/**
 * Local twin for Neo4j 5.26 LTS: Bolt only, on 127.0.0.1, auth off.
 *
 * <p>Two modes. Without --data the neo4j-harness runs an ephemeral database (tests). With --data DIR an embedded DBMS keeps
 * its store in DIR so a seeded graph survives restarts of `npm start` and the benchmarks. Either way the launcher prints
 * {@code GRAPHGATE_NEO4J_READY bolt://127.0.0.1:PORT} once Bolt accepts connections, and exits when its stdin closes (the
 * parent died) or on SIGTERM, shutting the database down cleanly.
 */
public final class Launcher {
  public static void main(String[] argv) throws Exception {
    Map<String, String> args = parse(argv);
    int port = Integer.parseInt(args.getOrDefault("port", "7687"));
    long pageCacheBytes = parseBytes(args.getOrDefault("pagecache", "512m"));
    SocketAddress bolt = new SocketAddress("127.0.0.1", port);

    AutoCloseable handle;
    if (args.containsKey("data")) {
      Path home = Path.of(args.get("data")).toAbsolutePath();
      Files.createDirectories(home);
      DatabaseManagementService dbms =
          new DatabaseManagementServiceBuilder(home)
              .setConfig(BoltConnector.enabled, true)
              .setConfig(BoltConnector.listen_address, bolt)
              .setConfig(BoltConnector.advertised_address, bolt)
              .setConfig(HttpConnector.enabled, false)
              .setConfig(HttpsConnector.enabled, false)
              .setConfig(GraphDatabaseSettings.auth_enabled, false)
              .setConfig(GraphDatabaseSettings.pagecache_memory, pageCacheBytes)
              .setConfig(fastShutdown())
              .build();
      handle = dbms::shutdown;
    } else {
      Neo4jBuilder builder =
          Neo4jBuilders.newInProcessBuilder()
              .withDisabledServer()
              .withConfig(BoltConnector.enabled, true)
              .withConfig(BoltConnector.listen_address, bolt)
              .withConfig(BoltConnector.advertised_address, bolt)
              .withConfig(GraphDatabaseSettings.auth_enabled, false)
              .withConfig(GraphDatabaseSettings.pagecache_memory, pageCacheBytes);
      fastShutdown().forEach((k, v) -> withConfig(builder, k, v));
      Neo4j neo4j = builder.build();
      handle = neo4j::close;
    }

    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  closeQuietly(handle);
                  stop.countDown();
                }));
    System.out.println("GRAPHGATE_NEO4J_READY bolt://127.0.0.1:" + port);
    System.out.flush();

    // The parent holds our stdin open; EOF means it is gone, so we must not outlive it.
    Thread watcher =
        new Thread(
            () -> {
              try {
                InputStream in = System.in;
                while (in.read() != -1) {
                  // ignore input
                }
              } catch (IOException ignored) {
                // treated as EOF
              }
              System.exit(0);
            });
    watcher.setDaemon(true);
    if (!args.containsKey("detached")) {
      watcher.start();
    }
    stop.await();
  }

  /**
   * Bolt's defaults wait several seconds for clients and the netty event loops on shutdown; a local twin is stopped by
   * Ctrl-C or a test teardown and should go down in about a second.
   */
  private static Map<org.neo4j.graphdb.config.Setting<?>, Object> fastShutdown() {
    Map<org.neo4j.graphdb.config.Setting<?>, Object> m = new HashMap<>();
    m.put(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, Duration.ofMillis(200));
    m.put(BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ofMillis(200));
    m.put(org.neo4j.configuration.GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0);
    m.put(org.neo4j.configuration.GraphDatabaseInternalSettings.netty_server_shutdown_timeout, Duration.ofSeconds(1));
    return m;
  }

  @SuppressWarnings("unchecked")
  private static <T> void withConfig(Neo4jBuilder builder, org.neo4j.graphdb.config.Setting<T> setting, Object value) {
    builder.withConfig(setting, (T) value);
  }

  private static void closeQuietly(AutoCloseable handle) {
    try {
      handle.close();
    } catch (Exception e) {
      System.err.println("neo4j shutdown: " + e);
    }
  }

  private static Map<String, String> parse(String[] argv) {
    Map<String, String> out = new HashMap<>();
    for (int i = 0; i < argv.length; i++) {
      String a = argv[i];
      if (!a.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument: " + a);
      }
      String key = a.substring(2);
      if (key.equals("detached")) {
        out.put(key, "true");
      } else if (i + 1 < argv.length) {
        out.put(key, argv[++i]);
      } else {
        throw new IllegalArgumentException("missing value for " + a);
      }
    }
    return out;
  }

  private static long parseBytes(String s) {
    String v = s.trim().toLowerCase();
    long mult = 1;
    if (v.endsWith("g")) {
      mult = 1L << 30;
    } else if (v.endsWith("m")) {
      mult = 1L << 20;
    } else if (v.endsWith("k")) {
      mult = 1L << 10;
    }
    if (mult != 1) {
      v = v.substring(0, v.length() - 1);
    }
    return Long.parseLong(v) * mult;
  }
}
