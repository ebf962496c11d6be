package org.gradaudit.jobs;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.gradaudit.jobs.audit.AuditJob;
import org.gradaudit.jobs.audit.AuditReport;
import org.gradaudit.jobs.audit.AuditSpec;
import org.gradaudit.jobs.audit.CaseReport;
import org.gradaudit.jobs.audit.SpecOptions;
import org.gradaudit.jobs.report.ReportSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The command line: {@code audit SPEC [--out DIR] [--master URL] [--parallelism N] [--chunk-size N]
 * [--seed S] [--overwrite] [--jars a.jar,b.jar]} and {@code --help}. The plan and progress go to
 * stderr, the per-case summary to stdout; with {@code --out} the reports (JSON, HTML, JUnit XML,
 * Parquet) are written all or nothing.
 *
 * <p>Exit codes: 0 every case passed; 1 some case failed or errored; 2 usage, spec or output
 * directory error (nothing was run); 3 the run itself failed (no report written).
 *
 * <p>Settings are read with one precedence: command-line option, then Spark configuration
 * ({@code spark.gradaudit.parallelism}, {@code spark.gradaudit.chunkSize},
 * {@code spark.gradaudit.targetTaskMillis}; also from spark-submit's {@code --conf} or properties
 * file, or the file named by the system property {@code gradaudit.spark.defaults}), then the
 * default. {@code spark.master} defaults to {@code local[*]}, so the same class runs under
 * spark-submit.
 */
public final class Main {
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    public static final int EXIT_PASS = 0;
    public static final int EXIT_FAIL = 1;
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_RUN_FAILED = 3;

    /** System property naming a spark-defaults style file applied with lowest precedence. */
    public static final String DEFAULTS_PROPERTY = "gradaudit.spark.defaults";

    static final String USAGE = String.join("\n",
            "Usage: gradaudit audit SPEC [options]",
            "       gradaudit jacobian SPEC [options]   (large Jacobians; see 'gradaudit jacobian --help')",
            "       gradaudit nightly --suite FILE --history DIR --out DIR [options]   (gradaudit nightly --help)",
            "       gradaudit --help",
            "",
            "Audits the gradients of every case in the JSON spec SPEC and prints one line per case.",
            "",
            "Options:",
            "  --out DIR          write DIR/report.json, report.html, junit.xml and report.parquet/",
            "                     (all or nothing; refuses existing reports)",
            "  --overwrite        replace existing reports in DIR",
            "  --jars A.jar,B.jar user jars (GraphBuilder classes, ops): added to the driver's classpath",
            "                     and shipped to the executors",
            "  --master URL       Spark master (default: spark.master, else local[*])",
            "  --parallelism N    partitions to run the work units in (default: from the measured work)",
            "  --chunk-size N     coordinates per work unit (default: measured, ~0.5 s per unit)",
            "  --seed S           override the spec's seed",
            "  --allow-paths-outside-spec  let the spec name .npy and graph files outside its directory",
            "                     (absolute paths, '..', symbolic links); refused by default",
            "  --help             show this help",
            "",
            "Exit codes: 0 all cases passed, 1 a case failed or errored, 2 usage or spec error,",
            "            3 the run failed (no report written).");

    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Parsed command-line arguments of {@code audit}. */
    static final class Args {
        String spec;
        Path out;
        String master;
        Integer parallelism;
        Integer chunkSize;
        Long seed;
        List<Path> jars = new ArrayList<>();
        boolean overwrite;
        boolean allowPathsOutsideSpec;
        boolean help;
    }

    static final class UsageException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    static Args parse(String[] argv) {
        Args a = new Args();
        if (Arrays.asList(argv).contains("--help") || Arrays.asList(argv).contains("-h")) {
            a.help = true;
            return a;
        }
        if (argv.length == 0) {
            throw new UsageException("missing command; expected 'audit', 'jacobian' or 'nightly'");
        }
        if (!argv[0].equals("audit")) {
            throw new UsageException("unknown command '" + argv[0] + "'; expected 'audit', 'jacobian' or 'nightly'");
        }
        for (int i = 1; i < argv.length; i++) {
            String arg = argv[i];
            String flag = arg;
            String inline = null;
            if (arg.startsWith("--") && arg.contains("=")) {
                flag = arg.substring(0, arg.indexOf('='));
                inline = arg.substring(arg.indexOf('=') + 1);
            }
            switch (flag) {
                case "--overwrite":
                case SpecOptions.ALLOW_PATHS_FLAG:
                    if (inline != null) {
                        throw new UsageException(flag + " takes no value");
                    }
                    if (flag.equals("--overwrite")) {
                        a.overwrite = true;
                    } else {
                        a.allowPathsOutsideSpec = true;
                    }
                    break;
                case "--out":
                case "--master":
                case "--parallelism":
                case "--chunk-size":
                case "--jars":
                case "--seed": {
                    String v = flagValue(flag, inline, argv, i, UsageException::new);
                    if (inline == null) {
                        i++;
                    }
                    switch (flag) {
                        case "--out": a.out = Paths.get(v); break;
                        case "--master": a.master = v; break;
                        case "--parallelism": a.parallelism = positive(flag, v); break;
                        case "--chunk-size": a.chunkSize = positive(flag, v); break;
                        case "--jars":
                            for (String j : v.split(",")) {
                                if (j.isBlank()) {
                                    throw new UsageException("--jars: empty jar path in '" + v + "'");
                                }
                                Path jp = Paths.get(j.trim());
                                if (!Files.isRegularFile(jp)) {
                                    throw new UsageException("--jars: no such jar file '" + j.trim() + "'");
                                }
                                a.jars.add(jp.toAbsolutePath());
                            }
                            break;
                        default:
                            try {
                                a.seed = Long.parseLong(v);
                            } catch (NumberFormatException e) {
                                throw new UsageException("--seed: expected an integer, got '" + v + "'");
                            }
                    }
                    break;
                }
                default:
                    if (arg.startsWith("-")) {
                        throw new UsageException("unknown option '" + arg + "'");
                    }
                    if (a.spec != null) {
                        throw new UsageException("unexpected argument '" + arg + "'; only one SPEC is allowed (got '"
                                + a.spec + "' already)");
                    }
                    a.spec = arg;
            }
        }
        if (a.spec == null) {
            throw new UsageException("audit: missing SPEC (a JSON audit spec file)");
        }
        return a;
    }

    private static int positive(String flag, String v) {
        try {
            int n = Integer.parseInt(v);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException(flag + ": expected a positive integer, got '" + v + "'");
    }

    /** Everything {@link #main} does except exiting; returns the exit code. */
    static int run(String[] argv, PrintStream out, PrintStream err) {
        if (argv.length > 0) {
            // the other subcommands live in their own packages and parse their own flags
            switch (argv[0]) {
                case "jacobian": return org.gradaudit.jobs.jacobian.JacobianCli.run(argv, out, err);
                case "nightly": return org.gradaudit.jobs.nightly.NightlyMain.run(argv, out, err);
                default:
                    break;
            }
        }
        Args a;
        AuditSpec spec;
        SparkConf conf = new SparkConf();
        AuditJob.Options options;
        try {
            a = parse(argv);
            if (a.help) {
                out.println(USAGE);
                return EXIT_PASS;
            }
            if (!a.jars.isEmpty()) {
                addJars(a.jars);
            }
            // the Spark configuration first: the spec is read under its memory budget
            if (a.master != null) {
                conf.setMaster(a.master);
            }
            if (!a.jars.isEmpty()) {
                List<String> urls = new ArrayList<>();
                for (Path j : a.jars) {
                    urls.add(j.toUri().toString());
                }
                String before = conf.get("spark.jars", "");
                conf.set("spark.jars", (before.isBlank() ? "" : before + ",") + String.join(",", urls));
            }
            applyDefaultsFile(conf);
            conf.setIfMissing("spark.master", "local[*]");
            Integer target = confInt(conf, "spark.gradaudit.targetTaskMillis");
            options = new AuditJob.Options(
                    a.parallelism != null ? a.parallelism : confInt(conf, "spark.gradaudit.parallelism"),
                    a.chunkSize != null ? a.chunkSize : confInt(conf, "spark.gradaudit.chunkSize"),
                    target != null ? target : AuditJob.Options.DEFAULTS.targetTaskMillis())
                    .withFailFirstAttempt(conf.getBoolean("spark.gradaudit.test.failFirstAttempt", false))
                    .withProgress(err);
            SpecOptions specOptions = new SpecOptions(a.allowPathsOutsideSpec, SpecOptions.maxInputBytes(conf));
            spec = AuditSpec.read(Paths.get(a.spec), specOptions);
            if (a.seed != null) {
                spec = spec.withSeed(a.seed);
            }
            if (a.out != null) {
                ReportSet.checkTarget(a.out, a.overwrite, ReportSet.names(true));
            }
            conf.setIfMissing("spark.app.name", "gradaudit audit " + spec.name());
        } catch (UsageException e) {
            err.println("gradaudit: " + e.getMessage());
            err.println("Run 'gradaudit --help' for usage.");
            return EXIT_USAGE;
        } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException e) {   // SpecException too
            err.println("gradaudit: " + e.getMessage());
            return EXIT_USAGE;
        }

        long t0 = System.nanoTime();
        AuditReport report;
        List<Path> written = null;
        SparkSession spark = null;
        try {
            spark = SparkSession.builder().config(conf).getOrCreate();
            report = AuditJob.run(spark, spec, options);
            if (a.out != null) {
                written = ReportSet.writeAll(ReportSet.outputs(report, spark), a.out, a.overwrite);
            }
        } catch (Exception e) {
            // Exception, not RuntimeException: Scala code throws checked SparkExceptions undeclared
            LOG.error("audit {} failed", spec.name(), e);
            err.println("gradaudit: the audit of " + spec.source() + " failed; no report was written: " + e);
            return EXIT_RUN_FAILED;
        } finally {
            if (spark != null) {
                spark.stop();
            }
        }
        printSummary(out, report, written, (System.nanoTime() - t0) / 1e9);
        return report.exitCode();
    }

    private static Integer confInt(SparkConf conf, String key) {
        if (!conf.contains(key)) {
            return null;
        }
        String v = conf.get(key).trim();
        try {
            int n = Integer.parseInt(v);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("Spark configuration " + key + ": expected a positive integer, got '" + v + "'");
    }

    /**
     * The value of {@code flag}: its {@code --flag=value} part, else the next argument (the caller
     * skips it); a missing or empty value is an error made by {@code error}. Every command's
     * parser uses this.
     */
    public static String flagValue(String flag, String inline, String[] argv, int i,
            java.util.function.Function<String, ? extends RuntimeException> error) {
        String v = inline;
        if (v == null) {
            if (i + 1 >= argv.length) {
                throw error.apply(flag + ": missing value");
            }
            v = argv[i + 1];
        }
        if (v.isEmpty()) {
            throw error.apply(flag + ": empty value");
        }
        return v;
    }

    /**
     * Applies the spark-defaults style file named by {@link #DEFAULTS_PROPERTY}, lowest precedence
     * (every command does this); an unreadable file is an IllegalArgumentException naming it.
     */
    public static void applyDefaultsFile(SparkConf conf) {
        String file = System.getProperty(DEFAULTS_PROPERTY);
        if (file == null || file.isBlank()) {
            return;
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(Paths.get(file), StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new IllegalArgumentException(DEFAULTS_PROPERTY + "=" + file + ": cannot read: " + e);
        }
        for (String k : p.stringPropertyNames()) {
            conf.setIfMissing(k, p.getProperty(k).trim());
        }
    }

    /** Puts user jars on the driver's class path (the context class loader builders are loaded from). */
    private static void addJars(List<Path> jars) {
        URL[] urls = new URL[jars.size()];
        for (int i = 0; i < urls.length; i++) {
            try {
                urls[i] = jars.get(i).toUri().toURL();
            } catch (MalformedURLException e) {
                throw new UsageException("--jars: bad path " + jars.get(i));
            }
        }
        ClassLoader parent = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(new URLClassLoader(urls,
                parent != null ? parent : Main.class.getClassLoader()));
    }

    static void printSummary(PrintStream out, AuditReport r, List<Path> written, double seconds) {
        out.printf(Locale.ROOT, "gradaudit audit '%s' (%s, seed %d, %s)%n", r.name(), r.specFile(), r.seed(),
                r.engine());
        int width = 4;
        for (CaseReport c : r.cases()) {
            width = Math.max(width, c.name().length());
        }
        for (CaseReport c : r.cases()) {
            out.printf(Locale.ROOT, "  %-5s  %-" + width + "s  %s%n", c.status(), c.name(), detail(c));
        }
        out.printf(Locale.ROOT, "%d passed, %d failed, %d errors (%d cases) in %.1f s%n",
                r.count(CaseReport.Status.PASS), r.count(CaseReport.Status.FAIL), r.count(CaseReport.Status.ERROR),
                r.cases().size(), seconds);
        if (written != null) {
            for (Path w : written) {
                out.println((w.getFileName().toString().equals("report.json") ? "report: " : "        ")
                        + w.toAbsolutePath());
            }
        }
    }

    private static String detail(CaseReport c) {
        CaseReport.Worst w = c.worst();
        switch (c.status()) {
            case ERROR:
                return c.message();
            case FAIL:
                return String.format(Locale.ROOT, "scaled err %.3g: %s", w.scaledErr(), c.message())
                        + (c.warnings().isEmpty() ? "" : " [" + c.warnings().size() + " warning(s)]");
            default:
                if (w == null) {
                    return "nothing to compare (empty inputs)";
                }
                return String.format(Locale.ROOT, "scaled err %.3g (abs %.3g, rel %.3g) at %s", w.scaledErr(),
                        w.absErr(), w.relErr(), where(w));
        }
    }

    private static String where(CaseReport.Worst w) {
        return w.argument() < 0 ? w.input() + ", test " + w.test()
                : w.input() + Arrays.toString(w.index()) + ", test " + w.test();
    }
}
