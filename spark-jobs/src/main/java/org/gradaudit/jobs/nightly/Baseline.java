package org.gradaudit.jobs.nightly;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.SparkSession;

/**
 * A pinned baseline: the rows of one earlier run that every night is also compared with. Either a
 * {@code baseline.json} file (every nightly writes one into its {@code --out}; pin a run by copying
 * it) or a directory of history Parquet files (one run's {@code runDate=D/runId=R} leaf). A file
 * is parsed and validated on the driver before Spark starts, with errors naming the file and the
 * field; a directory must hold Parquet files.
 *
 * <pre>
 * {"format": "gradaudit-nightly-baseline/1", "suite": "...", "runId": "...", "runDate": "...",
 *  "rows": [{"seedSet": "fixed", "caseName": "tanh#0/float64", "status": "PASS", "scaledErr": 1.2e-5,
 *            "timeMs": 12, ...any other HistoryRow field}]}
 * </pre>
 */
public final class Baseline {
    public static final String FORMAT = "gradaudit-nightly-baseline/1";
    public static final String FILE = "baseline.json";

    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();
    private static final List<String> TOP = List.of("format", "suite", "runId", "runDate", "rows");
    private static final List<String> ROW = List.of("seedSet", "caseName", "status", "kind", "definition", "inputs",
            "message", "mode", "nTests", "seed", "scaledErr", "absErr", "relErr", "worstInput", "worstIndex",
            "elementsChecked", "timeMs", "startedAt");

    private final String label;
    private final List<HistoryRow> rows;
    private final Path parquetDir;

    private Baseline(String label, List<HistoryRow> rows, Path parquetDir) {
        this.label = label;
        this.rows = rows;
        this.parquetDir = parquetDir;
    }

    /** What the reports call it: the path given. */
    public String label() { return label; }

    /** Opens (and, for a file, parses) a baseline; {@link NightlyUsageException} naming {@code flag} and the file otherwise. */
    public static Baseline open(Path p, String flag) {
        String label = p.toString();
        if (Files.isDirectory(p)) {
            boolean parquet = false;
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(p)) {
                for (Path f : ds) {
                    String n = f.getFileName().toString();
                    if (n.startsWith("runDate=")) {
                        throw new NightlyUsageException(flag + ": " + p + " is a whole history; pass one run's directory"
                                + " (" + n + "/runId=...) or a baseline.json file");
                    }
                    parquet |= n.endsWith(".parquet");
                }
            } catch (IOException e) {
                throw new NightlyUsageException(flag + ": cannot list " + p + ": " + e, e);
            }
            if (!parquet) {
                throw new NightlyUsageException(flag + ": " + p + " holds no .parquet files; expected one run's history"
                        + " directory (runDate=D/runId=R) or a baseline.json file");
            }
            return new Baseline(label, null, p.toAbsolutePath());
        }
        if (!Files.isRegularFile(p)) {
            throw new NightlyUsageException(flag + ": no such file or directory: " + p.toAbsolutePath());
        }
        String text;
        try {
            text = Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new NightlyUsageException(flag + ": cannot read " + p + ": " + e, e);
        }
        return new Baseline(label, parse(text, p.getFileName().toString()), null);
    }

    /** The rows of a baseline file's text; errors name {@code file} and the field. */
    public static List<HistoryRow> parse(String text, String file) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : "line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ": ";
            throw bad(file, "", "invalid JSON: " + where + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw bad(file, "", "expected a JSON object with \"format\": \"" + FORMAT + "\" and \"rows\"");
        }
        known(root, "", TOP, file);
        if (!root.has("format") || !FORMAT.equals(root.get("format").asText(null))) {
            throw bad(file, "format", "expected \"" + FORMAT + "\", got " + root.get("format"));
        }
        String runId = optText(root, "runId", "", file);
        String runDate = optText(root, "runDate", "", file);
        String suite = optText(root, "suite", "", file);
        JsonNode rows = root.get("rows");
        if (rows == null || !rows.isArray()) {
            throw bad(file, "rows", "expected an array of rows, got " + rows);
        }
        List<HistoryRow> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < rows.size(); i++) {
            String path = "rows[" + i + "]";
            JsonNode n = rows.get(i);
            if (!n.isObject()) {
                throw bad(file, path, "expected an object, got " + n);
            }
            known(n, path, ROW, file);
            HistoryRow r = new HistoryRow();
            r.setRunId(runId);
            r.setRunDate(runDate);
            r.setSuite(suite);
            r.setSeedSet(oneOf(n, "seedSet", path, file, HistoryRow.FIXED, HistoryRow.ROTATING));
            r.setCaseName(optText(n, "caseName", path, file));
            if (r.getCaseName() == null || r.getCaseName().isBlank()) {
                throw bad(file, path + ".caseName", "missing; expected the case's name");
            }
            r.setStatus(oneOf(n, "status", path, file, "PASS", "FAIL", "ERROR"));
            r.setKind(optText(n, "kind", path, file));
            r.setDefinition(optText(n, "definition", path, file));
            r.setInputs(optText(n, "inputs", path, file));
            r.setMessage(optText(n, "message", path, file));
            r.setMode(optText(n, "mode", path, file));
            r.setWorstInput(optText(n, "worstInput", path, file));
            r.setWorstIndex(optText(n, "worstIndex", path, file));
            r.setStartedAt(optText(n, "startedAt", path, file));
            r.setNTests((int) optLong(n, "nTests", path, file));
            r.setSeed(optLong(n, "seed", path, file));
            r.setElementsChecked(optLong(n, "elementsChecked", path, file));
            r.setTimeMs(optLong(n, "timeMs", path, file));
            r.setScaledErr(optDouble(n, "scaledErr", path, file));
            r.setAbsErr(optDouble(n, "absErr", path, file));
            r.setRelErr(optDouble(n, "relErr", path, file));
            if (!seen.add(r.getSeedSet() + "\u0000" + r.getCaseName())) {
                throw bad(file, path, "duplicate row for case \"" + r.getCaseName() + "\" (" + r.getSeedSet() + ")");
            }
            out.add(r);
        }
        return out;
    }

    /** The baseline's rows as a Dataset. */
    public Dataset<HistoryRow> dataset(SparkSession spark) {
        if (rows != null) {
            return spark.createDataset(rows, HistoryStore.ENCODER);
        }
        try {
            return spark.read().schema(HistoryStore.schema()).parquet(parquetDir.toUri().toString()).as(HistoryStore.ENCODER);
        } catch (RuntimeException e) {
            throw new NightlyUsageException("--baseline: cannot read the Parquet files in " + parquetDir + ": " + e, e);
        }
    }

    /** This run's rows as a baseline file (what {@code --out} holds as baseline.json). */
    public static String toJson(NightlyReport r) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("suite", r.suite());
        root.put("runId", r.runId());
        root.put("runDate", r.runDate());
        ArrayNode rows = root.putArray("rows");
        for (HistoryRow h : r.rows()) {
            ObjectNode n = rows.addObject();
            n.put("seedSet", h.getSeedSet());
            n.put("caseName", h.getCaseName());
            n.put("status", h.getStatus());
            n.put("kind", h.getKind());
            n.put("definition", h.getDefinition());
            n.put("inputs", h.getInputs());
            if (h.getMessage() != null) {
                n.put("message", h.getMessage());
            }
            n.put("mode", h.getMode());
            n.put("nTests", h.getNTests());
            n.put("seed", h.getSeed());
            putNullable(n, "scaledErr", h.getScaledErr());
            putNullable(n, "absErr", h.getAbsErr());
            putNullable(n, "relErr", h.getRelErr());
            if (h.getWorstInput() != null) {
                n.put("worstInput", h.getWorstInput());
                n.put("worstIndex", h.getWorstIndex());
            }
            n.put("elementsChecked", h.getElementsChecked());
            n.put("timeMs", h.getTimeMs());
        }
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render the baseline of run " + r.runId(), e);
        }
    }

    static void putNullable(ObjectNode n, String f, Double v) {
        if (v == null) {
            n.putNull(f);
        } else {
            n.put(f, v.doubleValue());
        }
    }

    private static NightlyUsageException bad(String file, String path, String detail) {
        return new NightlyUsageException("--baseline: " + file + ": " + (path.isEmpty() ? "" : path + ": ") + detail);
    }

    private static void known(JsonNode n, String path, List<String> allowed, String file) {
        for (Iterator<String> it = n.fieldNames(); it.hasNext();) {
            String f = it.next();
            if (!allowed.contains(f)) {
                throw bad(file, (path.isEmpty() ? "" : path + ".") + f, "unknown field; expected one of "
                        + String.join(", ", allowed));
            }
        }
    }

    private static String field(String path, String f) {
        return path.isEmpty() ? f : path + "." + f;
    }

    private static String optText(JsonNode n, String f, String path, String file) {
        JsonNode v = n.get(f);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw bad(file, field(path, f), "expected a string, got " + v);
        }
        return v.textValue();
    }

    private static String oneOf(JsonNode n, String f, String path, String file, String... allowed) {
        String v = optText(n, f, path, file);
        if (v == null || !List.of(allowed).contains(v)) {
            throw bad(file, field(path, f), "expected one of " + List.of(allowed) + ", got " + n.get(f));
        }
        return v;
    }

    private static long optLong(JsonNode n, String f, String path, String file) {
        JsonNode v = n.get(f);
        if (v == null || v.isNull()) {
            return 0;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw bad(file, field(path, f), "expected an integer, got " + v);
        }
        return v.longValue();
    }

    private static Double optDouble(JsonNode n, String f, String path, String file) {
        JsonNode v = n.get(f);
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isNumber()) {
            return v.doubleValue();
        }
        if (v.isTextual() && List.of("NaN", "Infinity", "-Infinity").contains(v.textValue())) {
            return Double.valueOf(v.textValue());
        }
        throw bad(file, field(path, f), "expected a number (or \"NaN\", \"Infinity\"), got " + v);
    }
}
