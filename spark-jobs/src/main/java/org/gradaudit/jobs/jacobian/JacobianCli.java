package org.gradaudit.jobs.jacobian;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.gradaudit.jobs.audit.SpecOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code gradaudit jacobian SPEC [--out DIR] [--mode rows|columns|auto] [--block N]
 * [--format parquet|npy] [--sparse] [--verify N] [--master URL] [--parallelism N] [--overwrite]
 * [--help]}. Settings have one precedence: command-line option, then Spark configuration
 * ({@code spark.gradaudit.jacobian.taskBytes}, {@code spark.gradaudit.jacobian.maxDriverBytes},
 * {@code spark.gradaudit.parallelism}, also from the file named by the system property
 * {@code gradaudit.spark.defaults}), then the default. Exit codes as for audits: 0 done (verified
 * if asked), 1 verification failed, 2 usage or spec error (nothing run), 3 the run failed (nothing
 * written).
 */
public final class JacobianCli {
    private static final Logger LOG = LoggerFactory.getLogger(JacobianCli.class);

    public static final int EXIT_OK = 0;
    public static final int EXIT_VERIFY_FAILED = 1;
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_RUN_FAILED = 3;

    static final String USAGE = String.join("\n",
            "Usage: gradaudit jacobian SPEC [options]",
            "",
            "Computes the Jacobian J = dy/dx (y and x flattened: m x n) of the function in the JSON spec SPEC",
            "at its point, in blocks of rows (batched L-ops) or columns (batched R-ops) on the executors,",
            "streamed to DIR. Spec format: docs/JACOBIAN.md.",
            "",
            "Options:",
            "  --out DIR             write DIR/jacobian.parquet/ (or DIR/blocks/*.npy + manifest.json) and",
            "                        DIR/summary.json, all or nothing; without --out nothing is written",
            "  --mode M              rows | columns | auto (default: rows when m <= n, else columns)",
            "  --block N             lines per block (default: from spark.gradaudit.jacobian.taskBytes, 64 MB)",
            "  --format F            parquet (default): rows (row, values array<double>), or (col, values) in",
            "                        columns mode; npy: one .npy shard per block and manifest.json",
            "  --sparse              Parquet (row, col, value) of the elements that are not exactly zero",
            "  --verify N            check N sampled rows (or columns) against central differences",
            "  --master URL          Spark master (default: spark.master, else local[*])",
            "  --parallelism N       partitions to run the blocks in (default: 3 x the default parallelism)",
            "  --overwrite           replace a previous Jacobian output in DIR",
            "  --allow-paths-outside-spec  let the spec name .npy and graph files outside its directory",
            "  --help                show this help",
            "",
            "Exit codes: 0 done (and verified), 1 verification failed, 2 usage or spec error,",
            "            3 the run failed (nothing written).");

    private JacobianCli() {}

    static final class UsageException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /** Parsed arguments (after the {@code jacobian} word). */
    static final class Args {
        String spec;
        Path out;
        JacobianJob.Mode mode = JacobianJob.Mode.AUTO;
        Integer block;
        JacobianJob.Format format = JacobianJob.Format.PARQUET;
        boolean sparse;
        Integer verify;
        String master;
        Integer parallelism;
        boolean overwrite;
        boolean allowPathsOutsideSpec;
        boolean help;
    }

    static Args parse(String[] argv) {
        Args a = new Args();
        if (Arrays.asList(argv).contains("--help") || Arrays.asList(argv).contains("-h")) {
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
            switch (flag) {
                case "--overwrite":
                case "--sparse":
                case SpecOptions.ALLOW_PATHS_FLAG:
                    if (inline != null) {
                        throw new UsageException(flag + " takes no value");
                    }
                    if (flag.equals("--sparse")) {
                        a.sparse = true;
                    } else if (flag.equals("--overwrite")) {
                        a.overwrite = true;
                    } else {
                        a.allowPathsOutsideSpec = true;
                    }
                    break;
                case "--out":
                case "--mode":
                case "--block":
                case "--format":
                case "--verify":
                case "--master":
                case "--parallelism": {
                    String v = org.gradaudit.jobs.Main.flagValue(flag, inline, argv, i, UsageException::new);
                    if (inline == null) {
                        i++;
                    }
                    switch (flag) {
                        case "--out": a.out = Paths.get(v); break;
                        case "--master": a.master = v; break;
                        case "--block": a.block = positive(flag, v); break;
                        case "--parallelism": a.parallelism = positive(flag, v); break;
                        case "--verify": a.verify = nonNegative(flag, v); break;
                        case "--mode":
                            switch (v) {
                                case "rows": a.mode = JacobianJob.Mode.ROWS; break;
                                case "columns": a.mode = JacobianJob.Mode.COLUMNS; break;
                                case "auto": a.mode = JacobianJob.Mode.AUTO; break;
                                default: throw new UsageException("--mode: expected rows, columns or auto, got '" + v + "'");
                            }
                            break;
                        default:
                            switch (v) {
                                case "parquet": a.format = JacobianJob.Format.PARQUET; break;
                                case "npy": a.format = JacobianJob.Format.NPY; break;
                                default: throw new UsageException("--format: expected parquet or npy, got '" + v + "'");
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
            throw new UsageException("jacobian: missing SPEC (a JSON Jacobian spec file)");
        }
        if (a.sparse && a.format == JacobianJob.Format.NPY) {
            throw new UsageException("--sparse writes a Parquet (row, col, value) table; it cannot be combined with"
                    + " --format npy");
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

    private static int nonNegative(String flag, String v) {
        try {
            int n = Integer.parseInt(v);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException(flag + ": expected a non-negative integer, got '" + v + "'");
    }

    /** {@code argv[0]} is {@code jacobian}. Returns the exit code; prints the summary on {@code out}. */
    public static int run(String[] argv, PrintStream out, PrintStream err) {
        Args a;
        JacobianSpec spec;
        JacobianJob.Prepared prepared;
        SparkConf conf = new SparkConf();
        JacobianJob.Options options;
        try {
            a = parse(argv);
            if (a.help) {
                out.println(USAGE);
                return EXIT_OK;
            }
            if (a.master != null) {
                conf.setMaster(a.master);
            }
            applyDefaultsFile(conf);
            conf.setIfMissing("spark.master", "local[*]");
            spec = JacobianSpec.read(Paths.get(a.spec),
                    new SpecOptions(a.allowPathsOutsideSpec, SpecOptions.maxInputBytes(conf)));
            if (a.verify != null) {
                spec = spec.withVerifySamples(a.verify);
            }
            if (a.out != null) {
                JacobianJob.OutputDir.check(a.out, a.overwrite);
            }
            conf.setIfMissing("spark.app.name", "gradaudit jacobian " + spec.name());
            Integer parallelism = a.parallelism != null ? a.parallelism : confPositive(conf, "spark.gradaudit.parallelism");
            options = new JacobianJob.Options(a.mode, a.block, a.format, a.sparse, parallelism,
                    confBytes(conf, JacobianJob.TASK_BYTES_KEY, JacobianJob.DEFAULT_TASK_BYTES, 1),
                    confBytes(conf, JacobianJob.MAX_DRIVER_BYTES_KEY, JacobianJob.DEFAULT_MAX_DRIVER_BYTES, 0),
                    a.overwrite, err);
            prepared = JacobianJob.prepare(spec);
            JacobianJob.validate(prepared, options, spec.verify().samples());
        } catch (UsageException e) {
            err.println("gradaudit jacobian: " + e.getMessage());
            err.println("Run 'gradaudit jacobian --help' for usage.");
            return EXIT_USAGE;
        } catch (IllegalStateException | IllegalArgumentException | UncheckedIOException e) {   // SpecException too
            err.println("gradaudit jacobian: " + e.getMessage());
            return EXIT_USAGE;
        } catch (RuntimeException e) {
            LOG.error("jacobian: preparing {} failed", argv.length > 1 ? argv[1] : "", e);
            err.println("gradaudit jacobian: preparing the Jacobian failed; nothing was written: " + e);
            return EXIT_RUN_FAILED;
        }

        SparkSession spark = null;
        JacobianReport report;
        try {
            spark = SparkSession.builder().config(conf).getOrCreate();
            report = JacobianJob.run(spark, prepared, options, a.out);
        } catch (Exception e) {      // also SparkException: checked, but thrown through Scala undeclared
            LOG.error("jacobian {} failed", spec.name(), e);
            err.println("gradaudit jacobian: the Jacobian of " + spec.source() + " failed; nothing was written: " + e);
            return EXIT_RUN_FAILED;
        } finally {
            if (spark != null) {
                spark.stop();
            }
        }
        out.print(report.summaryText());
        return report.exitCode();
    }

    private static Integer confPositive(SparkConf conf, String key) {
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
        throw new UsageException("Spark configuration " + key + ": expected a positive integer, got '" + v + "'");
    }

    /** A size in bytes ({@code 67108864}, {@code 64m}, {@code 1g}: Spark's byte strings). */
    static long confBytes(SparkConf conf, String key, long dflt, long min) {
        if (!conf.contains(key)) {
            return dflt;
        }
        String v = conf.get(key).trim();
        long b;
        try {
            b = conf.getSizeAsBytes(key);
        } catch (RuntimeException e) {
            throw new UsageException("Spark configuration " + key + ": expected a size in bytes (e.g. 67108864, 64m,"
                    + " 1g), got '" + v + "'");
        }
        if (b < min) {
            throw new UsageException("Spark configuration " + key + ": expected at least " + min + " bytes, got '" + v
                    + "'");
        }
        return b;
    }

    /** The audit's defaults file (see {@link org.gradaudit.jobs.Main#applyDefaultsFile}), as a usage error. */
    private static void applyDefaultsFile(SparkConf conf) {
        try {
            org.gradaudit.jobs.Main.applyDefaultsFile(conf);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }
}
