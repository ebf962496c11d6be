package org.gradaudit.jobs.nightly;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;

/** Sessions, tiny suites and file snapshots shared by the nightly tests. */
final class NightlyTesting {
    private NightlyTesting() {}

    static SparkSession session(String name) {
        return SparkSession.builder()
                .master("local[2]")
                .appName(name)
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", "4")
                .getOrCreate();
    }

    /** The user case: correct ({@code neg(x) * w}) or with the broken op swapped in under the same name. */
    static String userCase(boolean broken) {
        String def = broken ? "\"builder\": \"org.gradaudit.jobs.examples.BrokenNegCase\""
                : "\"expression\": \"neg(x) * w\"";
        return "{\"name\": \"user_neg_mul\", " + def + ", \"inputs\": {"
                + "\"x\": {\"shape\": [4], \"seed\": 1},"
                + "\"w\": {\"shape\": [4], \"generator\": {\"kind\": \"uniform\", \"low\": 0.5, \"high\": 1.5}, \"seed\": 2}}}";
    }

    /** Two small catalogue cases, the user case and any extra cases; every case also rotates. */
    static String suite(boolean broken, String... extra) {
        StringBuilder b = new StringBuilder("{\"name\": \"tiny\", \"seed\": 666, \"cases\": [")
                .append("{\"op\": \"tanh\", \"shapes\": [[3]]},")
                .append("{\"op\": \"softmax\", \"shapes\": [[2, 3]]},")
                .append(userCase(broken));
        for (String e : extra) {
            b.append(", ").append(e);
        }
        return b.append("]}").toString();
    }

    static Path write(Path dir, String name, String text) {
        try {
            Path p = dir.resolve(name);
            Files.writeString(p, text);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static NightlySpec spec(Path dir, String suiteText, String date, Path history) {
        Path suite = write(dir, "suite-" + date + "-" + Math.abs(suiteText.hashCode()) + ".json", suiteText);
        return NightlySpec.of(NightlySuite.read(suite), LocalDate.parse(date), history);
    }

    /** Every regular file under {@code dir} (relative path to bytes), hidden ones included. */
    static Map<String, byte[]> snapshot(Path dir) {
        Map<String, byte[]> m = new TreeMap<>();
        if (!Files.exists(dir)) {
            return m;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                m.put(dir.relativize(p).toString(), Files.readAllBytes(p));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return m;
    }

    /** Names in {@code dir} starting with '.' (staging or replaced directories left behind). */
    static List<String> hidden(Path dir) {
        List<String> r = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).forEach(r::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return r;
    }

    static HistoryRow row(String runDate, String runId, String seedSet, String caseName, String status,
            Double scaledErr, long timeMs) {
        HistoryRow r = new HistoryRow();
        r.setRunDate(runDate);
        r.setRunId(runId);
        r.setSuite("crafted");
        r.setStartedAt(runDate + "T00:00:00Z");
        r.setSeedSet(seedSet);
        r.setSeed(HistoryRow.FIXED.equals(seedSet) ? 666 : 42);
        r.setCaseName(caseName);
        r.setKind("expression");
        r.setDefinition("sum(x)");
        r.setInputs("x float64[3]");
        r.setStatus(status);
        r.setMessage("PASS".equals(status) ? null : "broken " + caseName);
        r.setMode("theano");
        r.setNTests(2);
        r.setScaledErr(scaledErr);
        r.setTimeMs(timeMs);
        return r;
    }
}
