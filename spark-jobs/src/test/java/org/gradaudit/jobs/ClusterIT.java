package org.gradaudit.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.concurrent.TimeUnit;
import org.gradaudit.jobs.testing.Specs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real standalone cluster on loopback (a Master and two Workers started by submit/cluster-start
 * from the Maven classpath), the quickstart submitted with SparkSubmit by submit/cluster-submit:
 * its report equals the local one (submit/gradaudit) apart from the run fields and timings.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ClusterIT {

    private static String run(Path tmp, Path dir, String... cmd) throws IOException, InterruptedException {
        List<String> c = new ArrayList<>(List.of("bash"));
        c.addAll(List.of(cmd));
        Path log = Files.createTempFile(tmp, "out", ".txt");
        ProcessBuilder pb = new ProcessBuilder(c).directory(Specs.root().toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("GRADAUDIT_CLUSTER_DIR", dir.toString());
        pb.environment().put("GRADAUDIT_MASTER_PORT", "7177");
        pb.environment().put("GRADAUDIT_NO_BUILD", "1");
        Process p = pb.start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + c);
        }
        return p.exitValue() + "\n" + Files.readString(log, StandardCharsets.UTF_8);
    }

    static JsonNode withoutRunFields(Path report) throws IOException {
        ObjectNode n = (ObjectNode) JsonMapper.builder().build().readTree(report.toFile());
        for (String f : List.of("runId", "startedAt", "engine", "units", "partitions", "elapsedMs")) {
            n.remove(f);
        }
        for (JsonNode c : n.get("cases")) {
            ((ObjectNode) c).remove("timeMs");
        }
        return n;
    }

    @Test
    void clusterReportEqualsTheLocalOne(@TempDir Path tmp) throws Exception {
        Path cluster = tmp.resolve("cluster");
        long t0 = System.nanoTime();
        try {
            String started = run(tmp, cluster, "submit/cluster-start");
            assertTrue(started.startsWith("0\nspark://127.0.0.1:7177"), started);
            String submitted = run(tmp, cluster, "submit/cluster-submit", "audit", "data/audits/quickstart.json",
                    "--out", tmp.resolve("remote").toString());
            assertTrue(submitted.startsWith("1\n"), "exit 1: broken_neg fails\n" + submitted);
            assertTrue(submitted.contains("spark spark://127.0.0.1:7177"), submitted);
        } finally {
            run(tmp, cluster, "submit/cluster-stop");
        }
        System.out.printf("ClusterIT: cluster start + submit + stop took %.1f s%n", (System.nanoTime() - t0) / 1e9);
        String local = run(tmp, cluster, "submit/gradaudit", "audit", "data/audits/quickstart.json", "--out",
                tmp.resolve("local").toString());
        assertTrue(local.startsWith("1\n"), local);
        assertEquals(withoutRunFields(tmp.resolve("local/report.json")), withoutRunFields(tmp.resolve("remote/report.json")));
        for (String pid : List.of("master.pid", "worker1.pid", "worker2.pid")) {
            assertTrue(!Files.exists(cluster.resolve(pid)), pid + " removed by cluster-stop");
        }
    }
}
