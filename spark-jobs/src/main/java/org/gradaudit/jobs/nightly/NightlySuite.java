package org.gradaudit.jobs.nightly;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import org.gradaudit.core.check.Streams;
import org.gradaudit.jobs.audit.AuditSpec;
import org.gradaudit.jobs.audit.SpecException;
import org.gradaudit.jobs.audit.SpecOptions;

/**
 * A nightly suite: an audit spec (docs/SPEC.md, every case kind including
 * {@code {"sweep": "all"}}) with one optional extra top-level field,
 *
 * <pre>
 * "nightly": {"rotating": "all" | "none" | ["tanh", "user_case", ...]}     default "all"
 * </pre>
 *
 * naming the cases that run a second time each night with the <em>rotating seed</em>
 * {@link #rotatingSeed}: a pure function of the suite's seed and the run date. Every case runs
 * with the suite's own (fixed) seed, so its numbers are identical night after night unless the
 * code changed; the rotating set explores new points every night and is still reproducible for a
 * given date. A {@code rotating} entry selects the cases of that name, or the catalogue cases
 * ({@code op} and {@code sweep}) of that op; an entry that selects nothing is an error.
 */
public final class NightlySuite {
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private final AuditSpec spec;
    private final List<String> rotating;

    private NightlySuite(AuditSpec spec, List<String> rotating) {
        this.spec = spec;
        this.rotating = Collections.unmodifiableList(rotating);
    }

    /** Reads and validates a suite file; errors ({@link SpecException}) name the file and the field. */
    public static NightlySuite read(Path file) {
        return read(file, SpecOptions.DEFAULTS);
    }

    /** Reads and validates a suite file with the given spec options (paths, memory budget). */
    public static NightlySuite read(Path file, SpecOptions options) {
        String label = AuditSpec.label(file);
        return parse(AuditSpec.readText(file, label), label, file.toAbsolutePath().getParent(), options);
    }

    /** Parses suite text; relative paths resolve against {@code baseDir}. */
    public static NightlySuite parse(String text, String label, Path baseDir) {
        return parse(text, label, baseDir, SpecOptions.DEFAULTS);
    }

    /** Parses suite text with the given spec options; relative paths resolve against {@code baseDir}. */
    public static NightlySuite parse(String text, String label, Path baseDir, SpecOptions options) {
        if (text == null) {
            throw new SpecException(label, "", "no spec text (null); expected a JSON object (an audit spec with an optional \"nightly\" field)");
        }
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : "line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ": ";
            throw new SpecException(label, "", "invalid JSON: " + where + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new SpecException(label, "", "expected a JSON object (an audit spec with an optional \"nightly\" field)");
        }
        JsonNode nightly = ((ObjectNode) root).remove("nightly");
        AuditSpec spec = AuditSpec.parse(root.toString(), label, baseDir, options);
        List<String> rotating = new ArrayList<>();
        if (nightly == null) {
            spec.cases().forEach(c -> rotating.add(c.name()));
            return new NightlySuite(spec, rotating);
        }
        if (!nightly.isObject()) {
            throw new SpecException(label, "nightly", "expected an object like {\"rotating\": \"all\"}, got " + nightly);
        }
        for (Iterator<String> it = nightly.fieldNames(); it.hasNext();) {
            String f = it.next();
            if (!f.equals("rotating")) {
                throw new SpecException(label, "nightly." + f, "unknown field; expected rotating");
            }
        }
        JsonNode r = nightly.get("rotating");
        if (r == null || (r.isTextual() && r.textValue().equals("all"))) {
            spec.cases().forEach(c -> rotating.add(c.name()));
        } else if (r.isTextual() && r.textValue().equals("none")) {
            // no rotating set
        } else if (r.isArray()) {
            for (int i = 0; i < r.size(); i++) {
                JsonNode e = r.get(i);
                if (!e.isTextual() || e.textValue().isBlank()) {
                    throw new SpecException(label, "nightly.rotating[" + i + "]", "expected a case or op name, got " + e);
                }
                int before = rotating.size();
                for (AuditSpec.Case c : spec.cases()) {
                    if (selects(e.textValue(), c) && !rotating.contains(c.name())) {
                        rotating.add(c.name());
                    }
                }
                if (rotating.size() == before && spec.cases().stream().noneMatch(c -> selects(e.textValue(), c))) {
                    throw new SpecException(label, "nightly.rotating[" + i + "]", "\"" + e.textValue()
                            + "\" names no case and no catalogue op of the suite's cases");
                }
            }
        } else {
            throw new SpecException(label, "nightly.rotating", "expected \"all\", \"none\" or an array of case or op"
                    + " names, got " + r);
        }
        List<String> inSuiteOrder = new ArrayList<>();
        for (AuditSpec.Case c : spec.cases()) {
            if (rotating.contains(c.name())) {
                inSuiteOrder.add(c.name());
            }
        }
        return new NightlySuite(spec, inSuiteOrder);
    }

    private static boolean selects(String entry, AuditSpec.Case c) {
        return c.name().equals(entry) || (c.kind() == AuditSpec.Kind.OP && c.definition().equals(entry));
    }

    /** The suite as an audit spec (every case, the suite's seed). */
    public AuditSpec spec() { return spec; }

    public String name() { return spec.name(); }

    /** The names of the cases that also run with the rotating seed, in suite order. */
    public List<String> rotatingCases() { return rotating; }

    /** The rotating-seed spec for {@code date}; null when the suite has no rotating set. */
    public AuditSpec rotatingSpec(LocalDate date) {
        if (rotating.isEmpty()) {
            return null;
        }
        java.util.Set<String> keep = new java.util.HashSet<>(rotating);
        return spec.filter(c -> keep.contains(c.name())).withSeed(rotatingSeed(spec.seed(), date));
    }

    /**
     * The rotating seed of a night: the low 31 bits of the stable hash
     * {@code Streams.caseKey("gradaudit-nightly/" + suiteSeed + "/" + date)} (FNV-1a then SplitMix64,
     * the same on every JVM), so it changes every night and is reproducible for a date.
     */
    public static long rotatingSeed(long suiteSeed, LocalDate date) {
        return Streams.caseKey("gradaudit-nightly/" + suiteSeed + "/" + date) & 0x7fff_ffffL;
    }
}
