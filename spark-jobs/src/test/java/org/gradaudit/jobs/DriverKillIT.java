package org.gradaudit.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.gradaudit.jobs.testing.Specs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The driver JVM dies in the middle of writing (submit/gradaudit in its own process, halted by a
 * test hook at the worst moment, exit status 137 as after SIGKILL): no partial report appears, no
 * history partition is lost or half-written, and the next run, in this JVM, recovers and succeeds
 * without --overwrite.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DriverKillIT {
    static final String SPEC = "{\"name\": \"kill\", \"cases\": [{\"name\": \"t\", \"expression\": \"sum(tanh(x) * x)\","
            + " \"inputs\": {\"x\": {\"shape\": [4]}}}], \"nightly\": {\"rotating\": \"none\"}}";

    @BeforeAll
    static void quietSpark() {
        System.setProperty("spark.ui.enabled", "false");
        System.setProperty("spark.sql.shuffle.partitions", "2");
    }

    @AfterAll
    static void clear() {
        System.clearProperty("spark.ui.enabled");
        System.clearProperty("spark.sql.shuffle.partitions");
    }

    /** submit/gradaudit ARGS with extra JVM options; returns the exit status and the output. */
    private static String submit(Path tmp, String javaOpts, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("bash", Specs.root().resolve("submit/gradaudit").toString()));
        cmd.addAll(List.of(args));
        Path log = Files.createTempFile(tmp, "out", ".txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("GRADAUDIT_NO_BUILD", "1");
        pb.environment().put("GRADAUDIT_JAVA_OPTS", javaOpts);
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError("timed out: " + cmd);
        }
        return p.exitValue() + "\n" + Files.readString(log, StandardCharsets.UTF_8);
    }

    private static int inProcess(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        return Main.run(args, new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(o, true,
                StandardCharsets.UTF_8));
    }

    private static List<String> entries(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    private static List<String> visible(Path dir) throws IOException {
        return entries(dir).stream().filter(n -> !n.startsWith(".")).collect(Collectors.toList());
    }

    private static List<String> tree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()).sorted()
                    .collect(Collectors.toList());
        }
    }

    @Test
    void aDriverKilledWhileWritingTheReportsLeavesNoReport(@TempDir Path tmp) throws Exception {
        Path spec = Files.writeString(tmp.resolve("kill.json"), SPEC.replace(", \"nightly\": {\"rotating\": \"none\"}", ""));
        Path out = tmp.resolve("out");
        // halted after every output was written under its temporary name, before the first rename
        String killed = submit(tmp, "-Dgradaudit.test.writeFault=halt:report.parquet", "audit", spec.toString(), "--out",
                out.toString(), "--master", "local[1]");
        assertTrue(killed.startsWith("137\n"), killed);
        assertEquals(List.of(), visible(out), "no report is visible after the driver died");
        assertFalse(entries(out).isEmpty(), "the temporaries it was writing are there (hidden): the kill was mid-write");

        assertEquals(0, inProcess("audit", spec.toString(), "--out", out.toString(), "--master", "local[1]"),
                "the next run needs no --overwrite: nothing was published");
        assertEquals(List.of("junit.xml", "report.html", "report.json", "report.parquet"), entries(out),
                "the reports, and the dead run's temporaries are gone");
    }

    @Test
    void aDriverKilledBetweenTheRenamesOfAHistorySwapLosesNoPartition(@TempDir Path tmp) throws Exception {
        Path suite = Files.writeString(tmp.resolve("suite.json"), SPEC);
        Path history = tmp.resolve("history");
        Path leaf = history.resolve("runDate=2024-06-01/runId=night");
        assertEquals(0, inProcess("nightly", "--suite", suite.toString(), "--history", history.toString(), "--out",
                tmp.resolve("o1").toString(), "--date", "2024-06-01", "--run-id", "night", "--master", "local[1]"));
        List<String> before = tree(leaf);
        assertFalse(before.isEmpty());

        // a rerun of the same run id dies after moving the old partition aside, before the new one is in
        String killed = submit(tmp, "-Dgradaudit.test.historyFault=halt:moved-old", "nightly", "--suite", suite.toString(),
                "--history", history.toString(), "--out", tmp.resolve("o2").toString(), "--date", "2024-06-01",
                "--run-id", "night", "--master", "local[1]");
        assertTrue(killed.startsWith("137\n"), killed);
        assertFalse(Files.exists(leaf), "the driver died between the two renames");
        assertEquals(1, entries(history).stream().filter(n -> n.startsWith(".replaced-")).count(),
                "the old partition waits under a hidden name: " + entries(history));

        // the next nightly (another night) restores it before anything else
        assertEquals(0, inProcess("nightly", "--suite", suite.toString(), "--history", history.toString(), "--out",
                tmp.resolve("o3").toString(), "--date", "2024-06-02", "--run-id", "next", "--master", "local[1]"));
        assertEquals(before, tree(leaf), "the partition of the interrupted rerun is back, byte for byte the same files");
        assertTrue(Files.isDirectory(history.resolve("runDate=2024-06-02/runId=next")));
        assertEquals(List.of("runDate=2024-06-01", "runDate=2024-06-02"), entries(history),
                "no hidden staging or replaced directory is left");
    }
}
