package org.gradaudit.jobs.audit;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.PrintStream;
import java.io.Serializable;
import java.lang.reflect.InvocationTargetException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.api.java.function.PairFlatMapFunction;
import org.apache.spark.api.java.function.PairFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.Variable;
import org.gradaudit.core.check.CheckMode;
import org.gradaudit.core.check.Diagnostics;
import org.gradaudit.core.check.GradCheck;
import org.gradaudit.core.check.GradientError;
import org.gradaudit.core.check.GraphBuilder;
import org.gradaudit.core.check.Localizer;
import org.gradaudit.core.check.SymbolicFunction;
import org.gradaudit.core.check.UnitResult;
import org.gradaudit.core.io.ExpressionParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * Audits the gradients of every case of a spec.
 *
 * <p>The driver prepares each case's {@link GradCheck} (points, graph, projections, compiled cost
 * and gradient programs); a case that cannot be prepared is reported as ERROR. It then plans work
 * units (case x test x coordinate chunk), with the chunk size chosen from the measured cost of a
 * unit ({@link UnitCost}: fixed, plus per coordinate) so that a unit takes about
 * {@link Options#targetTaskMillis()}, broadcasts the checks
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
        private final boolean failFirstAttempt;
        private final transient PrintStream progress;

        public Options(Integer parallelism, Integer chunkSize, long targetTaskMillis) {
            this(parallelism, chunkSize, targetTaskMillis, false, null);
        }

        private Options(Integer parallelism, Integer chunkSize, long targetTaskMillis, boolean failFirstAttempt,
                PrintStream progress) {
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
            this.failFirstAttempt = failFirstAttempt;
            this.progress = progress;
        }

        /** Partitions to run the units in; null: enough for the estimated work, at least Spark's default parallelism. */
        public Integer parallelism() { return parallelism; }
        /** Coordinates per unit for every case; null: measured per case (full modes), one direction per unit (fast). */
        public Integer chunkSize() { return chunkSize; }
        /** The time a unit should take when the chunk size is measured. */
        public long targetTaskMillis() { return targetTaskMillis; }
        /** Test only: every task throws on its first attempt (spark.gradaudit.test.failFirstAttempt). */
        public boolean failFirstAttempt() { return failFirstAttempt; }
        /** Where the plan and progress lines go (the CLI: stderr); null: the log only. */
        public PrintStream progress() { return progress; }

        public Options withParallelism(Integer p) { return new Options(p, chunkSize, targetTaskMillis, failFirstAttempt, progress); }
        public Options withChunkSize(Integer c) { return new Options(parallelism, c, targetTaskMillis, failFirstAttempt, progress); }
        public Options withFailFirstAttempt(boolean f) { return new Options(parallelism, chunkSize, targetTaskMillis, f, progress); }
        public Options withProgress(PrintStream p) { return new Options(parallelism, chunkSize, targetTaskMillis, failFirstAttempt, p); }
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

    /** The units to run, how many partitions they run in, and each case's plan. */
    public static final class Plan {
        private final List<WorkUnit> units;
        private final int partitions;
        private final Map<String, Integer> chunks;
        private final List<CasePlan> cases;
        private final double estimatedSeconds;

        Plan(List<WorkUnit> units, int partitions, List<CasePlan> cases, double estimatedSeconds) {
            this.units = List.copyOf(units);
            this.partitions = partitions;
            Map<String, Integer> c = new LinkedHashMap<>();
            for (CasePlan p : cases) {
                c.put(p.name, p.chunk);
            }
            this.chunks = Collections.unmodifiableMap(c);
            this.cases = List.copyOf(cases);
            this.estimatedSeconds = estimatedSeconds;
        }

        public int units() { return units.size(); }
        public int partitions() { return partitions; }

        /**
         * The units of partition {@code part}: every {@code partitions}-th unit from the
         * {@code part}-th on, so that each partition holds its share of every case and test (units
         * of different cases differ in cost, and the measured cost is only an estimate).
         */
        List<WorkUnit> slice(int part) {
            List<WorkUnit> r = new ArrayList<>();
            for (int u = part; u < units.size(); u += partitions) {
                r.add(units.get(u));
            }
            return r;
        }

        /** The slices of every partition, in partition order. */
        List<List<WorkUnit>> slices() {
            List<List<WorkUnit>> r = new ArrayList<>(partitions);
            for (int p = 0; p < partitions; p++) {
                r.add(slice(p));
            }
            return r;
        }
        /** Coordinates per unit, by case name (prepared cases only). */
        public Map<String, Integer> chunks() { return chunks; }
        public List<CasePlan> cases() { return cases; }
        public double estimatedSeconds() { return estimatedSeconds; }
    }

    /**
     * One prepared case's plan: the coordinates each test compares (null: all elements; in fast
     * mode the support of the directions), how many coordinates a test has (elements, or
     * directions in fast mode, possibly capped by the time budget), the chunk per unit and the
     * warnings planning produced. Decided before anything runs, so every retry and partitioning
     * checks the same sample.
     */
    public static final class CasePlan implements Serializable {
        private static final long serialVersionUID = 1L;
        final String name;
        final int check;
        final int[] coords;
        final int nCoords;
        final int chunk;
        final int units;
        final double estimatedSeconds;
        final List<String> warnings;

        CasePlan(String name, int check, int[] coords, int nCoords, int chunk, int units, double estimatedSeconds,
                List<String> warnings) {
            this.name = name;
            this.check = check;
            this.coords = coords;
            this.nCoords = nCoords;
            this.chunk = chunk;
            this.units = units;
            this.estimatedSeconds = estimatedSeconds;
            this.warnings = List.copyOf(warnings);
        }

        public String name() { return name; }
        public int nCoords() { return nCoords; }
        public int chunk() { return chunk; }
        public int units() { return units; }
        public double estimatedSeconds() { return estimatedSeconds; }
        public List<String> warnings() { return warnings; }
        /** The selected coordinates (null: all). */
        public int[] coords() { return coords == null ? null : coords.clone(); }
    }

    /** A case after driver-side preparation: its check and element selection, or why it could not be prepared. */
    static final class Prepared {
        final AuditSpec.Case spec;
        final GradCheck check;
        final String error;
        final long prepareNanos;
        final int[] selection;                 // null: every element
        final List<String> notes;

        Prepared(AuditSpec.Case spec, GradCheck check, String error, long prepareNanos, int[] selection,
                List<String> notes) {
            this.spec = spec;
            this.check = check;
            this.error = error;
            this.prepareNanos = prepareNanos;
            this.selection = selection;
            this.notes = notes;
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
        long t1 = System.nanoTime();
        Plan plan = plan(prepared, options, jsc.defaultParallelism());
        LOG.info("prepared {} cases in {} ms, planned in {} ms", prepared.size(), (t1 - t0) / 1_000_000,
                (System.nanoTime() - t1) / 1_000_000);
        printPlan(options.progress(), spec, plan);
        List<Shipped> shipped = new ArrayList<>();
        for (Prepared p : prepared) {
            if (p.check != null) {
                shipped.add(new Shipped(p.check, plan.cases.get(shipped.size()).coords));
            }
        }
        Map<Long, UnitOutput> merged = new LinkedHashMap<>();
        if (plan.units() > 0) {
            Broadcast<ChecksPayload> bc = jsc.broadcast(ChecksPayload.ofShipped(shipped));
            Progress progress = new Progress(options.progress(), plan, System.nanoTime());
            spark.sparkContext().addSparkListener(progress);
            try {
                LOG.info("broadcasting {} prepared checks ({} bytes)", shipped.size(), bc.value().size());
                jsc.setJobDescription("gradaudit audit " + spec.name() + ": " + plan.units() + " units");
                int reducers = Math.max(1, Math.min(plan.partitions(), plan.units()));
                // one slice per partition (a list of as many elements as slices is cut one per slice)
                List<Tuple2<Long, UnitOutput>> out = jsc.parallelize(plan.slices(), plan.partitions())
                        .flatMapToPair(new RunSlice(new RunUnit(bc, options.failFirstAttempt())))
                        .reduceByKey(new MergeOutputs(), reducers)
                        .collect();
                for (Tuple2<Long, UnitOutput> t : out) {
                    merged.put(t._1(), t._2());
                }
                progress.finish();
                LOG.info("ran {} units in {} partitions in {} ms", plan.units(), plan.partitions(),
                        (System.nanoTime() - t1) / 1_000_000);
            } finally {
                spark.sparkContext().removeSparkListener(progress);
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
            reports.add(report(p, plan.cases.get(k), spec.seed(), perTest));
            k++;
        }
        return new AuditReport(UUID.randomUUID().toString(), spec.name(), spec.source(), spec.seed(), started,
                "spark " + spark.sparkContext().master(), plan.units(), plan.partitions(),
                (System.nanoTime() - t0) / 1_000_000, reports);
    }

    /**
     * The single-JVM audit: the same preparation and plan, then one unit per test over all planned
     * coordinates. Equal to {@link #run} bit for bit (when no time budget binds, the plan's sample
     * is the same too; a binding budget depends on the measured speed, see docs/SPEC.md).
     */
    public static AuditReport runLocal(AuditSpec spec) {
        return runLocal(spec, Options.DEFAULTS);
    }

    public static AuditReport runLocal(AuditSpec spec, Options options) {
        long t0 = System.nanoTime();
        String started = Instant.now().toString();
        List<CaseReport> reports = new ArrayList<>();
        List<Prepared> prepared = prepareAll(spec);
        Plan plan = plan(prepared, options.withChunkSize(Integer.MAX_VALUE).withParallelism(1), 1);
        int units = 0;
        int k = 0;
        for (Prepared p : prepared) {
            if (p.check == null) {
                reports.add(errorReport(p, spec.seed()));
                continue;
            }
            CasePlan cp = plan.cases.get(k++);
            UnitOutput[] perTest = new UnitOutput[p.check.nTests()];
            for (int t = 0; t < perTest.length; t++) {
                long u0 = System.nanoTime();
                try {
                    perTest[t] = UnitOutput.of(p.check.run(t, cp.coords, 0, cp.nCoords), System.nanoTime() - u0);
                } catch (RuntimeException te) {
                    perTest[t] = UnitOutput.failed(0, describe(te), System.nanoTime() - u0);
                }
            }
            units += perTest.length;
            reports.add(report(p, cp, spec.seed(), perTest));
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

    /** Builds one case's check and its element selection; any failure becomes the case's ERROR message. */
    static Prepared prepare(long seed, AuditSpec.Case c) {
        long t0 = System.nanoTime();
        try {
            List<NDArray> points = new ArrayList<>();
            for (Map.Entry<String, AuditSpec.Input> e : c.inputs().entrySet()) {
                points.add(e.getValue().generate(seed, c.name(), e.getKey()));
            }
            SymbolicFunction fn;
            switch (c.kind()) {
                case EXPRESSION: fn = expression(c); break;
                case BUILDER: fn = builder(c.builder()); break;
                default: fn = c.function();
            }
            GradCheck check = GradCheck.prepare(c.name(), fn, points, c.inputNames(), c.check().toOptions(seed));
            List<String> notes = new ArrayList<>();
            int[] selection = Selection.select(check, c, seed, notes);
            return new Prepared(c, check, null, System.nanoTime() - t0, selection, notes);
        } catch (RuntimeException | LinkageError e) {
            LOG.debug("case {} could not be prepared: {}", c.name(), describe(e));
            return new Prepared(c, null, describe(e), System.nanoTime() - t0, null, List.of());
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
     * Plans the units. Per prepared case: the coordinates (the selection, then capped by the time
     * budget), and the chunk: {@code options.chunkSize()} or, measured, the number of coordinates
     * one unit does in about {@code targetTaskMillis} (full modes), one direction per unit (fast
     * mode). Every test gets at least one unit (an empty one when there is nothing to compare).
     */
    /** The most partitions per core (Spark's default parallelism) a plan makes by itself. */
    static final int MAX_TASKS_PER_CORE = 8;

    static Plan plan(List<Prepared> prepared, Options options, int defaultParallelism) {
        List<WorkUnit> units = new ArrayList<>();
        List<CasePlan> cases = new ArrayList<>();
        double totalSeconds = 0;
        int k = 0;
        for (Prepared p : prepared) {
            if (p.check == null) {
                continue;
            }
            GradCheck c = p.check;
            boolean fast = c.mode() == CheckMode.FAST;
            int[] coords = p.selection;
            int n = fast ? c.nCoordinates() : coords == null ? c.nCoordinates() : coords.length;
            List<String> warnings = new ArrayList<>(p.notes);
            UnitCost cost = null;
            Long budget = p.spec.check().timeBudgetMs();
            if (options.chunkSize() == null || budget != null) {
                try {
                    cost = UnitCost.measure(c, coords);
                } catch (RuntimeException e) {
                    // The unit will fail the same way on an executor and report it; keep it to one unit per test.
                    LOG.debug("plan: case {}: measuring its cost failed ({}); one unit per test", p.spec.name(),
                            describe(e));
                }
            }
            if (budget != null && cost != null && n > 0) {
                double all = c.nTests() * cost.seconds(n);
                if (all * 1000 > budget) {
                    double per = budget / 1000.0 / c.nTests() - cost.fixed;
                    int cap = (int) Math.max(1, Math.min(n, Math.floor(per / cost.perCoordinate)));
                    if (cap < n) {
                        warnings.add(String.format(Locale.ROOT, "time budget %d ms: checked %d of %d %s per test"
                                + " (all would take about %.0f ms at the measured %.1f us per %s)", budget, cap, n,
                                fast ? "directions" : "elements", all * 1000, cost.perCoordinate * 1e6,
                                fast ? "direction" : "element"));
                        if (!fast) {
                            coords = Selection.cap(coords, c.nCoordinates(), cap, c.seed(), p.spec.name());
                        }
                        n = cap;
                    }
                }
            }
            int chunk;
            if (options.chunkSize() != null) {
                chunk = Math.max(1, Math.min(options.chunkSize(), Math.max(n, 1)));
            } else if (fast) {
                chunk = 1;
            } else if (cost == null) {
                chunk = Math.max(n, 1);
            } else {
                chunk = cost.chunk(options.targetTaskMillis() / 1000.0, n);
            }
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
            double est = Double.NaN;
            if (cost != null) {
                long unitsPerTest = perTest / c.nTests();
                est = c.nTests() * (unitsPerTest * cost.fixed + n * cost.perCoordinate);
                totalSeconds += est;
            }
            cases.add(new CasePlan(p.spec.name(), k, coords, n, chunk, perTest, est, warnings));
            k++;
        }
        int partitions = options.parallelism() != null ? options.parallelism()
                : partitions(totalSeconds, options.targetTaskMillis(), units.size(), defaultParallelism);
        partitions = Math.max(1, Math.min(partitions, Math.max(units.size(), 1)));
        return new Plan(units, partitions, cases, totalSeconds);
    }

    /**
     * Partitions for {@code units} units of {@code totalSeconds} estimated work: one per
     * {@code targetMillis} of work, at least one per core (Spark's default parallelism), at most
     * {@link #MAX_TASKS_PER_CORE} per core (Spark's cost is per task, and a cold driver
     * overestimates the work: it measures units before the JIT has compiled their code), at most
     * one per unit.
     */
    static int partitions(double totalSeconds, long targetMillis, int units, int defaultParallelism) {
        long byWork = (long) Math.ceil(totalSeconds / (targetMillis / 1000.0));
        long cap = (long) MAX_TASKS_PER_CORE * defaultParallelism;
        return (int) Math.max(1, Math.min(Math.max(defaultParallelism, Math.min(byWork, cap)), units));
    }

    /** Prints the plan (one line per case and a total) before the run, and logs it. */
    static void printPlan(PrintStream out, AuditSpec spec, Plan plan) {
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "plan: %s: %d prepared cases, %d units in %d partitions, estimated %.2f s"
                + " of work (timed on the driver before the JIT warmed up: an upper bound)", spec.name(),
                plan.cases.size(), plan.units(), plan.partitions(), plan.estimatedSeconds));
        for (CasePlan c : plan.cases) {
            lines.add(String.format(Locale.ROOT, "plan:   %-28s %6d coords/test  chunk %5d  %5d units  %s", c.name,
                    c.nCoords, c.chunk, c.units, Double.isNaN(c.estimatedSeconds) ? "(not measured)"
                            : String.format(Locale.ROOT, "~%.3f s", c.estimatedSeconds)));
        }
        for (String l : lines) {
            if (out != null) {
                out.println(l);
            } else {
                LOG.info(l);
            }
        }
    }

    /**
     * The measured cost of a unit of a check: a fixed part (the analytic gradient and the
     * evaluation at the point, paid once per unit) and a part per coordinate (per perturbed element,
     * or per direction in fast mode). A perturbed element costs far less than the evaluation at the
     * point when partial re-evaluation recomputes only what it moves, so the two are measured
     * apart: a unit of one coordinate and a unit of up to 32 coordinates spread over the selection
     * (elements of different inputs can cost very differently).
     */
    static final class UnitCost {
        static final int SAMPLE = 32;
        final double fixed;
        final double perCoordinate;

        UnitCost(double fixed, double perCoordinate) {
            this.fixed = fixed;
            this.perCoordinate = perCoordinate;
        }

        /** Seconds of one unit of {@code n} coordinates. */
        double seconds(long n) {
            return fixed + n * perCoordinate;
        }

        /**
         * Coordinates per unit so that a unit takes about {@code target} seconds, and at least so
         * many that the fixed part is no more than half of the unit; at most {@code n}.
         */
        int chunk(double target, int n) {
            double fit = Math.max((target - fixed) / perCoordinate, fixed / perCoordinate);
            return (int) Math.max(1, Math.min(Math.max(n, 1), Math.floor(fit)));
        }

        static UnitCost measure(GradCheck c, int[] coords) {
            boolean fast = c.mode() == CheckMode.FAST;
            int n = fast || coords == null ? c.nCoordinates() : coords.length;
            int m = Math.min(n, SAMPLE);
            if (m == 0) {
                return new UnitCost(0, 0);
            }
            int[] spread = null;                  // full modes: m coordinates evenly spaced over the selection
            if (!fast) {
                spread = new int[m];
                for (int i = 0; i < m; i++) {
                    int j = (int) ((long) i * n / m);
                    spread[i] = coords == null ? j : coords[j];
                }
            }
            // a first unit compiles the code paths (its time is kept only for expensive cases); then
            // the best of alternating timings, which a busy machine can only lengthen
            long t0 = System.nanoTime();
            c.run(0, spread, 0, m);
            double cold = (System.nanoTime() - t0) / 1e9;
            double one = Double.POSITIVE_INFINITY;
            double many = cold > 0.2 ? cold : Double.POSITIVE_INFINITY;
            long start = System.nanoTime();
            int reps = 0;
            do {
                one = Math.min(one, secondsOf(c, spread, 1));
                if (cold <= 0.2) {
                    many = Math.min(many, secondsOf(c, spread, m));
                }
                reps++;
            } while (cold <= 0.2 && System.nanoTime() - start < 50_000_000L && reps < 100);
            if (m == 1) {
                return new UnitCost(0, one);
            }
            double per = Math.max((many - one) / (m - 1), many / m * 1e-3);
            return new UnitCost(Math.max(0, one - per), per);
        }

        private static double secondsOf(GradCheck c, int[] coords, int m) {
            long t0 = System.nanoTime();
            c.run(0, coords, 0, m);
            return (System.nanoTime() - t0) / 1e9;
        }
    }

    static long key(int check, int test) {
        return ((long) check << 32) | (test & 0xffffffffL);
    }

    // ---------------------------------------------------------------- executors

    /**
     * Runs one unit on an executor. Captures only the broadcast and a flag; everything else comes
     * with the unit. An exception of the check becomes the unit's error (the case is then reported
     * ERROR) instead of failing the whole job. With {@code failFirstAttempt} (tests only) every
     * task's first attempt throws, so Spark retries it: the report must not change.
     */
    /** Runs the units of one partition's slice, one after another. */
    static final class RunSlice implements PairFlatMapFunction<List<WorkUnit>, Long, UnitOutput> {
        private static final long serialVersionUID = 1L;
        private final RunUnit unit;

        RunSlice(RunUnit unit) {
            this.unit = unit;
        }

        @Override
        public java.util.Iterator<Tuple2<Long, UnitOutput>> call(List<WorkUnit> slice) {
            List<Tuple2<Long, UnitOutput>> r = new ArrayList<>(slice.size());
            for (WorkUnit u : slice) {
                r.add(unit.call(u));
            }
            return r.iterator();
        }
    }

    static final class RunUnit implements PairFunction<WorkUnit, Long, UnitOutput> {
        private static final long serialVersionUID = 1L;
        private final Broadcast<ChecksPayload> checks;
        private final boolean failFirstAttempt;

        RunUnit(Broadcast<ChecksPayload> checks) {
            this(checks, false);
        }

        RunUnit(Broadcast<ChecksPayload> checks, boolean failFirstAttempt) {
            this.checks = checks;
            this.failFirstAttempt = failFirstAttempt;
        }

        @Override
        public Tuple2<Long, UnitOutput> call(WorkUnit u) {
            if (failFirstAttempt) {
                TaskContext tc = TaskContext.get();
                if (tc != null && tc.attemptNumber() == 0) {
                    throw new IllegalStateException("injected failure (spark.gradaudit.test.failFirstAttempt) in the"
                            + " first attempt of the task running " + u);
                }
            }
            Shipped s = checks.value().shipped().get(u.check);
            long t0 = System.nanoTime();
            UnitOutput out;
            try {
                out = UnitOutput.of(s.check.run(u.test, s.coords, u.lo, u.hi), System.nanoTime() - t0);
            } catch (RuntimeException e) {
                out = UnitOutput.failed(u.lo, describe(e), System.nanoTime() - t0);
            }
            return new Tuple2<>(key(u.check, u.test), out);
        }
    }

    /** A check as shipped: the prepared check and its planned coordinates (null: all). */
    static final class Shipped implements Serializable {
        private static final long serialVersionUID = 1L;
        final GradCheck check;
        final int[] coords;

        Shipped(GradCheck check, int[] coords) {
            this.check = check;
            this.coords = coords;
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
        private static final long serialVersionUID = 2L;
        private final byte[] bytes;
        private transient volatile List<Shipped> shipped;

        private ChecksPayload(byte[] bytes, List<Shipped> shipped) {
            this.bytes = bytes;
            this.shipped = shipped;
        }

        static ChecksPayload of(List<GradCheck> checks) {
            List<Shipped> s = new ArrayList<>();
            for (GradCheck c : checks) {
                s.add(new Shipped(c, null));
            }
            return ofShipped(s);
        }

        static ChecksPayload ofShipped(List<Shipped> shipped) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            try (ObjectOutputStream o = new ObjectOutputStream(b)) {
                o.writeObject(new ArrayList<>(shipped));
            } catch (IOException e) {
                throw new IllegalStateException("cannot serialize the prepared checks: " + e, e);
            }
            return new ChecksPayload(b.toByteArray(), List.copyOf(shipped));
        }

        /** Serialized size, for the plan log. */
        int size() { return bytes.length; }

        List<GradCheck> checks() {
            List<GradCheck> r = new ArrayList<>();
            for (Shipped s : shipped()) {
                r.add(s.check);
            }
            return r;
        }

        List<Shipped> shipped() {
            List<Shipped> c = shipped;
            if (c == null) {
                synchronized (this) {
                    c = shipped;
                    if (c == null) {
                        c = read();
                        shipped = c;
                    }
                }
            }
            return c;
        }

        @SuppressWarnings("unchecked")
        private List<Shipped> read() {
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
                return List.copyOf((List<Shipped>) in.readObject());
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

    /**
     * Progress on stderr while the units run: a Spark listener counts the finished tasks of the
     * units' stage (task i runs {@link Plan#slice} i), so it knows the units and the cases done;
     * prints at most every 2 s and at the end, with the elapsed time and an ETA from the rate so far.
     */
    static final class Progress extends SparkListener {
        private final PrintStream out;
        private final Plan plan;
        private final long t0;
        private final java.util.Set<Integer> done = java.util.concurrent.ConcurrentHashMap.newKeySet();
        private volatile int unitStage = -1;
        private volatile long lastPrint;

        Progress(PrintStream out, Plan plan, long t0) {
            this.out = out;
            this.plan = plan;
            this.t0 = t0;
            this.lastPrint = t0;
        }

        @Override
        public void onStageSubmitted(SparkListenerStageSubmitted e) {
            // the units' stage is the first stage with one task per planned partition
            if (unitStage < 0 && e.stageInfo().numTasks() == plan.partitions()) {
                unitStage = e.stageInfo().stageId();
            }
        }

        @Override
        public void onTaskEnd(SparkListenerTaskEnd e) {
            if (e.stageId() != unitStage || !e.taskInfo().successful()) {
                return;
            }
            done.add(e.taskInfo().index());
            long now = System.nanoTime();
            if (now - lastPrint > 2_000_000_000L) {
                lastPrint = now;
                print(now);
            }
        }

        void finish() {
            print(System.nanoTime());
        }

        private synchronized void print(long now) {
            if (out == null) {
                return;
            }
            int n = plan.units();
            int p = plan.partitions();
            boolean[] unitDone = new boolean[n];
            int units = 0;
            for (int part : done) {
                for (int u = part; u < n; u += p) {                // the units of slice part
                    unitDone[u] = true;
                    units++;
                }
            }
            int[] left = new int[plan.cases.size()];
            for (int u = 0; u < n; u++) {
                if (!unitDone[u]) {
                    left[plan.units.get(u).check]++;
                }
            }
            int casesDone = 0;
            for (int l : left) {
                casesDone += l == 0 ? 1 : 0;
            }
            double elapsed = (now - t0) / 1e9;
            String eta = units == 0 ? "?" : String.format(Locale.ROOT, "%.1f s", elapsed * (n - units) / units);
            out.printf(Locale.ROOT, "progress: %d/%d cases, %d/%d units, %d/%d tasks, elapsed %.1f s, ETA %s%n",
                    casesDone, plan.cases.size(), units, n, done.size(), p, elapsed, units == n ? "0.0 s" : eta);
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

    private static long totalElements(AuditSpec.Case c) {
        long n = 0;
        for (AuditSpec.Input in : c.inputs().values()) {
            n += NDArray.sizeOf(in.shape());
        }
        return n;
    }

    private static CaseReport errorReport(Prepared p, long seed) {
        CheckSettings s = p.spec.check();
        return new CaseReport.Builder(p.spec, CaseReport.Status.ERROR, p.error, inputInfos(p.spec), seed)
                .settings(s.nTests(), CheckSettings.modeName(s.mode()), s.eps(), s.absTol(), s.relTol())
                .elements(totalElements(p.spec), 0, 0).timeMs(p.prepareNanos / 1_000_000).build();
    }

    /** Judges a prepared case from its merged per-test outputs, exactly as VerifyGrad would, and adds its diagnostics. */
    static CaseReport report(Prepared p, CasePlan plan, long seed, UnitOutput[] perTest) {
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
        CaseReport.Builder b = new CaseReport.Builder(p.spec, CaseReport.Status.ERROR, error, inputInfos(p.spec), seed)
                .settings(s.nTests(), mode, c.eps(), c.absTol(), c.relTol())
                .warnings(plan.warnings);
        if (error != null) {
            return b.elements(totalElements(p.spec), plan.nCoords, 0).timeMs(nanos / 1_000_000).build();
        }
        GradCheck.TestOutcome reported = null;
        boolean failed = false;
        double[] testScaled = new double[perTest.length];
        for (int t = 0; t < perTest.length; t++) {
            UnitResult r = perTest[t].result;
            checked += r.checked();
            testScaled[t] = r.nonFiniteCount() > 0 ? Double.NaN : r.worstIndex() >= 0 ? r.worstScaled() : 0;
            long[] h = r.histogram();
            for (int k = 0; k < h.length; k++) {
                hist[k] += h[k];
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
        CaseReport.Worst located = null;
        String message = null;
        List<String> warnings = new ArrayList<>(plan.warnings);
        if (reported != null) {
            GradientError e = c.error(reported);
            UnitResult r = reported.result();
            double scaled = r.nonFiniteCount() > 0 ? Double.NaN : r.worstScaled();
            worst = new CaseReport.Worst(e.test(), e.inputName(), e.arg(), e.errPos(),
                    NDArray.unravel(e.errPos(), e.shape()), e.shape(), e.val1(), e.val2(), e.absErr(), e.relErr(), scaled);
            int elementFlat = -1;
            if (c.mode() == CheckMode.FAST) {
                if (failed) {
                    try {
                        Localizer.Location loc = Localizer.locate(c, e.test(), e.errPos(), plan.coords);
                        int k = loc.argument();
                        located = new CaseReport.Worst(e.test(), c.inputName(k), k, loc.position(),
                                NDArray.unravel(loc.position(), c.inputShape(k)), c.inputShape(k), loc.analytic(),
                                loc.numeric(), loc.absErr(), loc.relErr(), loc.scaledErr());
                        elementFlat = loc.flat();
                    } catch (RuntimeException x) {
                        warnings.add("localization failed: " + describe(x));
                    }
                }
            } else {
                elementFlat = c.offsetOf(e.arg()) + e.errPos();
            }
            if (failed) {
                message = failureMessage(e, located);
            }
            if (elementFlat >= 0 && (failed || scaled >= 0.01)) {
                warnings.addAll(Diagnostics.stepChecks(c, e.test(), elementFlat));
            }
        }
        return b.status(failed ? CaseReport.Status.FAIL : CaseReport.Status.PASS).message(message)
                .elements(totalElements(p.spec), plan.nCoords, checked).worst(worst).located(located)
                .histogram(hist).testScaled(testScaled).warnings(warnings).timeMs(nanos / 1_000_000).build();
    }

    private static String failureMessage(GradientError e, CaseReport.Worst located) {
        String where = "test " + e.test() + ", input '" + e.inputName() + "' at index "
                + Arrays.toString(NDArray.unravel(e.errPos(), e.shape())) + " (flat " + e.errPos() + ")";
        String loc = located == null ? "" : "; located by bisection at input '" + located.input() + "' index "
                + Arrays.toString(located.index()) + " (flat " + located.flatIndex() + "): analytic " + located.analytic()
                + " vs numeric " + located.numeric();
        if (e.nonFinite()) {
            return where + ": non-finite error (analytic " + e.val1() + ", numeric " + e.val2() + ")" + loc;
        }
        return where + ": analytic " + e.val1() + " vs numeric " + e.val2() + " (abs err " + e.absErr() + " > "
                + e.absTol() + " and rel err " + e.relErr() + " > " + e.relTol() + ")" + loc;
    }
}
