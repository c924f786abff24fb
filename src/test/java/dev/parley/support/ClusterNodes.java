package dev.parley.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Parley nodes of one cluster for a test: each a Payara Micro of its own on PostgreSQL (a
 * database of the test's own) and one Redis, under a key prefix unique to this run, signing
 * tokens with one shared key so that a token from one node is good on the others.
 */
public final class ClusterNodes {

    /** The cluster tests' own database: never the one the rest of the suite uses. */
    public static final String DATABASE = "parley_cluster_it";

    private final Path build = Path.of(System.getProperty("parley.build.dir", "target"));
    private final String redisUri;
    private final String prefix = "it-" + UUID.randomUUID().toString().substring(0, 8);
    private final Path key;
    private final List<String> extraJvm;

    public ClusterNodes(String redisUri, List<String> extraJvm) throws IOException {
        this.redisUri = redisUri;
        this.extraJvm = extraJvm;
        this.key = build.resolve("cluster-it-" + prefix + ".pem");
        writeKey(key);
    }

    /** Starts a node named {@code name} (its log is target/cluster-it-NAME.log) without waiting for it. */
    public MicroProcess launch(String name) throws IOException {
        Path data = Files.createTempDirectory(build, "cluster-" + name);
        List<String> jvm = new ArrayList<>(List.of(
                "-Dparley.redis.uri=" + redisUri,
                "-Dparley.redis.prefix=" + prefix,
                "-Dparley.jwt.signing-key.location=" + key));
        jvm.addAll(extraJvm);
        return MicroProcess.launch(data, log(name), jvm, Map.of("PARLEY_DB_NAME", DATABASE), postgresOptions());
    }

    public Path log(String name) {
        return build.resolve("cluster-it-" + name + ".log");
    }

    /** The Payara Micro options of the PostgreSQL run, whichever run this is. */
    public static List<String> postgresOptions() {
        Path config = Path.of(System.getProperty("parley.server.config", "server-config"));
        Path build = Path.of(System.getProperty("parley.build.dir", "target"));
        return List.of(
                "--nohazelcast",
                "--minhttpthreads",
                "16",
                "--maxhttpthreads",
                "64",
                "--prebootcommandfile",
                config.resolve("payara-micro/preboot.asadmin").toString(),
                "--postbootcommandfile",
                config.resolve("payara-micro/postgres.asadmin").toString(),
                "--addlibs",
                build.resolve("lib/postgresql.jar").toString());
    }

    private static void writeKey(Path file) throws IOException {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            byte[] der = generator.generateKeyPair().getPrivate().getEncoded();
            Files.writeString(
                    file,
                    "-----BEGIN PRIVATE KEY-----\n"
                            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                                    .encodeToString(der)
                            + "\n-----END PRIVATE KEY-----\n",
                    StandardCharsets.US_ASCII);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
