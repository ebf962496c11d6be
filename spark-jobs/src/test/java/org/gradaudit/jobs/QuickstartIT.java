package org.gradaudit.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.gradaudit.jobs.testing.Specs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's command, end to end: {@code submit/gradaudit audit data/audits/quickstart.json
 * --out DIR} as a separate process on the packaged app jar. Runs in the integration-test phase
 * (failsafe), after package; GRADAUDIT_NO_BUILD=1 makes the script fail rather than start a nested
 * Maven build if the jar were stale.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class QuickstartIT {

    static final class Result {
        final int exit;
        final String stdout;
        final String stderr;

        Result(int exit, String stdout, String stderr) {
            this.exit = exit;
            this.stdout = stdout;
            this.stderr = stderr;
        }
    }

    static Result submit(Path cwd, Path tmp, String... args) throws IOException, InterruptedException {
        Path script = Specs.root().resolve("submit/gradaudit");
        List<String> cmd = new java.util.ArrayList<>(List.of("bash", script.toString()));
        cmd.addAll(List.of(args));
        Path o = Files.createTempFile(tmp, "stdout", ".txt");
        Path e = Files.createTempFile(tmp, "stderr", ".txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile())
                .redirectOutput(o.toFile()).redirectError(e.toFile());
        pb.environment().put("GRADAUDIT_NO_BUILD", "1");
        Process p = pb.start();
        if (!p.waitFor(200, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("submit/gradaudit did not finish in 200 s: " + cmd);
        }
        return new Result(p.exitValue(), Files.readString(o, StandardCharsets.UTF_8),
                Files.readString(e, StandardCharsets.UTF_8));
    }

    @Test
    void quickstartFindsTheBrokenOpAndWritesTheReport(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("out");
        Result r = submit(Specs.root(), tmp, "audit", "data/audits/quickstart.json", "--out", out.toString());
        assertEquals(1, r.exit, "exit 1: a case failed\n" + r.stdout + r.stderr);
        assertTrue(r.stdout.contains("FAIL   broken_neg"), r.stdout);
        assertTrue(r.stdout.contains("input 'x' at index ["), r.stdout);
        assertTrue(r.stdout.contains("5 passed, 1 failed, 0 errors (6 cases)"), r.stdout);
        assertTrue(r.stdout.contains("report: " + out.resolve("report.json")), r.stdout);
        for (String c : List.of("tanh_dot", "logistic_loss", "pow_sqrt_div", "broadcasting", "rnn_scan")) {
            assertTrue(r.stdout.contains("PASS   " + c), c + " in\n" + r.stdout);
        }
        assertTrue(!r.stderr.contains(" WARN ") && !r.stderr.contains("ERROR"), "stderr:\n" + r.stderr);

        JsonNode report = JsonMapper.builder().build().readTree(out.resolve("report.json").toFile());
        assertEquals("quickstart", report.get("name").asText());
        assertEquals(5, report.get("summary").get("passed").asInt());
        assertEquals(1, report.get("summary").get("failed").asInt());
        JsonNode broken = report.get("cases").get(4);
        assertEquals("FAIL", broken.get("status").asText());
        assertEquals("x", broken.get("where").get("input").asText());
        assertEquals(-broken.get("numeric").asDouble(), broken.get("analytic").asDouble(),
                1e-6 * Math.abs(broken.get("numeric").asDouble()));

        // Every format names the same element of x.
        String index = broken.get("where").get("index").toString().replace(",", ", ");
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.indexOf("FAIL broken_neg") > 0 && html.indexOf("FAIL broken_neg") < html.indexOf("PASS tanh_dot"),
                "failing case first in the HTML");
        assertTrue(html.contains("input &#39;x&#39; at index " + index), index + " in the HTML");
        String xml = Files.readString(out.resolve("junit.xml"));
        assertTrue(xml.contains("<testcase classname=\"gradaudit.quickstart\" name=\"broken_neg\""), xml);
        assertTrue(xml.contains("<failure message=\"test 0, input &apos;x&apos; at index " + index), xml);
        assertTrue(Files.isDirectory(out.resolve("report.parquet")));
        try (var parts = Files.list(out.resolve("report.parquet"))) {
            assertTrue(parts.anyMatch(p -> p.getFileName().toString().endsWith(".parquet")), "a parquet part file");
        }
        assertTrue(r.stderr.contains("plan: quickstart: 6 prepared cases"), r.stderr);
        assertTrue(r.stderr.contains("progress: 6/6 cases"), r.stderr);

        // The report is never overwritten silently: exit 2, file untouched.
        String before = Files.readString(out.resolve("report.json"));
        Result again = submit(Specs.root(), tmp, "audit", "data/audits/quickstart.json", "--out", out.toString());
        assertEquals(2, again.exit, again.stderr);
        assertTrue(again.stderr.contains("already exists and is not empty; pass --overwrite"), again.stderr);
        assertEquals(before, Files.readString(out.resolve("report.json")));
    }

    @Test
    void worksFromAnyDirectoryAndPassesExitCodesThrough(@TempDir Path tmp) throws Exception {
        Path spec = tmp.resolve("ok.json");
        Files.writeString(spec, "{\"name\": \"ok\", \"cases\": [{\"name\": \"sq\", \"expression\": \"sum(x ** 2)\","
                + " \"inputs\": {\"x\": {\"shape\": [3]}}}]}");
        Result ok = submit(tmp, tmp, "audit", "ok.json", "--master", "local[2]", "--parallelism", "2");
        assertEquals(0, ok.exit, ok.stdout + ok.stderr);
        assertTrue(ok.stdout.contains("PASS   sq"), ok.stdout);
        Result usage = submit(tmp, tmp, "audit");
        assertEquals(2, usage.exit);
        assertTrue(usage.stderr.contains("missing SPEC"), usage.stderr);
    }
}
