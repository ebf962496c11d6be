package org.gradaudit.jobs.jacobian;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.Locale;

/**
 * What a Jacobian run did (immutable): J's shape and dtype, the plan (mode, block, blocks,
 * partitions), the output, timing and the verification. {@link #toJson} is {@code summary.json}.
 */
public final class JacobianReport {
    private final String specFile;
    private final String name;
    private final String function;
    private final String wrt;
    private final int m;
    private final int n;
    private final int[] xShape;
    private final int[] yShape;
    private final String dtype;
    private final JacobianJob.Plan plan;
    private final String format;
    private final boolean sparse;
    private final Long nonZeros;
    private final double seconds;
    private final long bytesWritten;
    private final String output;
    private final String engine;
    private final Verification verification;

    JacobianReport(String specFile, String name, String function, String wrt, int m, int n, int[] xShape, int[] yShape,
            String dtype, JacobianJob.Plan plan, String format, boolean sparse, Long nonZeros, double seconds,
            long bytesWritten, String output, String engine, Verification verification) {
        this.specFile = specFile;
        this.name = name;
        this.function = function;
        this.wrt = wrt;
        this.m = m;
        this.n = n;
        this.xShape = xShape.clone();
        this.yShape = yShape.clone();
        this.dtype = dtype;
        this.plan = plan;
        this.format = format;
        this.sparse = sparse;
        this.nonZeros = nonZeros;
        this.seconds = seconds;
        this.bytesWritten = bytesWritten;
        this.output = output;
        this.engine = engine;
        this.verification = verification;
    }

    JacobianReport withBytesWritten(long b) {
        return new JacobianReport(specFile, name, function, wrt, m, n, xShape, yShape, dtype, plan, format, sparse,
                nonZeros, seconds, b, output, engine, verification);
    }

    public String specFile() { return specFile; }
    public String name() { return name; }
    public int m() { return m; }
    public int n() { return n; }
    public String dtype() { return dtype; }
    public JacobianJob.Plan plan() { return plan; }
    public JacobianJob.Mode mode() { return plan.mode; }
    public int block() { return plan.block; }
    public int blocks() { return plan.blocks; }
    /** parquet, npy, or none (nothing written). */
    public String format() { return format; }
    public boolean sparse() { return sparse; }
    /** Elements that are not exactly zero (null when not counted: dense Parquet). */
    public Long nonZeros() { return nonZeros; }
    /** Wall time of computing and writing the blocks (verification excluded). */
    public double seconds() { return seconds; }
    /** Rows (rows mode) or columns per second. */
    public double linesPerSecond() { return seconds > 0 ? plan.lines / seconds : 0; }
    /** Size of the files in the output directory, summary.json excepted; 0 without output. */
    public long bytesWritten() { return bytesWritten; }
    public String output() { return output; }
    public String engine() { return engine; }
    /** Null without {@code --verify}. */
    public Verification verification() { return verification; }

    /** 0: done (and verified, if asked); 1: the verification failed. */
    public int exitCode() {
        return verification != null && !verification.passed() ? 1 : 0;
    }

    private static ArrayNode ints(ObjectNode o, String field, int... v) {
        ArrayNode a = o.putArray(field);
        for (int x : v) {
            a.add(x);
        }
        return a;
    }

    /** The {@code summary.json} document. */
    public String toJson() {
        ObjectNode r = Manifest.JSON.createObjectNode();
        r.put("format", "gradaudit-jacobian-summary/1");
        r.put("spec", specFile);
        r.put("name", name);
        r.put("function", function);
        r.put("wrt", wrt);
        ints(r, "shape", m, n);
        ints(r, "outputShape", yShape);
        ints(r, "inputShape", xShape);
        r.put("dtype", dtype);
        r.put("mode", plan.mode.label());
        r.put("modeReason", plan.modeReason);
        r.put("block", plan.block);
        r.put("blockSource", plan.blockSource);
        r.put("blocks", plan.blocks);
        r.put("partitions", plan.partitions);
        r.put("output", output);
        r.put("outputFormat", format);
        r.put("sparse", sparse);
        if (nonZeros == null) {
            r.putNull("nonZeros");
        } else {
            r.put("nonZeros", nonZeros);
        }
        r.put("seconds", seconds);
        r.put(plan.mode == JacobianJob.Mode.ROWS ? "rowsPerSecond" : "columnsPerSecond", linesPerSecond());
        r.put("bytesWritten", bytesWritten);
        r.put("engine", engine);
        if (verification == null) {
            r.putNull("verification");
        } else {
            Verification v = verification;
            ObjectNode o = r.putObject("verification");
            o.put("passed", v.passed());
            o.put("lines", v.lines());
            ints(o, "sampled", v.sampled());
            o.put("method", "central");
            o.put("eps", v.eps());
            o.put("absTol", v.absTol());
            o.put("relTol", v.relTol());
            o.put("elements", v.elements());
            ObjectNode w = o.putObject("maxErr");
            w.put("row", v.row());
            w.put("col", v.col());
            w.put("analytic", v.analytic());
            w.put("numeric", v.numeric());
            w.put("absErr", v.absErr());
            w.put("relErr", v.relErr());
            w.put("scaled", v.scaled());
            o.put("maxAbsErr", v.maxAbsErr());
            o.put("maxRelErr", v.maxRelErr());
            o.put("message", v.message());
        }
        r.put("exitCode", exitCode());
        try {
            return Manifest.JSON.writeValueAsString(r) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The stdout summary. */
    public String summaryText() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "gradaudit jacobian '%s' (%s): d %s / d %s, J is %d x %d (%s)%n", name,
                specFile, function, wrt, m, n, dtype));
        b.append(String.format(Locale.ROOT, "  mode %s (%s), block %d (%s), %d blocks in %d partitions, %s%n",
                plan.mode.label(), plan.modeReason, plan.block, plan.blockSource, plan.blocks, plan.partitions, engine));
        b.append(String.format(Locale.ROOT, "  %d %s in %.2f s (%.1f %s/s)", plan.lines,
                plan.mode == JacobianJob.Mode.ROWS ? "rows" : "columns", seconds, linesPerSecond(),
                plan.mode == JacobianJob.Mode.ROWS ? "rows" : "columns"));
        if (output != null) {
            b.append(String.format(Locale.ROOT, "; wrote %s (%s%s%s)", human(bytesWritten), format,
                    sparse ? ", sparse" : "", nonZeros != null ? ", " + nonZeros + " non-zeros" : ""));
        } else {
            b.append("; nothing written (no --out)");
        }
        b.append(String.format(Locale.ROOT, "%n"));
        if (verification != null) {
            Verification v = verification;
            b.append(String.format(Locale.ROOT, "  verify %s: %d %s %s against central differences (eps %.3g): max_err"
                    + " scaled %.3g (abs %.3g, rel %.3g) at J[%d, %d]%s%n", v.passed() ? "PASS" : "FAIL",
                    v.sampled().length, v.lines(), sampleText(v.sampled()), v.eps(), v.scaled(),
                    v.absErr(), v.relErr(), v.row(), v.col(), v.passed() ? "" : ": " + v.message()));
        }
        if (output != null) {
            b.append("output: ").append(output).append(String.format(Locale.ROOT, "%n"));
        }
        return b.toString();
    }

    /** The sampled indices, at most 10 of them (summary.json has all). */
    static String sampleText(int[] s) {
        if (s.length <= 10) {
            return java.util.Arrays.toString(s);
        }
        String t = java.util.Arrays.toString(java.util.Arrays.copyOf(s, 10));
        return t.substring(0, t.length() - 1) + ", ... (" + s.length + ")]";
    }

    static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        if (bytes < 1024L * 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        }
        if (bytes < 1024L * 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
        }
        return String.format(Locale.ROOT, "%.2f GiB", bytes / (1024.0 * 1024 * 1024));
    }
}
