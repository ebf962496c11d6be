package org.gradaudit.jobs.jacobian;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.gradaudit.core.DType;
import org.gradaudit.core.JacobianBlocks;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.Variable;
import org.gradaudit.core.compile.Program;
import org.gradaudit.core.io.Npy;
import org.gradaudit.jobs.audit.SpecException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Jacobian job: J = dy/dx of a {@link JacobianSpec}'s function (y and x flattened: J is m x n)
 * computed in blocks on the executors and streamed to storage.
 *
 * <p>Driver: {@link #prepare} builds the function, compiles its {@link JacobianBlocks} and the
 * forward program, and evaluates y once (m); {@link #plan} picks the direction (rows by batched
 * L-ops, or columns by batched R-ops; {@code auto}: rows when m <= n, the cheaper one) and the
 * block size from a per-task memory budget; the blocks and the point are broadcast once (as
 * Java-serialized bytes, whatever {@code spark.serializer} is). Executors: a block is a pure
 * function of its index, computed by static functions that capture only the broadcast and a small
 * {@link Layout}; they write the block themselves (Parquet rows through Spark SQL, or one
 * {@code .npy} shard per block) into a temporary directory next to the output, which the driver
 * renames into place when everything (and the summary) is complete. Only block metadata, and the
 * few lines sampled for verification, ever come back to the driver.
 */
public final class JacobianJob {
    private static final Logger LOG = LoggerFactory.getLogger(JacobianJob.class);

    /** Spark configuration keys (the CLI reads them; command-line options win). */
    public static final String TASK_BYTES_KEY = "spark.gradaudit.jacobian.taskBytes";
    public static final String MAX_DRIVER_BYTES_KEY = "spark.gradaudit.jacobian.maxDriverBytes";
    public static final long DEFAULT_TASK_BYTES = 64L << 20;
    public static final long DEFAULT_MAX_DRIVER_BYTES = 256L << 20;
    /**
     * Bytes per element of a block line, as a multiple of 8: the one-hot seeds, the batched
     * intermediates and the result each hold about one (count x max(m, n)) array.
     */
    public static final int INTERMEDIATE_FACTOR = 4;

    /** Output names inside the output directory. */
    public static final String PARQUET_DIR = "jacobian.parquet";
    public static final String BLOCKS_DIR = "blocks";
    public static final String MANIFEST = "manifest.json";
    public static final String SUMMARY = "summary.json";

    private JacobianJob() {}

    public enum Mode {
        ROWS, COLUMNS, AUTO;

        public String label() { return name().toLowerCase(Locale.ROOT); }
    }

    public enum Format {
        PARQUET, NPY;

        public String label() { return name().toLowerCase(Locale.ROOT); }
    }

    /** How to run: direction, block size, output format; immutable. */
    public static final class Options {
        public static final Options DEFAULTS = new Options(Mode.AUTO, null, Format.PARQUET, false, null,
                DEFAULT_TASK_BYTES, DEFAULT_MAX_DRIVER_BYTES, false, null);

        private final Mode mode;
        private final Integer block;
        private final Format format;
        private final boolean sparse;
        private final Integer parallelism;
        private final long taskBytes;
        private final long maxDriverBytes;
        private final boolean overwrite;
        private final PrintStream progress;

        public Options(Mode mode, Integer block, Format format, boolean sparse, Integer parallelism, long taskBytes,
                long maxDriverBytes, boolean overwrite, PrintStream progress) {
            if (block != null && block < 1) {
                throw new IllegalArgumentException("block must be a positive number of lines, got " + block);
            }
            if (parallelism != null && parallelism < 1) {
                throw new IllegalArgumentException("parallelism must be positive, got " + parallelism);
            }
            if (taskBytes < 1 || maxDriverBytes < 0) {
                throw new IllegalArgumentException("taskBytes must be positive and maxDriverBytes non-negative, got "
                        + taskBytes + " and " + maxDriverBytes);
            }
            this.mode = mode;
            this.block = block;
            this.format = format;
            this.sparse = sparse;
            this.parallelism = parallelism;
            this.taskBytes = taskBytes;
            this.maxDriverBytes = maxDriverBytes;
            this.overwrite = overwrite;
            this.progress = progress;
        }

        public Mode mode() { return mode; }
        public Integer block() { return block; }
        public Format format() { return format; }
        public boolean sparse() { return sparse; }
        public Integer parallelism() { return parallelism; }
        public long taskBytes() { return taskBytes; }
        public long maxDriverBytes() { return maxDriverBytes; }
        public boolean overwrite() { return overwrite; }
        /** Where the plan line goes (stderr in the CLI); null: nowhere. */
        public PrintStream progress() { return progress; }

        public Options withMode(Mode m) { return new Options(m, block, format, sparse, parallelism, taskBytes, maxDriverBytes, overwrite, progress); }
        public Options withBlock(Integer b) { return new Options(mode, b, format, sparse, parallelism, taskBytes, maxDriverBytes, overwrite, progress); }
        public Options withFormat(Format f) { return new Options(mode, block, f, sparse, parallelism, taskBytes, maxDriverBytes, overwrite, progress); }
        public Options withSparse(boolean s) { return new Options(mode, block, format, s, parallelism, taskBytes, maxDriverBytes, overwrite, progress); }
        public Options withParallelism(Integer p) { return new Options(mode, block, format, sparse, p, taskBytes, maxDriverBytes, overwrite, progress); }
        public Options withTaskBytes(long t) { return new Options(mode, block, format, sparse, parallelism, t, maxDriverBytes, overwrite, progress); }
        public Options withMaxDriverBytes(long d) { return new Options(mode, block, format, sparse, parallelism, taskBytes, d, overwrite, progress); }
        public Options withOverwrite(boolean o) { return new Options(mode, block, format, sparse, parallelism, taskBytes, maxDriverBytes, o, progress); }
        public Options withProgress(PrintStream p) { return new Options(mode, block, format, sparse, parallelism, taskBytes, maxDriverBytes, overwrite, p); }
    }

    // ---------------------------------------------------------------- driver: preparation and plan

    /** The function built, compiled and evaluated once on the driver. */
    public static final class Prepared {
        final JacobianSpec spec;
        final Shipped shipped;
        final int[] xShape;
        final int[] yShape;

        Prepared(JacobianSpec spec, Shipped shipped, int[] xShape, int[] yShape) {
            this.spec = spec;
            this.shipped = shipped;
            this.xShape = xShape;
            this.yShape = yShape;
        }

        public JacobianSpec spec() { return spec; }
        /** Rows of J: the size of y. */
        public int m() { return shipped.m; }
        /** Columns of J: the size of x. */
        public int n() { return shipped.n; }
        /** J's dtype: the upcast of y's and x's. */
        public DType dtype() { return shipped.dtype; }
        public int[] xShape() { return xShape.clone(); }
        public int[] yShape() { return yShape.clone(); }
        public JacobianBlocks blocks() { return shipped.blocks; }
        public List<NDArray> point() { return List.of(shipped.point); }
    }

    /**
     * Builds the spec's function over its symbolic inputs, compiles the block programs and the
     * forward program, and evaluates y at the point. A function that cannot be built or evaluated,
     * or whose output is not a float tensor, is a {@link SpecException} naming {@code function}.
     */
    public static Prepared prepare(JacobianSpec spec) {
        List<NDArray> point = spec.points();
        List<Variable> vars = spec.function().symbolicInputs();
        Variable x = vars.get(spec.wrtIndex());
        Variable y;
        JacobianBlocks blocks;
        Program forward;
        NDArray y0;
        try {
            y = spec.function().symbolicFunction().apply(vars);
            if (y == null || !y.isTensor() || !y.dtype().isFloat()) {
                throw new SpecException(spec.source(), "function", "the output is "
                        + (y == null ? "null" : y.type().toString()) + "; a Jacobian needs a float tensor output");
            }
            blocks = JacobianBlocks.of(vars, y, x);
            forward = org.gradaudit.core.Function.compile(vars, y).program();
            y0 = forward.run(point.toArray(new NDArray[0]))[0];
        } catch (SpecException e) {
            throw e;
        } catch (IllegalArgumentException | IllegalStateException | UnsupportedOperationException e) {
            throw new SpecException(spec.source(), "function", "cannot build or evaluate the function at the point: "
                    + e.getMessage(), e);
        }
        NDArray xv = point.get(spec.wrtIndex());
        DType dtype = DType.upcast(y.dtype(), x.dtype());
        Shipped s = new Shipped(blocks, forward, point.toArray(new NDArray[0]), spec.wrtIndex(), y0.size(), xv.size(),
                dtype);
        return new Prepared(spec, s, xv.shape(), y0.shape());
    }

    /** What will run: direction, block size, blocks and partitions. */
    public static final class Plan implements Serializable {
        private static final long serialVersionUID = 1L;
        final Mode mode;
        final String modeReason;
        final int block;
        final String blockSource;
        final int blocks;
        final int partitions;
        final int lines;

        Plan(Mode mode, String modeReason, int block, String blockSource, int blocks, int partitions, int lines) {
            this.mode = mode;
            this.modeReason = modeReason;
            this.block = block;
            this.blockSource = blockSource;
            this.blocks = blocks;
            this.partitions = partitions;
            this.lines = lines;
        }

        public Mode mode() { return mode; }
        public String modeReason() { return modeReason; }
        public int block() { return block; }
        public String blockSource() { return blockSource; }
        public int blocks() { return blocks; }
        public int partitions() { return partitions; }
        /** Rows (rows mode) or columns (columns mode) of J. */
        public int lines() { return lines; }
    }

    /**
     * The direction ({@code auto}: rows when m <= n, since a row block costs about one batched
     * evaluation per {@code block} rows and there are m rows, against n columns), and the block
     * size: {@code --block}, else {@code taskBytes / (max(m, n) * 8 * INTERMEDIATE_FACTOR)},
     * at least 1 and at most the number of lines.
     */
    public static Plan plan(int m, int n, Options o, int defaultParallelism) {
        Mode mode = o.mode();
        String reason;
        if (mode == Mode.AUTO) {
            mode = m <= n ? Mode.ROWS : Mode.COLUMNS;
            reason = "auto: " + (m <= n ? "m <= n" : "m > n");
        } else {
            reason = "--mode " + mode.label();
        }
        int lines = mode == Mode.ROWS ? m : n;
        long perLine = Math.max(1L, Math.max(m, n)) * 8L * INTERMEDIATE_FACTOR;
        int block;
        String source;
        if (o.block() != null) {
            block = o.block();
            source = "--block";
        } else {
            block = (int) Math.max(1, Math.min(Integer.MAX_VALUE, o.taskBytes() / perLine));
            source = TASK_BYTES_KEY + " = " + o.taskBytes();
        }
        block = Math.max(1, Math.min(block, Math.max(lines, 1)));
        int blocks = lines == 0 ? 0 : (lines + block - 1) / block;
        int want = o.parallelism() != null ? o.parallelism() : Math.max(1, defaultParallelism) * 3;
        int partitions = Math.max(1, Math.min(blocks, want));
        return new Plan(mode, reason, block, source, blocks, partitions, lines);
    }

    /**
     * Checks that the options fit the prepared function before anything runs: {@code --sparse}
     * only with Parquet, and the verified lines within {@code maxDriverBytes}.
     */
    public static void validate(Prepared p, Options o, int verifySamples) {
        if (o.sparse() && o.format() == Format.NPY) {
            throw new IllegalArgumentException("--sparse writes a Parquet (row, col, value) table; it cannot be"
                    + " combined with --format npy");
        }
        if (verifySamples > 0) {
            Plan plan = plan(p.m(), p.n(), o, 1);
            long lineLength = plan.mode == Mode.ROWS ? p.n() : p.m();
            long bytes = 2L * Math.min(verifySamples, plan.lines) * lineLength * 8;
            if (bytes > o.maxDriverBytes()) {
                throw new IllegalArgumentException("--verify " + verifySamples + " brings " + bytes + " bytes of "
                        + plan.mode.label() + " to the driver, more than " + MAX_DRIVER_BYTES_KEY + " = "
                        + o.maxDriverBytes() + "; verify fewer lines or raise the limit");
            }
        }
    }

    // ---------------------------------------------------------------- driver: run

    /** Runs the job; {@code out} null computes every block and writes nothing (timing, verification). */
    public static JacobianReport run(SparkSession spark, JacobianSpec spec, Options options, Path out) {
        return run(spark, prepare(spec), options, out);
    }

    /**
     * Runs the job and writes {@code out} all or nothing: everything goes into a temporary directory
     * next to {@code out}, renamed into place at the end; on any failure the temporary directory is
     * deleted and {@code out} is untouched.
     */
    public static JacobianReport run(SparkSession spark, Prepared p, Options options, Path out) {
        JacobianSpec spec = p.spec;
        int samples = spec.verify().samples();
        validate(p, options, samples);
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Plan plan = plan(p.m(), p.n(), options, jsc.defaultParallelism());
        Layout layout = new Layout(plan.mode, plan.lines, plan.block, p.m(), p.n());
        OutputDir dir = out == null ? null : OutputDir.prepare(out, options.overwrite());
        if (options.progress() != null) {
            options.progress().printf(Locale.ROOT, "gradaudit jacobian: J is %d x %d (%s), %s (%s), block %d (%s), %d"
                    + " blocks in %d partitions%n", p.m(), p.n(), p.dtype(), plan.mode.label(), plan.modeReason,
                    plan.block, plan.blockSource, plan.blocks, plan.partitions);
        }
        Broadcast<Payload> bc = jsc.broadcast(Payload.of(p.shipped));
        String group = "gradaudit-jacobian-" + java.util.UUID.randomUUID();
        try {
            jsc.setJobGroup(group, "gradaudit jacobian " + spec.name() + ": " + plan.blocks + " blocks of "
                    + plan.block + " " + plan.mode.label(), true);
            List<Integer> indices = new ArrayList<>();
            for (int b = 0; b < plan.blocks; b++) {
                indices.add(b);
            }
            JavaRDD<Integer> blocks = jsc.parallelize(indices, plan.partitions);
            long t0 = System.nanoTime();
            Long nonZeros = null;
            List<BlockMeta> metas = new ArrayList<>();
            String format = out == null ? "none" : options.format().label();
            if (out == null) {
                metas.addAll(blocks.map(new MeasureBlock(bc, layout)).collect());
            } else if (options.format() == Format.NPY) {
                Path shards = dir.tmp().resolve(BLOCKS_DIR);
                Files.createDirectories(shards);
                metas.addAll(blocks.map(new WriteShard(bc, layout, shards.toString())).collect());
            } else {
                String target = dir.tmp().resolve(PARQUET_DIR).toUri().toString();
                if (options.sparse()) {
                    spark.createDataFrame(blocks.flatMap(new SparseEntries(bc, layout)), SPARSE_SCHEMA)
                            .write().mode(SaveMode.ErrorIfExists).parquet(target);
                    nonZeros = spark.read().parquet(target).count();
                } else {
                    spark.createDataFrame(blocks.flatMap(new DenseLines(bc, layout)), denseSchema(plan.mode))
                            .write().mode(SaveMode.ErrorIfExists).parquet(target);
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (!metas.isEmpty()) {
                metas.sort((a, b) -> Integer.compare(a.index, b.index));
                long nz = 0;
                for (BlockMeta m : metas) {
                    nz += m.nonZeros;
                }
                nonZeros = nz;
            }
            Verification verification = null;
            if (samples > 0) {
                jsc.setJobGroup(group, "gradaudit jacobian " + spec.name() + ": verifying " + samples + " "
                        + plan.mode.label(), true);
                verification = Verification.run(jsc, bc, layout, p, plan.partitions);
            }
            JacobianReport report = new JacobianReport(spec.source(), spec.name(), spec.describeFunction(), spec.wrt(),
                    p.m(), p.n(), p.xShape, p.yShape, p.dtype().numpyName(), plan, format,
                    options.sparse(), nonZeros, seconds, 0L, out == null ? null : out.toAbsolutePath().toString(),
                    "spark " + spark.sparkContext().master(), verification);
            if (dir != null) {
                if (options.format() == Format.NPY) {
                    Files.writeString(dir.tmp().resolve(MANIFEST), Manifest.toJson(p, plan, npyDtype(p.dtype()), metas),
                            StandardCharsets.UTF_8);
                }
                report = report.withBytesWritten(OutputDir.size(dir.tmp()));
                Files.writeString(dir.tmp().resolve(SUMMARY), report.toJson(), StandardCharsets.UTF_8);
                dir.commit();
                dir = null;
            }
            return report;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the Jacobian to " + out + ": " + e.getMessage(), e);
        } finally {
            jsc.clearJobGroup();
            if (dir != null) {
                // tasks of a failed job may still be running (a failed stage does not wait for its other
                // tasks): stop them before deleting, or a late task would write into the deleted directory
                quiesce(jsc, group);
                dir.abort();
            }
            bc.destroy();
        }
    }

    /** Cancels the job group and waits (at most 60 s) until none of its tasks runs any more. */
    static void quiesce(JavaSparkContext jsc, String group) {
        jsc.cancelJobGroup(group);
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            boolean busy = false;
            for (int job : jsc.statusTracker().getJobIdsForGroup(group)) {
                org.apache.spark.SparkJobInfo info = jsc.statusTracker().getJobInfo(job);
                if (info == null) {
                    continue;
                }
                for (int stage : info.stageIds()) {
                    org.apache.spark.SparkStageInfo si = jsc.statusTracker().getStageInfo(stage);
                    busy |= si != null && si.numActiveTasks() > 0;
                }
            }
            if (!busy) {
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        LOG.warn("tasks of {} still running after 60 s; deleting the temporary output anyway", group);
    }

    /**
     * J as one (m, n) array on the driver, computed block by block on the executors: for functions
     * small enough to hold, refused above {@code maxDriverBytes}.
     */
    public static NDArray collect(SparkSession spark, Prepared p, Options options) {
        long bytes = (long) p.m() * p.n() * 8;
        if (bytes > options.maxDriverBytes()) {
            throw new IllegalArgumentException("J is " + p.m() + " x " + p.n() + " (" + bytes + " bytes), more than "
                    + MAX_DRIVER_BYTES_KEY + " = " + options.maxDriverBytes() + "; write it with --out instead");
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Plan plan = plan(p.m(), p.n(), options, jsc.defaultParallelism());
        Layout layout = new Layout(plan.mode, plan.lines, plan.block, p.m(), p.n());
        Broadcast<Payload> bc = jsc.broadcast(Payload.of(p.shipped));
        try {
            List<Integer> indices = new ArrayList<>();
            for (int b = 0; b < plan.blocks; b++) {
                indices.add(b);
            }
            List<LineBlock> parts = jsc.parallelize(indices, plan.partitions).map(new ComputeBlock(bc, layout)).collect();
            double[] d = new double[Math.multiplyExact(p.m(), p.n())];
            for (LineBlock lb : parts) {
                layout.scatter(lb.start, lb.count, lb.values, d);
            }
            return NDArray.wrap(p.dtype(), new int[] {p.m(), p.n()}, d);
        } finally {
            bc.destroy();
        }
    }

    static DType npyDtype(DType d) {
        return d == DType.FLOAT16 ? DType.FLOAT32 : d;   // .npy writing supports float32 and float64
    }

    static final StructType SPARSE_SCHEMA = new StructType()
            .add("row", DataTypes.LongType, false)
            .add("col", DataTypes.LongType, false)
            .add("value", DataTypes.DoubleType, false);

    /** Rows mode: (row, values = J[row, :]); columns mode: (col, values = J[:, col]). */
    static StructType denseSchema(Mode mode) {
        return new StructType()
                .add(mode == Mode.ROWS ? "row" : "col", DataTypes.LongType, false)
                .add("values", DataTypes.createArrayType(DataTypes.DoubleType, false), false);
    }

    // ---------------------------------------------------------------- shipped data and block layout

    /** What the executors need: the block programs, the forward program and the point. */
    static final class Shipped implements Serializable {
        private static final long serialVersionUID = 1L;
        final JacobianBlocks blocks;
        final Program forward;
        final NDArray[] point;
        final int wrt;
        final int m;
        final int n;
        final DType dtype;

        Shipped(JacobianBlocks blocks, Program forward, NDArray[] point, int wrt, int m, int n, DType dtype) {
            this.blocks = blocks;
            this.forward = forward;
            this.point = point;
            this.wrt = wrt;
            this.m = m;
            this.n = n;
            this.dtype = dtype;
        }
    }

    /**
     * The broadcast: {@link Shipped} Java-serialized once on the driver and read once per executor
     * JVM. Kept as bytes so that a Kryo {@code spark.serializer} never handles the core's programs
     * (Kryo skips their {@code readObject} hooks).
     */
    static final class Payload implements Serializable {
        private static final long serialVersionUID = 1L;
        private final byte[] bytes;
        private transient volatile Shipped shipped;

        private Payload(byte[] bytes, Shipped shipped) {
            this.bytes = bytes;
            this.shipped = shipped;
        }

        static Payload of(Shipped s) {
            java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
            try (java.io.ObjectOutputStream o = new java.io.ObjectOutputStream(b)) {
                o.writeObject(s);
            } catch (IOException e) {
                throw new IllegalStateException("cannot serialize the Jacobian programs: " + e, e);
            }
            return new Payload(b.toByteArray(), s);
        }

        int size() { return bytes.length; }

        Shipped get() {
            Shipped s = shipped;
            if (s == null) {
                synchronized (this) {
                    s = shipped;
                    if (s == null) {
                        s = read();
                        shipped = s;
                    }
                }
            }
            return s;
        }

        private Shipped read() {
            ClassLoader cl = Thread.currentThread().getContextClassLoader();
            try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes)) {
                @Override
                protected Class<?> resolveClass(java.io.ObjectStreamClass d) throws IOException, ClassNotFoundException {
                    try {
                        return Class.forName(d.getName(), false, cl != null ? cl : JacobianJob.class.getClassLoader());
                    } catch (ClassNotFoundException e) {
                        return super.resolveClass(d);
                    }
                }
            }) {
                return (Shipped) in.readObject();
            } catch (IOException | ClassNotFoundException e) {
                throw new IllegalStateException("cannot deserialize the Jacobian programs on this executor: " + e, e);
            }
        }
    }

    /** Which lines block b holds, and how a block's values map into J. */
    static final class Layout implements Serializable {
        private static final long serialVersionUID = 1L;
        final Mode mode;
        final int lines;
        final int block;
        final int m;
        final int n;

        Layout(Mode mode, int lines, int block, int m, int n) {
            this.mode = mode;
            this.lines = lines;
            this.block = block;
            this.m = m;
            this.n = n;
        }

        int start(int b) { return b * block; }

        int count(int b) { return Math.min(block, lines - b * block); }

        /** Block b: (count, n) rows or (m, count) columns, row-major. */
        NDArray compute(Shipped s, int b) {
            int start = start(b);
            int count = count(b);
            NDArray r = mode == Mode.ROWS ? s.blocks.rows(s.point, start, count) : s.blocks.columns(s.point, start, count);
            int[] want = mode == Mode.ROWS ? new int[] {count, n} : new int[] {m, count};
            if (!Arrays.equals(r.shape(), want)) {
                throw new IllegalStateException("block " + b + " (" + mode.label() + " [" + start + ", "
                        + (start + count) + ")) has shape " + Arrays.toString(r.shape()) + ", expected "
                        + Arrays.toString(want));
            }
            return r;
        }

        /** Line k (0 <= k < count) of a block's values: a row of J, or a column of J. */
        double[] line(double[] values, int count, int k) {
            if (mode == Mode.ROWS) {
                return Arrays.copyOfRange(values, k * n, (k + 1) * n);
            }
            double[] c = new double[m];
            for (int i = 0; i < m; i++) {
                c[i] = values[i * count + k];
            }
            return c;
        }

        /** Copies a block's values into the row-major (m, n) array {@code j}. */
        void scatter(int start, int count, double[] values, double[] j) {
            if (mode == Mode.ROWS) {
                System.arraycopy(values, 0, j, start * n, count * n);
            } else {
                for (int i = 0; i < m; i++) {
                    System.arraycopy(values, i * count, j, i * n + start, count);
                }
            }
        }
    }

    /** A block's metadata, returned to the driver (never the values). */
    static final class BlockMeta implements Serializable {
        private static final long serialVersionUID = 1L;
        final int index;
        final int start;
        final int count;
        final long nonZeros;
        final String file;
        final String sha256;
        final long bytes;

        BlockMeta(int index, int start, int count, long nonZeros, String file, String sha256, long bytes) {
            this.index = index;
            this.start = start;
            this.count = count;
            this.nonZeros = nonZeros;
            this.file = file;
            this.sha256 = sha256;
            this.bytes = bytes;
        }
    }

    /** A block's values (for {@link #collect} only). */
    static final class LineBlock implements Serializable {
        private static final long serialVersionUID = 1L;
        final int start;
        final int count;
        final double[] values;

        LineBlock(int start, int count, double[] values) {
            this.start = start;
            this.count = count;
            this.values = values;
        }
    }

    static long nonZeros(double[] d) {
        long nz = 0;
        for (double v : d) {
            if (v != 0) {
                nz++;
            }
        }
        return nz;
    }

    // ---------------------------------------------------------------- executors

    /** Computes a block and returns only its metadata (no output). */
    static final class MeasureBlock implements Function<Integer, BlockMeta> {
        private static final long serialVersionUID = 1L;
        private final Broadcast<Payload> bc;
        private final Layout layout;

        MeasureBlock(Broadcast<Payload> bc, Layout layout) {
            this.bc = bc;
            this.layout = layout;
        }

        @Override
        public BlockMeta call(Integer b) {
            NDArray v = layout.compute(bc.value().get(), b);
            return new BlockMeta(b, layout.start(b), layout.count(b), nonZeros(v.unsafeData()), null, null, 0);
        }
    }

    /** Computes a block and returns its values (for {@link #collect}). */
    static final class ComputeBlock implements Function<Integer, LineBlock> {
        private static final long serialVersionUID = 1L;
        private final Broadcast<Payload> bc;
        private final Layout layout;

        ComputeBlock(Broadcast<Payload> bc, Layout layout) {
            this.bc = bc;
            this.layout = layout;
        }

        @Override
        public LineBlock call(Integer b) {
            NDArray v = layout.compute(bc.value().get(), b);
            return new LineBlock(layout.start(b), layout.count(b), v.toDoubleArray());
        }
    }

    /** The shard file name of block b. */
    static String shardName(int b) {
        return String.format(Locale.ROOT, "block-%06d.npy", b);
    }

    /**
     * Computes a block and writes it as one {@code .npy} shard into the (existing) shard directory:
     * a hidden temporary file, then an atomic rename, so a retried or speculative attempt replaces
     * the shard with identical bytes. The directory is never created here: after a failed run the
     * driver deletes it, and a late task must not bring it back.
     */
    static final class WriteShard implements Function<Integer, BlockMeta> {
        private static final long serialVersionUID = 1L;
        private final Broadcast<Payload> bc;
        private final Layout layout;
        private final String dir;

        WriteShard(Broadcast<Payload> bc, Layout layout, String dir) {
            this.bc = bc;
            this.layout = layout;
            this.dir = dir;
        }

        @Override
        public BlockMeta call(Integer b) throws IOException {
            Shipped s = bc.value().get();
            NDArray v = layout.compute(s, b);
            byte[] bytes = Npy.toBytes(v.astype(npyDtype(v.dtype())));
            Path d = Paths.get(dir);
            String name = shardName(b);
            Path tmp = Files.createTempFile(d, "." + name + ".", ".tmp");
            try {
                Files.write(tmp, bytes);
                Files.move(tmp, d.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
            return new BlockMeta(b, layout.start(b), layout.count(b), nonZeros(v.unsafeData()),
                    BLOCKS_DIR + "/" + name, sha256(bytes), bytes.length);
        }
    }

    static String sha256(byte[] bytes) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(bytes);
            StringBuilder sb = new StringBuilder();
            for (byte x : h) {
                sb.append(String.format(Locale.ROOT, "%02x", x & 0xff));
            }
            return sb.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** A block as Parquet rows: one (index, values) row per line of J in the block. */
    static final class DenseLines implements FlatMapFunction<Integer, Row> {
        private static final long serialVersionUID = 1L;
        private final Broadcast<Payload> bc;
        private final Layout layout;

        DenseLines(Broadcast<Payload> bc, Layout layout) {
            this.bc = bc;
            this.layout = layout;
        }

        @Override
        public Iterator<Row> call(Integer b) {
            double[] v = layout.compute(bc.value().get(), b).unsafeData();
            int start = layout.start(b);
            int count = layout.count(b);
            return new Iterator<>() {
                private int k;

                @Override
                public boolean hasNext() { return k < count; }

                @Override
                public Row next() {
                    Row r = RowFactory.create((long) start + k, layout.line(v, count, k));
                    k++;
                    return r;
                }
            };
        }
    }

    /** A block as sparse Parquet rows: (row, col, value) for every element that is not exactly zero. */
    static final class SparseEntries implements FlatMapFunction<Integer, Row> {
        private static final long serialVersionUID = 1L;
        private final Broadcast<Payload> bc;
        private final Layout layout;

        SparseEntries(Broadcast<Payload> bc, Layout layout) {
            this.bc = bc;
            this.layout = layout;
        }

        @Override
        public Iterator<Row> call(Integer b) {
            double[] v = layout.compute(bc.value().get(), b).unsafeData();
            int start = layout.start(b);
            int count = layout.count(b);
            boolean rows = layout.mode == Mode.ROWS;
            int width = rows ? layout.n : count;
            return new Iterator<>() {
                private int i = skip(0);

                private int skip(int from) {
                    int k = from;
                    while (k < v.length && v[k] == 0) {       // +0.0 and -0.0; NaN is kept
                        k++;
                    }
                    return k;
                }

                @Override
                public boolean hasNext() { return i < v.length; }

                @Override
                public Row next() {
                    if (i >= v.length) {
                        throw new java.util.NoSuchElementException();
                    }
                    int r = i / width;
                    int c = i % width;
                    Row row = RowFactory.create(rows ? (long) start + r : r, rows ? c : (long) start + c, v[i]);
                    i = skip(i + 1);
                    return row;
                }
            };
        }
    }

    // ---------------------------------------------------------------- output directory

    /**
     * The output directory, written all or nothing: a temporary sibling {@code .NAME.RANDOM.tmp}
     * receives everything; {@link #commit} renames it to the final name (replacing a previous
     * Jacobian output there only with {@code --overwrite}); {@link #abort} deletes it.
     */
    static final class OutputDir {
        private final Path target;
        private final Path tmp;

        private OutputDir(Path target, Path tmp) {
            this.target = target;
            this.tmp = tmp;
        }

        Path tmp() { return tmp; }

        /**
         * Fails (IllegalStateException, before any work) when {@code out} exists and is not an empty
         * directory, unless {@code overwrite} and it holds a previous Jacobian output (a summary.json).
         */
        static void check(Path out, boolean overwrite) {
            if (Files.exists(out) && !Files.isDirectory(out)) {
                throw new IllegalStateException("--out " + out + " exists and is not a directory");
            }
            // the output is written next to DIR and renamed: its parent must be writable
            Path parent = out.toAbsolutePath().normalize().getParent();
            org.gradaudit.jobs.report.ReportSet.checkWritable(out, parent != null ? parent : out);
            if (!Files.isDirectory(out) || isEmpty(out)) {
                return;
            }
            if (!overwrite) {
                throw new IllegalStateException("--out " + out + " exists and is not empty; use --overwrite to replace"
                        + " a previous Jacobian output");
            }
            if (!Files.isRegularFile(out.resolve(SUMMARY))) {
                throw new IllegalStateException("--out " + out + " is not empty and holds no " + SUMMARY + " (not a"
                        + " Jacobian output); refusing to replace it even with --overwrite");
            }
        }

        static OutputDir prepare(Path out, boolean overwrite) {
            check(out, overwrite);
            Path abs = out.toAbsolutePath().normalize();
            Path parent = abs.getParent();
            try {
                Files.createDirectories(parent);
                // not createTempDirectory: its owner-only permissions would stay on the renamed output
                Path tmp = Files.createDirectory(parent.resolve("." + abs.getFileName() + "."
                        + java.util.UUID.randomUUID().toString().substring(0, 8) + ".tmp"));
                return new OutputDir(abs, tmp);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a temporary directory next to " + abs + ": " + e, e);
            }
        }

        void commit() throws IOException {
            Path old = null;
            if (Files.isDirectory(target)) {
                if (isEmpty(target)) {
                    Files.delete(target);
                } else {
                    old = target.resolveSibling("." + target.getFileName() + "." + tmp.getFileName() + ".old");
                    Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
                }
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            if (old != null) {
                deleteTree(old);
            }
        }

        /**
         * Deletes the temporary output. The status tracker can report a cancelled task as finished
         * before its output stream is closed, and a late writer recreates missing parents; so the
         * directory is deleted again whenever it reappears within a short grace period.
         */
        void abort() {
            long deadline = System.nanoTime() + 3_000_000_000L;
            do {
                try {
                    if (Files.exists(tmp)) {
                        deleteTree(tmp);
                    }
                } catch (IOException | UncheckedIOException e) {
                    LOG.debug("retrying the deletion of {}: {}", tmp, e.toString());
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            } while (System.nanoTime() < deadline);
            if (Files.exists(tmp)) {
                LOG.warn("cannot delete the temporary output {}", tmp);
            }
        }

        static boolean isEmpty(Path d) {
            try (java.util.stream.Stream<Path> s = Files.list(d)) {
                return s.findAny().isEmpty();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + d, e);
            }
        }

        /** Total size of the regular files under {@code d}. */
        static long size(Path d) throws IOException {
            try (java.util.stream.Stream<Path> s = Files.walk(d)) {
                long total = 0;
                for (Path p : (Iterable<Path>) s::iterator) {
                    if (Files.isRegularFile(p)) {
                        total += Files.size(p);
                    }
                }
                return total;
            }
        }

        static void deleteTree(Path p) throws IOException {
            if (!Files.exists(p)) {
                return;
            }
            try (java.util.stream.Stream<Path> s = Files.walk(p)) {
                List<Path> all = new ArrayList<>();
                s.forEach(all::add);
                Collections.reverse(all);
                for (Path q : all) {
                    Files.deleteIfExists(q);
                }
            }
        }
    }
}
