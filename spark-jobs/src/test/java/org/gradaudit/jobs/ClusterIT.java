package org.gradaudit.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.gradaudit.jobs.audit.AuditJob;
import org.gradaudit.jobs.audit.AuditSpec;
import org.gradaudit.jobs.report.JsonReportWriter;
import org.gradaudit.jobs.testing.Specs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real standalone cluster on loopback (a Master and two Workers started by submit/cluster-start
 * from the Maven classpath) with {@code spark.authenticate} and a secret, started once for:
 *
 * <ul>
 *   <li>a submit without the secret: refused by the Master (SASL), no report;</li>
 *   <li>the quickstart submitted with the secret by submit/cluster-submit: its report equals the
 *       single-JVM one apart from the run fields and timings;</li>
 *   <li>a longer audit during which one Worker and its executor JVM are killed with SIGKILL, by
 *       PID, after the first tasks finished: Spark reschedules the lost tasks on the other Worker and
 *       the report is identical to the single-JVM one.</li>
 * </ul>
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ClusterIT {
    private static final String SECRET = "gradaudit-it-" + UUID.randomUUID();

    private static ProcessBuilder script(Path dir, Path log, boolean withSecret, String... cmd) {
        List<String> c = new ArrayList<>(List.of("bash"));
        c.addAll(List.of(cmd));
        ProcessBuilder pb = new ProcessBuilder(c).directory(Specs.root().toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.put("GRADAUDIT_CLUSTER_DIR", dir.toString());
        env.put("GRADAUDIT_MASTER_PORT", "7177");
        env.put("GRADAUDIT_NO_BUILD", "1");
        env.remove("GRADAUDIT_SPARK_SECRET");
        env.remove("GRADAUDIT_SPARK_SECRET_FILE");
        if (withSecret) {
            env.put("GRADAUDIT_SPARK_SECRET", SECRET);
        }
        return pb;
    }

    private static String run(Path tmp, Path dir, boolean withSecret, String... cmd) throws IOException, InterruptedException {
        Path log = Files.createTempFile(tmp, "out", ".txt");
        Process p = script(dir, log, withSecret, cmd).start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            kill(p.toHandle());
            throw new AssertionError("timed out: " + List.of(cmd));
        }
        return p.exitValue() + "\n" + Files.readString(log, StandardCharsets.UTF_8);
    }

    /** Stops a process we started and everything it started (the script's JVM), each by its PID. */
    private static void kill(ProcessHandle p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }

    /** Waits until {@code log} matches {@code pattern} (or the process ends); returns the match or null. */
    private static Matcher await(Path log, Process p, Pattern pattern, long seconds) throws Exception {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < end) {
            Matcher m = pattern.matcher(Files.readString(log, StandardCharsets.UTF_8));
            if (m.find()) {
                return m;
            }
            if (!p.isAlive()) {
                return null;
            }
            Thread.sleep(100);
        }
        return null;
    }

    static JsonNode withoutRunFields(JsonNode report) {
        ObjectNode n = ((ObjectNode) report).deepCopy();
        for (String f : List.of("runId", "startedAt", "engine", "units", "partitions", "elapsedMs")) {
            n.remove(f);
        }
        for (JsonNode c : n.get("cases")) {
            ((ObjectNode) c).remove("timeMs");
        }
        return n;
    }

    static JsonNode withoutRunFields(Path report) throws IOException {
        return withoutRunFields(JsonMapper.builder().build().readTree(report.toFile()));
    }

    /**
     * 120,000 coordinates, 2 tests, in 24 partitions: 12 tasks in a row per 1-core executor, so one
     * can be lost mid-way. Each perturbed element recomputes a row or a column of X W (60,000
     * multiply-adds): several seconds of work even with partial re-evaluation.
     */
    static final String HEAVY = "{\"name\": \"heavy\", \"seed\": 7, \"defaults\": {\"nTests\": 2}, \"cases\": [{\"name\":"
            + " \"tanh_layer\", \"expression\": \"mean(tanh(dot(X, W)) ** 2)\", \"inputs\": {\"X\": {\"shape\": [200, 300],"
            + " \"seed\": 1}, \"W\": {\"shape\": [300, 200], \"generator\": {\"kind\": \"normal\", \"std\": 0.06},"
            + " \"seed\": 2}}}]}";

    @Test
    void authenticatedClusterRefusesStrangersSurvivesALostWorkerAndMatchesTheLocalReport(@TempDir Path tmp)
            throws Exception {
        Path cluster = tmp.resolve("cluster");
        long t0 = System.nanoTime();
        try {
            String started = run(tmp, cluster, true, "submit/cluster-start");
            assertTrue(started.startsWith("0\nspark://127.0.0.1:7177"), started);
            for (String pid : List.of("master.pid", "worker1.pid", "worker2.pid")) {
                ProcessHandle h = ProcessHandle.of(Long.parseLong(Files.readString(cluster.resolve(pid)).trim())).get();
                assertFalse(String.join(" ", h.info().arguments().orElse(new String[0])).contains(SECRET),
                        "the secret is never on a command line: " + pid);
            }
            assertTrue(Files.readString(cluster.resolve("auth.conf")).contains("spark.authenticate true"));

            // 1. no secret: the Master refuses the connection (SASL); the driver would retry for 60 s, so stop it
            Path strangerLog = Files.createTempFile(tmp, "stranger", ".txt");
            Process stranger = script(cluster, strangerLog, false, "submit/cluster-submit", "audit",
                    "data/audits/quickstart.json", "--out", tmp.resolve("stranger").toString()).start();
            Matcher refused = await(strangerLog, stranger, Pattern.compile(
                    "Failed to connect to master 127\\.0\\.0\\.1:7177[\\s\\S]*Expected SaslMessage"), 60);
            kill(stranger.toHandle());
            assertTrue(refused != null, "an unauthenticated submit is refused:\n" + Files.readString(strangerLog));
            assertFalse(Files.exists(tmp.resolve("stranger")), "no report from a refused submit");
            assertFalse(Files.readString(cluster.resolve("master.log")).contains("Registering app"),
                    "the Master registered no application without the secret");

            // 2. with the secret: the quickstart runs on the executors
            System.out.printf("ClusterIT: start + refused submit %.1f s%n", (System.nanoTime() - t0) / 1e9);
            String submitted = run(tmp, cluster, true, "submit/cluster-submit", "audit", "data/audits/quickstart.json",
                    "--out", tmp.resolve("remote").toString());
            assertTrue(submitted.startsWith("1\n"), "exit 1: broken_neg fails\n" + submitted);
            assertTrue(submitted.contains("spark spark://127.0.0.1:7177"), submitted);

            System.out.printf("ClusterIT: + quickstart %.1f s%n", (System.nanoTime() - t0) / 1e9);
            // 3. kill -9 worker 1 and its executor after the first tasks finished
            Path heavy = Files.writeString(tmp.resolve("heavy.json"), HEAVY);
            Path heavyLog = Files.createTempFile(tmp, "heavy", ".txt");
            Process job = script(cluster, heavyLog, true, "submit/cluster-submit", "audit", heavy.toString(), "--out",
                    tmp.resolve("heavy-out").toString(), "--parallelism", "24").start();
            Matcher progress = await(heavyLog, job, Pattern.compile("progress: \\d+/1 cases, \\d+/\\d+ units, ([1-9]\\d*)/24"
                    + " tasks"), 120);
            assertTrue(progress != null && Integer.parseInt(progress.group(1)) < 24,
                    "the kill must come after the first tasks and before the last:\n" + Files.readString(heavyLog));
            ProcessHandle worker = ProcessHandle.of(Long.parseLong(Files.readString(cluster.resolve("worker1.pid"))
                    .trim())).get();
            List<ProcessHandle> executors = worker.descendants().toList();
            assertFalse(executors.isEmpty(), "worker 1 runs an executor JVM");
            worker.destroyForcibly();                                  // SIGKILL, by PID
            executors.forEach(ProcessHandle::destroyForcibly);
            assertTrue(job.waitFor(150, TimeUnit.SECONDS), "the audit finishes on the remaining worker");
            String heavyOut = Files.readString(heavyLog, StandardCharsets.UTF_8);
            assertEquals(0, job.exitValue(), heavyOut);
            assertTrue(heavyOut.contains("Lost executor") || heavyOut.contains("ExecutorLostFailure"),
                    "Spark lost the killed executor and rescheduled its tasks:\n" + heavyOut);
            System.out.printf("ClusterIT: + audit with a lost worker %.1f s%n", (System.nanoTime() - t0) / 1e9);
            JsonNode local = JsonMapper.builder().build().readTree(JsonReportWriter.toJson(
                    AuditJob.runLocal(AuditSpec.read(heavy))));
            System.out.printf("ClusterIT: + its local reference %.1f s%n", (System.nanoTime() - t0) / 1e9);
            assertEquals(withoutRunFields(local), withoutRunFields(tmp.resolve("heavy-out/report.json")),
                    "the report after a lost worker is identical to the single-JVM one");
        } finally {
            run(tmp, cluster, false, "submit/cluster-stop");
        }
        System.out.printf("ClusterIT: cluster start + 3 submits + stop took %.1f s%n", (System.nanoTime() - t0) / 1e9);
        // the quickstart's single-JVM report (as submit/gradaudit would write it, minus the run fields)
        JsonNode local = JsonMapper.builder().build().readTree(JsonReportWriter.toJson(
                AuditJob.runLocal(AuditSpec.read(Specs.quickstart()))));
        assertEquals(withoutRunFields(local), withoutRunFields(tmp.resolve("remote/report.json")));
        for (String f : List.of("master.pid", "worker1.pid", "worker2.pid", "auth.conf")) {
            assertTrue(!Files.exists(cluster.resolve(f)), f + " removed by cluster-stop");
        }
    }
}
