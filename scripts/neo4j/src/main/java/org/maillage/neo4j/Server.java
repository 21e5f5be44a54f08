package org.maillage.neo4j;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.GraphDatabaseSettings.TransactionStateMemoryAllocation;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.io.ByteUnit;

/**
 * Loopback-only DEVELOPMENT server: Neo4j Community embedded in this JVM, reachable over Bolt.
 *
 * <p>Authentication is DISABLED, which is only acceptable because Bolt is bound to 127.0.0.1
 * (never 0.0.0.0) and the process is meant for local development and tests. Do not expose it.
 *
 * <p>Usage: {@code java ... org.maillage.neo4j.Server <home-dir> <bolt-port>} (normally via
 * scripts/neo4j.sh). Neo4j keeps its store in {@code <home>/data} and its debug log in
 * {@code <home>/logs/debug.log}. A {@code <home>/ready} file (containing the Bolt URI) appears once
 * the default database is available and is removed on shutdown.
 */
public final class Server {
    private static final String HOST = "127.0.0.1";

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: Server <home-dir> <bolt-port>");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        int port = Integer.parseInt(args[1]);
        Path ready = home.resolve("ready");
        Files.createDirectories(home);
        // A marker left by a killed JVM must not make the launcher think we are up already.
        Files.deleteIfExists(ready);

        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                .setConfig(GraphDatabaseSettings.auth_enabled, false) // safe only because loopback-bound
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress(HOST, port))
                .setConfig(BoltConnector.advertised_address, new SocketAddress(HOST, port))
                // Nothing here needs the HTTP API; keeping it off avoids a second port to collide on.
                .setConfig(HttpConnector.enabled, false)
                .setConfig(HttpsConnector.enabled, false)
                // Sized for a small shared dev box (2 cores / 24 GiB) next to other work.
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(512))
                // Off-heap tx state would need extra native memory tuning; on-heap is simpler with -Xmx.
                .setConfig(GraphDatabaseSettings.tx_state_memory_allocation, TransactionStateMemoryAllocation.ON_HEAP)
                // No transaction may take the heap: past these the server stops the transaction
                // (MemoryPoolOutOfMemoryError, a client error) instead of the JVM dying of
                // OutOfMemoryError (-XX:+ExitOnOutOfMemoryError). Sized for the 1 GB heap of neo4j.sh:
                // a load batch of 20,000 rows stays far below the per-transaction bound.
                .setConfig(GraphDatabaseSettings.memory_transaction_global_max_size, ByteUnit.mebiBytes(600))
                .setConfig(GraphDatabaseSettings.memory_transaction_max_size, ByteUnit.mebiBytes(256))
                // The last net for a transaction that sets no time limit of its own (the public
                // endpoint sets MAILLAGE_QUERY_TIMEOUT); loads commit batch by batch, well within it.
                .setConfig(GraphDatabaseSettings.transaction_timeout, java.time.Duration.ofMinutes(10))
                // Dev data: don't accumulate days of transaction logs on disk.
                .setConfig(GraphDatabaseSettings.keep_logical_logs, "keep_none")
                // LOAD CSV reads a quote in a field as RFC 4180 writes it (doubled): with the legacy
                // escaping, a JSON value's \" inside a quoted field ends it.
                .setConfig(GraphDatabaseSettings.csv_legacy_quote_escaping, false)
                // LOAD CSV reads file:/// URLs from <home>/import only (unset, embedded Neo4j reads any path).
                .setConfig(GraphDatabaseSettings.load_csv_file_url_root, home.resolve("import"))
                // Netty's default 5 s quiet period, paid twice (boss + worker loops), made every stop take
                // >10 s. Internal setting: if a version bump removes it, this line fails to compile.
                .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                .build();

        CountDownLatch stopped = new CountDownLatch(1);
        // SIGTERM/SIGINT run shutdown hooks: close the store cleanly so the next start needs no recovery.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                Files.deleteIfExists(ready);
            } catch (Exception ignored) {
                // best effort; the launcher also removes it
            }
            dbms.shutdown();
            stopped.countDown();
            System.out.println("neo4j stopped");
        }, "maillage-neo4j-shutdown"));

        GraphDatabaseService db = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        while (!db.isAvailable(1000)) {
            System.out.println("waiting for database '" + db.databaseName() + "' ...");
        }
        String uri = "bolt://" + HOST + ":" + port;
        // Write-then-rename so a reader never sees a half-written marker.
        Path tmp = home.resolve("ready.tmp");
        Files.writeString(tmp, uri + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, ready, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        System.out.println("neo4j ready " + uri);
        System.out.flush();

        stopped.await(); // Neo4j's own threads keep running; we just park until the hook fires.
    }
}
