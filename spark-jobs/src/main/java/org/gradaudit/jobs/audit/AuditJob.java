package org.gradaudit.jobs.audit;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.Serializable;
import java.lang.reflect.InvocationTargetException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.api.java.function.PairFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.Variable;
import org.gradaudit.core.check.CheckMode;
import org.gradaudit.core.check.GradCheck;
import org.gradaudit.core.check.GradientError;
import org.gradaudit.core.check.GraphBuilder;
import org.gradaudit.core.check.SymbolicFunction;
import org.gradaudit.core.check.UnitResult;
import org.gradaudit.core.check.VerifyGrad;
import org.gradaudit.core.io.ExpressionParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * Audits the gradients of every case of a spec.
 *
 * <p>The driver prepares each case's {@link GradCheck} (points, graph, projections, compiled cost
 * and gradient programs); a case that cannot be prepared is reported as ERROR. It then plans work
 * units (case x test x coordinate chunk), with the chunk size chosen from the measured cost of one
 * evaluation so that a unit takes about {@link Options#targetTaskMillis()}, broadcasts the checks
 * once, runs the units on executors with a static function that captures only that broadcast,
 * merges the {@link UnitResult}s per (case, test) with {@code reduceByKey(UnitResult::merge)} and
 * judges each case with {@link GradCheck#outcome}. Merging does no float arithmetic and every unit
 * is a pure function of the check and its range, so {@link #run} and {@link #runLocal} return
 * equal reports bit for bit however the work is split.
 */
public final class AuditJob {
    private static final Logger LOG = LoggerFactory.getLogger(AuditJob.class);

    private AuditJob() {}

    /** How the work is split. Null fields are chosen by the job. */
    public static final class Options implements Serializable {
        private static final long serialVersionUID = 1L;
        public static final Options DEFAULTS = new Options(null, null, 500);

        private final Integer parallelism;
        private final Integer chunkSize;
        private final long targetTaskMillis;

        public Options(Integer parallelism, Integer chunkSize, long targetTaskMillis) {
            if (parallelism != null && parallelism < 1) {
                throw new IllegalArgumentException("parallelism must be at least 1, got " + parallelism);
            }
            if (chunkSize != null && chunkSize < 1) {
                throw new IllegalArgumentException("chunkSize must be at least 1, got " + chunkSize);
            }
            if (targetTaskMillis < 1) {
                throw new IllegalArgumentException("targetTaskMillis must be at least 1, got " + targetTaskMillis);
            }
            this.parallelism = parallelism;
            this.chunkSize = chunkSize;
            this.targetTaskMillis = targetTaskMillis;
        }

        /** Partitions to run the units in; null: enough for the estimated work, at least Spark's default parallelism. */
        public Integer parallelism() { return parallelism; }
        /** Coordinates per unit for every case; null: measured per case. */
        public Integer chunkSize() { return chunkSize; }
        /** The time a unit should take when the chunk size is measured. */
        public long targetTaskMillis() { return targetTaskMillis; }

        public Options withParallelism(Integer p) { return new Options(p, chunkSize, targetTaskMillis); }
        public Options withChunkSize(Integer c) { return new Options(parallelism, c, targetTaskMillis); }
    }

    /** One unit of work: coordinates {@code [lo, hi)} of test {@code test} of prepared check {@code check}. */
    public static final class WorkUnit implements Serializable {
        private static final long serialVersionUID = 1L;
        final int check;
        final int test;
        final int lo;
        final int hi;

        WorkUnit(int check, int test, int lo, int hi) {
            this.check = check;
            this.test = test;
            this.lo = lo;
            this.hi = hi;
        }

        @Override
        public String toString() {
            return "unit(check " + check + ", test " + test + ", [" + lo + ", " + hi + "))";
        }
    }

    /** The units to run, how many partitions they run in, and each case's chunk size. */
    public static final class Plan {
        private final List<WorkUnit> units;
        private final int partitions;
        private final Map<String, Integer> chunks;

        Plan(List<WorkUnit> units, int partitions, Map<String, Integer> chunks) {
            this.units = List.copyOf(units);
            this.partitions = partitions;
            this.chunks = Map.copyOf(chunks);
        }

        public int units() { return units.size(); }
        public int partitions() { return partitions; }
        /** Coordinates per unit, by case name (prepared cases only). */
        public Map<String, Integer> chunks() { return chunks; }
    }

    /** A case after driver-side preparation: its check, or why it could not be prepared. */
    static final class Prepared {
        final AuditSpec.Case spec;
        final GradCheck check;
        final String error;
        final long prepareNanos;

        Prepared(AuditSpec.Case spec, GradCheck check, String error, long prepareNanos) {
            this.spec = spec;
            this.check = check;
            this.error = error;
            this.prepareNanos = prepareNanos;
        }
    }

    // ---------------------------------------------------------------- entry points

    /** Runs the audit on the session's cluster with default options. */
    public static AuditReport run(SparkSession spark, AuditSpec spec) {
        return run(spark, spec, Options.DEFAULTS);
    }

    /** Runs the audit on the session's cluster. */
    public static AuditReport run(SparkSession spark, AuditSpec spec, Options options) {
        long t0 = System.nanoTime();
        String started = Instant.now().toString();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        List<Prepared> prepared = prepareAll(spec);
        List<GradCheck> checks = new ArrayList<>();
        for (Prepared p : prepared) {
            if (p.check != null) {
                checks.add(p.check);
            }
        }
        Plan plan = plan(prepared, options, jsc.defaultParallelism());
        Map<Long, UnitOutput> merged = new LinkedHashMap<>();
        if (plan.units() > 0) {
            Broadcast<ChecksPayload> bc = jsc.broadcast(ChecksPayload.of(checks));
            try {
                LOG.info("broadcasting {} prepared checks ({} bytes)", checks.size(), bc.value().size());
                jsc.setJobDescription("gradaudit audit " + spec.name() + ": " + plan.units() + " units");
                int reducers = Math.max(1, Math.min(plan.partitions(), plan.units()));
                List<Tuple2<Long, UnitOutput>> out = jsc.parallelize(plan.units, plan.partitions())
                        .mapToPair(new RunUnit(bc))
                        .reduceByKey(new MergeOutputs(), reducers)
                        .collect();
                for (Tuple2<Long, UnitOutput> t : out) {
                    merged.put(t._1(), t._2());
                }
            } finally {
                jsc.setJobDescription(null);
                bc.destroy();
            }
        }
        List<CaseReport> reports = new ArrayList<>();
        int k = 0;
        for (Prepared p : prepared) {
            if (p.check == null) {
                reports.add(errorReport(p, spec.seed()));
                continue;
            }
            UnitOutput[] perTest = new UnitOutput[p.check.nTests()];
            for (int t = 0; t < perTest.length; t++) {
                perTest[t] = merged.get(key(k, t));
                if (perTest[t] == null) {
                    throw new IllegalStateException("no result for case " + p.spec.name() + " test " + t
                            + "; the plan has a unit for every test (bug)");
                }
            }
            reports.add(report(p, spec.seed(), perTest));
            k++;
        }
        return new AuditReport(UUID.randomUUID().toString(), spec.name(), spec.source(), spec.seed(), started,
                "spark " + spark.sparkContext().master(), plan.units(), plan.partitions(),
                (System.nanoTime() - t0) / 1_000_000, reports);
    }

    /**
     * The single-JVM audit: the same preparation, then {@link VerifyGrad#check} (one unit per
     * test over all coordinates). Equal to {@link #run} bit for bit.
     */
    public static AuditReport runLocal(AuditSpec spec) {
        long t0 = System.nanoTime();
        String started = Instant.now().toString();
        List<CaseReport> reports = new ArrayList<>();
        int units = 0;
        for (Prepared p : prepareAll(spec)) {
            if (p.check == null) {
                reports.add(errorReport(p, spec.seed()));
                continue;
            }
            UnitOutput[] perTest = new UnitOutput[p.check.nTests()];
            long c0 = System.nanoTime();
            try {
                List<GradCheck.TestOutcome> outcomes = VerifyGrad.check(p.check);
                long nanos = System.nanoTime() - c0;
                for (int t = 0; t < perTest.length; t++) {
                    perTest[t] = UnitOutput.of(outcomes.get(t).result(), t == 0 ? nanos : 0);
                }
            } catch (RuntimeException e) {
                // Find the test that throws, running the same one-unit-per-test units separately;
                // within a test, coordinates run in order, so this is the error the distributed
                // merge keeps (the first test with an error, then the unit starting first).
                for (int t = 0; t < perTest.length; t++) {
                    long u0 = System.nanoTime();
                    try {
                        perTest[t] = UnitOutput.of(p.check.run(t, 0, p.check.nCoordinates()), System.nanoTime() - u0);
                    } catch (RuntimeException te) {
                        perTest[t] = UnitOutput.failed(0, describe(te), System.nanoTime() - u0);
                    }
                }
            }
            units += perTest.length;
            reports.add(report(p, spec.seed(), perTest));
        }
        return new AuditReport(UUID.randomUUID().toString(), spec.name(), spec.source(), spec.seed(), started,
                "local", units, 0, (System.nanoTime() - t0) / 1_000_000, reports);
    }

    // ---------------------------------------------------------------- driver: preparation

    static List<Prepared> prepareAll(AuditSpec spec) {
        List<Prepared> r = new ArrayList<>();
        for (AuditSpec.Case c : spec.cases()) {
            r.add(prepare(spec.seed(), c));
        }
        return r;
    }

    /** Builds one case's check; any failure becomes the case's ERROR message. */
    static Prepared prepare(long seed, AuditSpec.Case c) {
        long t0 = System.nanoTime();
        try {
            List<NDArray> points = new ArrayList<>();
            for (Map.Entry<String, AuditSpec.Input> e : c.inputs().entrySet()) {
                points.add(e.getValue().generate(seed, c.name(), e.getKey()));
            }
            SymbolicFunction fn = c.expression() != null ? expression(c) : builder(c.builder());
            GradCheck check = GradCheck.prepare(c.name(), fn, points, c.inputNames(), c.check().toOptions(seed));
            return new Prepared(c, check, null, System.nanoTime() - t0);
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("case {} could not be prepared: {}", c.name(), describe(e));
            return new Prepared(c, null, describe(e), System.nanoTime() - t0);
        }
    }

    private static SymbolicFunction expression(AuditSpec.Case c) {
        List<String> names = c.inputNames();
        String text = c.expression();
        return inputs -> {
            Map<String, Variable> m = new LinkedHashMap<>();
            for (int i = 0; i < names.size(); i++) {
                m.put(names.get(i), inputs.get(i));
            }
            return ExpressionParser.parse(text, m);
        };
    }

    /** Instantiates a builder class, checking the interface before any constructor runs. */
    static GraphBuilder builder(String className) {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        Class<?> cls;
        try {
            cls = Class.forName(className, false, cl != null ? cl : AuditJob.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("builder class " + className + " not found", e);
        }
        if (!GraphBuilder.class.isAssignableFrom(cls)) {
            throw new IllegalArgumentException("builder class " + className + " does not implement "
                    + GraphBuilder.class.getName());
        }
        try {
            return cls.asSubclass(GraphBuilder.class).getConstructor().newInstance();
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new IllegalArgumentException("builder " + className + ": the constructor threw " + describe(cause), e);
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("builder " + className + " cannot be instantiated: " + describe(e), e);
        }
    }

    static String describe(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    // ---------------------------------------------------------------- driver: planning

    /**
     * Plans the units. Per prepared case the chunk is {@code options.chunkSize()} or, measured,
     * the number of coordinates one unit can do in about {@code targetTaskMillis}; every test gets
     * at least one unit (an empty one when the case has no coordinates).
     */
    static Plan plan(List<Prepared> prepared, Options options, int defaultParallelism) {
        List<WorkUnit> units = new ArrayList<>();
        Map<String, Integer> chunks = new LinkedHashMap<>();
        double totalSeconds = 0;
        int k = 0;
        for (Prepared p : prepared) {
            if (p.check == null) {
                continue;
            }
            GradCheck c = p.check;
            int n = c.nCoordinates();
            int chunk;
            double perEval = Double.NaN;
            if (options.chunkSize() != null) {
                chunk = Math.max(1, Math.min(options.chunkSize(), Math.max(n, 1)));
            } else {
                try {
                    perEval = secondsPerEvaluation(c);
                } catch (RuntimeException e) {
                    // The unit will fail the same way on an executor and report it; keep it to one unit per test.
                    LOG.warn("plan: case {}: measuring its cost failed ({}); one unit per test", p.spec.name(),
                            describe(e));
                }
                if (Double.isNaN(perEval)) {
                    chunk = Math.max(n, 1);
                } else {
                    double perCoordinate = perEval * (c.evaluationsPerUnit(1) - c.evaluationsPerUnit(0));
                    double fit = (options.targetTaskMillis() / 1000.0 - 2 * perEval) / perCoordinate;
                    chunk = (int) Math.max(1, Math.min(Math.max(n, 1), Math.floor(fit)));
                }
            }
            chunks.put(p.spec.name(), chunk);
            int perTest = 0;
            for (int t = 0; t < c.nTests(); t++) {
                int lo = 0;
                do {
                    int hi = (int) Math.min((long) lo + chunk, n);
                    units.add(new WorkUnit(k, t, lo, hi));
                    perTest++;
                    lo = hi;
                } while (lo < n);
            }
            if (!Double.isNaN(perEval)) {
                totalSeconds += perEval * c.nTests() * c.evaluationsPerUnit(n);
            }
            LOG.info("plan: case {}: {} tests x {} {} in chunks of {} -> {} units{}", p.spec.name(), c.nTests(), n,
                    c.mode() == CheckMode.FAST ? "directions" : "coordinates", chunk, perTest,
                    Double.isNaN(perEval) ? " (fixed chunk size)"
                            : String.format(" (measured %.1f us per evaluation)", perEval * 1e6));
            k++;
        }
        int partitions;
        if (options.parallelism() != null) {
            partitions = options.parallelism();
        } else {
            long byWork = (long) Math.ceil(totalSeconds / (options.targetTaskMillis() / 1000.0));
            partitions = (int) Math.max(defaultParallelism, Math.min(byWork, units.size()));
        }
        partitions = Math.max(1, Math.min(partitions, Math.max(units.size(), 1)));
        LOG.info("plan: {} units in {} partitions (estimated {} s of work)", units.size(), partitions,
                String.format("%.2f", totalSeconds));
        return new Plan(units, partitions, chunks);
    }

    /** The measured cost of one cost evaluation of a check, from a few coordinates of test 0. */
    static double secondsPerEvaluation(GradCheck c) {
        int m = Math.min(c.nCoordinates(), 4);
        long evals = c.evaluationsPerUnit(m);
        long t0 = System.nanoTime();
        c.run(0, 0, m);
        long first = System.nanoTime() - t0;
        if (first > 30_000_000L) {
            return first / 1e9 / evals;
        }
        int reps = 0;
        long start = System.nanoTime();
        long elapsed;
        do {                                   // cheap cases: repeat past the first (cold) call
            c.run(0, 0, m);
            reps++;
            elapsed = System.nanoTime() - start;
        } while (elapsed < 20_000_000L && reps < 200);
        return elapsed / 1e9 / ((double) reps * evals);
    }

    static long key(int check, int test) {
        return ((long) check << 32) | (test & 0xffffffffL);
    }

    // ---------------------------------------------------------------- executors

    /**
     * Runs one unit on an executor. Captures only the broadcast; everything else comes with the
     * unit. An exception becomes the unit's error (the case is then reported ERROR) instead of
     * failing the whole job.
     */
    static final class RunUnit implements PairFunction<WorkUnit, Long, UnitOutput> {
        private static final long serialVersionUID = 1L;
        private final Broadcast<ChecksPayload> checks;

        RunUnit(Broadcast<ChecksPayload> checks) {
            this.checks = checks;
        }

        @Override
        public Tuple2<Long, UnitOutput> call(WorkUnit u) {
            GradCheck c = checks.value().checks().get(u.check);
            long t0 = System.nanoTime();
            UnitOutput out;
            try {
                out = UnitOutput.of(c.run(u.test, u.lo, u.hi), System.nanoTime() - t0);
            } catch (RuntimeException e) {
                out = UnitOutput.failed(u.lo, describe(e), System.nanoTime() - t0);
            }
            return new Tuple2<>(key(u.check, u.test), out);
        }
    }

    /**
     * The broadcast: the prepared checks, Java-serialized once on the driver and deserialized once
     * per executor JVM (the broadcast value is cached per executor, and so is the transient list).
     * Broadcasts use {@code spark.serializer}; wrapping the checks in bytes keeps them on Java
     * serialization even when that is Kryo, which skips the core's {@code readObject} hooks (a
     * Kryo-read {@code Program} has no {@code lastUse} table and fails with a NullPointerException).
     */
    static final class ChecksPayload implements Serializable {
        private static final long serialVersionUID = 1L;
        private final byte[] bytes;
        private transient volatile List<GradCheck> checks;

        private ChecksPayload(byte[] bytes, List<GradCheck> checks) {
            this.bytes = bytes;
            this.checks = checks;
        }

        static ChecksPayload of(List<GradCheck> checks) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            try (ObjectOutputStream o = new ObjectOutputStream(b)) {
                o.writeObject(new ArrayList<>(checks));
            } catch (IOException e) {
                throw new IllegalStateException("cannot serialize the prepared checks: " + e, e);
            }
            return new ChecksPayload(b.toByteArray(), List.copyOf(checks));
        }

        /** Serialized size, for the plan log. */
        int size() { return bytes.length; }

        List<GradCheck> checks() {
            List<GradCheck> c = checks;
            if (c == null) {
                synchronized (this) {
                    c = checks;
                    if (c == null) {
                        c = read();
                        checks = c;
                    }
                }
            }
            return c;
        }

        @SuppressWarnings("unchecked")
        private List<GradCheck> read() {
            // The context class loader sees the application's and users' classes (spark-submit --jars).
            ClassLoader cl = Thread.currentThread().getContextClassLoader();
            try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes)) {
                @Override
                protected Class<?> resolveClass(ObjectStreamClass d) throws IOException,
                        ClassNotFoundException {
                    try {
                        return Class.forName(d.getName(), false, cl != null ? cl : AuditJob.class.getClassLoader());
                    } catch (ClassNotFoundException e) {
                        return super.resolveClass(d);
                    }
                }
            }) {
                return List.copyOf((List<GradCheck>) in.readObject());
            } catch (IOException | ClassNotFoundException e) {
                throw new IllegalStateException("cannot deserialize the prepared checks on this executor: " + e, e);
            }
        }
    }

    /** {@link UnitOutput#merge} as a Spark function. */
    static final class MergeOutputs implements Function2<UnitOutput, UnitOutput, UnitOutput> {
        private static final long serialVersionUID = 1L;

        @Override
        public UnitOutput call(UnitOutput a, UnitOutput b) {
            return a.merge(b);
        }
    }

    /**
     * A unit's result, or its error, and its compute time. {@link #merge} is associative and
     * commutative: results merge with {@link UnitResult#merge}, times add, and of several errors
     * the one of the unit starting first is kept.
     */
    static final class UnitOutput implements Serializable {
        private static final long serialVersionUID = 1L;
        final UnitResult result;          // null when every merged unit failed
        final int errorLo;                // start of the first failed unit; Integer.MAX_VALUE when none
        final String error;
        final long nanos;

        private UnitOutput(UnitResult result, int errorLo, String error, long nanos) {
            this.result = result;
            this.errorLo = errorLo;
            this.error = error;
            this.nanos = nanos;
        }

        static UnitOutput of(UnitResult r, long nanos) {
            return new UnitOutput(r, Integer.MAX_VALUE, null, nanos);
        }

        static UnitOutput failed(int lo, String error, long nanos) {
            return new UnitOutput(null, lo, error, nanos);
        }

        UnitOutput merge(UnitOutput o) {
            UnitResult r = result == null ? o.result : o.result == null ? result : result.merge(o.result);
            boolean mine = error != null && (o.error == null || errorLo < o.errorLo
                    || (errorLo == o.errorLo && error.compareTo(o.error) <= 0));
            UnitOutput e = mine ? this : o;
            return new UnitOutput(r, e.errorLo, e.error, nanos + o.nanos);
        }
    }

    // ---------------------------------------------------------------- driver: reports

    private static List<CaseReport.InputInfo> inputInfos(AuditSpec.Case c) {
        List<CaseReport.InputInfo> r = new ArrayList<>();
        for (Map.Entry<String, AuditSpec.Input> e : c.inputs().entrySet()) {
            r.add(new CaseReport.InputInfo(e.getKey(), e.getValue().shape(), e.getValue().dtype().numpyName()));
        }
        return r;
    }

    private static CaseReport errorReport(Prepared p, long seed) {
        CheckSettings s = p.spec.check();
        return new CaseReport(p.spec.name(), CaseReport.Status.ERROR, p.error, p.spec.expression(), p.spec.builder(),
                inputInfos(p.spec), s.nTests(), CheckSettings.modeName(s.mode()), seed, s.eps(), s.absTol(), s.relTol(),
                0, 0, null, null, p.prepareNanos / 1_000_000);
    }

    /** Judges a prepared case from its merged per-test outputs, exactly as VerifyGrad would. */
    static CaseReport report(Prepared p, long seed, UnitOutput[] perTest) {
        GradCheck c = p.check;
        long nanos = p.prepareNanos;
        long checked = 0;
        long[] hist = new long[UnitResult.HIST_BINS];
        String error = null;
        for (int t = 0; t < perTest.length; t++) {
            nanos += perTest[t].nanos;
            if (error == null && perTest[t].error != null) {
                error = "test " + t + ": " + perTest[t].error;
            }
        }
        CheckSettings s = p.spec.check();
        String mode = CheckSettings.modeName(c.mode());
        if (error != null) {
            return new CaseReport(p.spec.name(), CaseReport.Status.ERROR, error, p.spec.expression(), p.spec.builder(),
                    inputInfos(p.spec), s.nTests(), mode, seed, c.eps(), c.absTol(), c.relTol(), c.nCoordinates(), 0,
                    null, null, nanos / 1_000_000);
        }
        GradCheck.TestOutcome reported = null;
        boolean failed = false;
        for (int t = 0; t < perTest.length; t++) {
            UnitResult r = perTest[t].result;
            checked += r.checked();
            long[] h = r.histogram();
            for (int b = 0; b < h.length; b++) {
                hist[b] += h[b];
            }
            GradCheck.TestOutcome o = c.outcome(r);
            if (failed) {
                continue;
            }
            if (!o.passed()) {
                reported = o;                  // the first failing test: what verify_grad raises
                failed = true;
            } else if (r.worstIndex() >= 0 && (reported == null
                    || r.worstScaled() > reported.result().worstScaled())) {
                reported = o;
            }
        }
        CaseReport.Worst worst = null;
        String message = null;
        if (reported != null) {
            GradientError e = c.error(reported);
            UnitResult r = reported.result();
            double scaled = r.nonFiniteCount() > 0 ? Double.NaN : r.worstScaled();
            worst = new CaseReport.Worst(e.test(), e.inputName(), e.arg(), e.errPos(),
                    NDArray.unravel(e.errPos(), e.shape()), e.shape(), e.val1(), e.val2(), e.absErr(), e.relErr(), scaled);
            if (failed) {
                message = failureMessage(e);
            }
        }
        return new CaseReport(p.spec.name(), failed ? CaseReport.Status.FAIL : CaseReport.Status.PASS, message,
                p.spec.expression(), p.spec.builder(), inputInfos(p.spec), s.nTests(), mode, seed, c.eps(), c.absTol(),
                c.relTol(), c.nCoordinates(), checked, worst, hist, nanos / 1_000_000);
    }

    private static String failureMessage(GradientError e) {
        String where = "test " + e.test() + ", input '" + e.inputName() + "' at index "
                + Arrays.toString(NDArray.unravel(e.errPos(), e.shape())) + " (flat " + e.errPos() + ")";
        if (e.nonFinite()) {
            return where + ": non-finite error (analytic " + e.val1() + ", numeric " + e.val2() + ")";
        }
        return where + ": analytic " + e.val1() + " vs numeric " + e.val2() + " (abs err " + e.absErr() + " > "
                + e.absTol() + " and rel err " + e.relErr() + " > " + e.relTol() + ")";
    }
}
