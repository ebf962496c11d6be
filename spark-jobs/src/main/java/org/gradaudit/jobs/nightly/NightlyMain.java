package org.gradaudit.jobs.nightly;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.gradaudit.jobs.audit.AuditJob;
import org.gradaudit.jobs.audit.SpecOptions;
import org.gradaudit.jobs.report.ReportSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code gradaudit nightly}: parses the flags, resolves every setting with one precedence
 * (command-line flag, then Spark configuration {@code spark.gradaudit.nightly.*}, then the
 * default), validates the suite, history, baseline and output directory before Spark starts, runs
 * {@link NightlyJob}, records the run and returns the exit code (see {@link NightlyReport}).
 */
public final class NightlyMain {
    private static final Logger LOG = LoggerFactory.getLogger(NightlyMain.class);

    static final String CONF = "spark.gradaudit.nightly.";

    static final String USAGE = String.join("\n",
            "Usage: gradaudit nightly --suite FILE --history DIR --out DIR [options]",
            "",
            "Audits the suite (an audit spec; its cases run with the suite's seed, and again with a seed derived",
            "from --date), appends one row per case to the history (Parquet, one partition per run; rerunning a",
            "run id replaces it), compares with the previous run and the baseline, and writes nightly.json,",
            "nightly.html, junit.xml, summary.md and baseline.json into --out (all or nothing).",
            "",
            "Options (flag, else Spark conf spark.gradaudit.nightly.<name>, else the default):",
            "  --suite FILE       the suite (required)",
            "  --history DIR      the history table (conf: history; required)",
            "  --out DIR          where the reports go (required; refuses existing reports)",
            "  --run-id ID        the run's id (default: the date); letters, digits, '.', '_', '-'",
            "  --date YYYY-MM-DD  the run date (default: today, UTC); fixes the rotating seed",
            "  --baseline P       a pinned baseline.json, or one run's history directory (conf: baseline)",
            "  --growth F         scaled error growth that is a regression (conf: growth; default 10)",
            "  --last N           runs shown in the trend plots (conf: last; default 14)",
            "  --overwrite        replace existing reports in --out",
            "  --allow-paths-outside-spec  let the suite name .npy and graph files outside its directory",
            "  --master URL       Spark master (default: spark.master, else local[*])",
            "  --help             show this help",
            "  conf only: errorFloor (1e-3), runtimeFactor (2), runtimeMinMs (1000); and the audit's",
            "  spark.gradaudit.parallelism, chunkSize, targetTaskMillis",
            "",
            "Exit codes: 0 clean, 1 a case failed (nothing regressed), 2 usage/suite/history/baseline error,",
            "            3 a regression against the previous run or the baseline (over 1), 4 the nightly crashed",
            "            (nothing written).");

    private NightlyMain() {}

    /** Parsed flags; null: not given. */
    static final class Args {
        Path suite;
        Path history;
        Path out;
        String runId;
        LocalDate date;
        Path baseline;
        Double growth;
        Integer last;
        String master;
        boolean overwrite;
        boolean allowPathsOutsideSpec;
        boolean help;
    }

    static Args parse(String[] argv) {
        Args a = new Args();
        List<String> all = Arrays.asList(argv);
        if (all.contains("--help") || all.contains("-h")) {
            a.help = true;
            return a;
        }
        for (int i = 1; i < argv.length; i++) {
            String arg = argv[i];
            String flag = arg;
            String inline = null;
            if (arg.startsWith("--") && arg.contains("=")) {
                flag = arg.substring(0, arg.indexOf('='));
                inline = arg.substring(arg.indexOf('=') + 1);
            }
            if (flag.equals("--overwrite") || flag.equals(SpecOptions.ALLOW_PATHS_FLAG)) {
                if (inline != null) {
                    throw new NightlyUsageException(flag + " takes no value");
                }
                if (flag.equals("--overwrite")) {
                    a.overwrite = true;
                } else {
                    a.allowPathsOutsideSpec = true;
                }
                continue;
            }
            if (!List.of("--suite", "--history", "--out", "--run-id", "--date", "--baseline", "--growth", "--last",
                    "--master").contains(flag)) {
                throw new NightlyUsageException(arg.startsWith("-") ? "unknown option '" + arg + "'"
                        : "unexpected argument '" + arg + "'; the suite is given with --suite FILE");
            }
            String v = org.gradaudit.jobs.Main.flagValue(flag, inline, argv, i, NightlyUsageException::new);
            if (inline == null) {
                i++;
            }
            switch (flag) {
                case "--suite": a.suite = Paths.get(v); break;
                case "--history": a.history = Paths.get(v); break;
                case "--out": a.out = Paths.get(v); break;
                case "--run-id": a.runId = v; break;
                case "--date": a.date = date(flag, v); break;
                case "--baseline": a.baseline = Paths.get(v); break;
                case "--growth": a.growth = factor(flag, v); break;
                case "--last": a.last = positive(flag, v); break;
                default: a.master = v;
            }
        }
        if (a.suite == null) {
            throw new NightlyUsageException("nightly: missing --suite FILE (an audit spec; see docs/NIGHTLY.md)");
        }
        if (a.out == null) {
            throw new NightlyUsageException("nightly: missing --out DIR (where the reports go)");
        }
        return a;
    }

    static LocalDate date(String what, String v) {
        try {
            return LocalDate.parse(v.trim());
        } catch (DateTimeParseException e) {
            throw new NightlyUsageException(what + ": expected a date YYYY-MM-DD, got '" + v + "'");
        }
    }

    static double factor(String what, String v) {
        try {
            double d = Double.parseDouble(v.trim());
            if (d >= 1 && Double.isFinite(d)) {
                return d;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new NightlyUsageException(what + ": expected a number >= 1, got '" + v + "'");
    }

    static double nonNegative(String what, String v) {
        try {
            double d = Double.parseDouble(v.trim());
            if (d >= 0 && Double.isFinite(d)) {
                return d;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new NightlyUsageException(what + ": expected a number >= 0, got '" + v + "'");
    }

    static int positive(String what, String v) {
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new NightlyUsageException(what + ": expected a positive integer, got '" + v + "'");
    }

    /** The nightly spec from the flags and the Spark configuration (flag, then conf, then default). */
    static NightlySpec spec(Args a, SparkConf conf, PrintStream progress) {
        LocalDate date = a.date != null ? a.date : LocalDate.now(ZoneOffset.UTC);
        String historyConf = conf.get(CONF + "history", null);
        Path history = a.history != null ? a.history : historyConf != null ? Paths.get(historyConf) : null;
        if (history == null) {
            throw new NightlyUsageException("nightly: missing --history DIR (or Spark conf " + CONF + "history)");
        }
        String baselineConf = conf.get(CONF + "baseline", null);
        Path baselinePath = a.baseline != null ? a.baseline : baselineConf != null ? Paths.get(baselineConf) : null;
        String baselineFlag = a.baseline != null ? "--baseline" : "Spark configuration " + CONF + "baseline";
        double growth = a.growth != null ? a.growth
                : conf.contains(CONF + "growth") ? factor("Spark configuration " + CONF + "growth", conf.get(CONF + "growth"))
                : Comparison.Thresholds.DEFAULTS.growth();
        int last = a.last != null ? a.last
                : conf.contains(CONF + "last") ? positive("Spark configuration " + CONF + "last", conf.get(CONF + "last"))
                : NightlySpec.DEFAULT_LAST;
        double floor = conf.contains(CONF + "errorFloor")
                ? nonNegative("Spark configuration " + CONF + "errorFloor", conf.get(CONF + "errorFloor"))
                : Comparison.Thresholds.DEFAULTS.errorFloor();
        double rtFactor = conf.contains(CONF + "runtimeFactor")
                ? factor("Spark configuration " + CONF + "runtimeFactor", conf.get(CONF + "runtimeFactor"))
                : Comparison.Thresholds.DEFAULTS.runtimeFactor();
        long rtMin = conf.contains(CONF + "runtimeMinMs")
                ? (long) nonNegative("Spark configuration " + CONF + "runtimeMinMs", conf.get(CONF + "runtimeMinMs"))
                : Comparison.Thresholds.DEFAULTS.runtimeMinMs();
        Integer target = confInt(conf, "spark.gradaudit.targetTaskMillis");
        AuditJob.Options options = new AuditJob.Options(confInt(conf, "spark.gradaudit.parallelism"),
                confInt(conf, "spark.gradaudit.chunkSize"),
                target != null ? target : AuditJob.Options.DEFAULTS.targetTaskMillis()).withProgress(progress);

        NightlySuite suite = NightlySuite.read(a.suite,
                new SpecOptions(a.allowPathsOutsideSpec, SpecOptions.maxInputBytes(conf)));
        new HistoryStore(history).validate(a.history != null ? "--history" : "Spark configuration " + CONF + "history");
        Baseline baseline = baselinePath == null ? null : Baseline.open(baselinePath, baselineFlag);
        return new NightlySpec(suite, a.suite.toString(), a.runId != null ? a.runId : date.toString(), date, history,
                baseline, new Comparison.Thresholds(growth, floor, rtFactor, rtMin), last, options);
    }

    private static Integer confInt(SparkConf conf, String key) {
        return conf.contains(key) ? positive("Spark configuration " + key, conf.get(key)) : null;
    }

    /** Everything {@code gradaudit nightly} does except exiting; {@code argv[0]} is "nightly". Returns the exit code. */
    public static int run(String[] argv, PrintStream out, PrintStream err) {
        Args a;
        NightlySpec spec;
        SparkConf conf = new SparkConf();
        try {
            a = parse(argv);
            if (a.help) {
                out.println(USAGE);
                return NightlyReport.EXIT_CLEAN;
            }
            if (a.master != null) {
                conf.setMaster(a.master);
            }
            applyDefaultsFile(conf);
            conf.setIfMissing("spark.master", "local[*]");
            spec = spec(a, conf, err);
            conf.setIfMissing("spark.app.name", "gradaudit nightly " + spec.suite().name() + " " + spec.runId());
            ReportSet.checkTarget(a.out, a.overwrite, NightlyWriters.names());
        } catch (NightlyUsageException e) {
            err.println("gradaudit nightly: " + e.getMessage());
            err.println("Run 'gradaudit nightly --help' for usage.");
            return NightlyReport.EXIT_USAGE;
        } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException e) {   // SpecException too
            err.println("gradaudit nightly: " + e.getMessage());
            return NightlyReport.EXIT_USAGE;
        }

        long t0 = System.nanoTime();
        SparkSession spark = null;
        NightlyReport report;
        List<Path> written;
        try {
            spark = SparkSession.builder().config(conf).getOrCreate();
            report = NightlyJob.run(spark, spec);
            written = NightlyJob.record(spark, report, spec.history(), a.out, a.overwrite,
                    HistoryStore.faultFromSystemProperty());
        } catch (NightlyUsageException e) {
            err.println("gradaudit nightly: " + e.getMessage());
            return NightlyReport.EXIT_USAGE;
        } catch (RuntimeException e) {
            LOG.error("nightly {} failed", spec.runId(), e);
            err.println("gradaudit nightly: the nightly run " + spec.runId() + " of " + spec.suiteFile()
                    + " failed; the history is unchanged: " + e);
            return NightlyReport.EXIT_CRASHED;
        } finally {
            if (spark != null) {
                spark.stop();
            }
        }
        out.print(NightlyWriters.toMarkdown(report, a.out.toAbsolutePath().resolve(NightlyWriters.HTML_FILE).toString()));
        out.printf(Locale.ROOT, "history: %s (run %s, %d rows) in %.1f s%n",
                new HistoryStore(spec.history()).leaf(report.runDate(), report.runId()), report.runId(),
                report.rows().size(), (System.nanoTime() - t0) / 1e9);
        for (Path w : written) {
            out.println("report: " + w.toAbsolutePath());
        }
        out.println("exit code " + report.exitCode() + " (" + report.verdict() + ")");
        return report.exitCode();
    }

    /** The audit's defaults file (see {@link org.gradaudit.jobs.Main#applyDefaultsFile}), as a usage error. */
    private static void applyDefaultsFile(SparkConf conf) {
        try {
            org.gradaudit.jobs.Main.applyDefaultsFile(conf);
        } catch (IllegalArgumentException e) {
            throw new NightlyUsageException(e.getMessage());
        }
    }
}
