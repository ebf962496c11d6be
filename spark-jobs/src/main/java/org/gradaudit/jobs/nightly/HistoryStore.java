package org.gradaudit.jobs.nightly;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The nightly history table: Parquet files of {@link HistoryRow}s under
 * {@code DIR/runDate=YYYY-MM-DD/runId=ID/}, one leaf directory per run.
 *
 * <p>A run's rows are written all or nothing: Spark writes them into a hidden staging directory
 * ({@code DIR/.staging-UUID/}, which Spark's partition discovery ignores); only when that write
 * is complete is the staging directory renamed to the run's leaf. When the leaf already exists (a
 * rerun of the same run id) it is first renamed to a hidden {@code DIR/.replaced-UUID/} and
 * deleted after the swap, so a rerun replaces its partition and never duplicates it. Each hidden
 * directory holds a marker {@code _gradaudit_target} naming its leaf. The only non-atomic moment
 * is between the two renames of a replacement; if the process dies there, {@link #recover} (run
 * at the start of every nightly) moves the replaced directory back. If the swap throws, it is
 * rolled back the same way at once.
 *
 * <p>Reads pass the bean schema, so the partition columns are strings whatever their values look
 * like (no date or integer inference), and files written by an older row layout read with nulls
 * for new columns.
 */
public final class HistoryStore {
    private static final Logger LOG = LoggerFactory.getLogger(HistoryStore.class);

    static final String MARKER = "_gradaudit_target";
    static final String STAGING = ".staging-";
    static final String REPLACED = ".replaced-";
    /** Run ids become directory names: letters, digits, '.', '_' and '-', not starting with '.' or '_'. */
    static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    public static final Encoder<HistoryRow> ENCODER = Encoders.bean(HistoryRow.class);

    /** Where a test makes the write fail; production code passes {@link #NO_FAULT}. */
    interface FaultPoint {
        /** Called with "staged" once the staging directory is complete, "moved-old" between the two renames. */
        void at(String point);
    }

    static final FaultPoint NO_FAULT = p -> { };

    /**
     * Test hook: system property {@value #FAULT_PROPERTY} = {@code halt:staged} or
     * {@code halt:moved-old} halts the JVM at that point, as a killed driver would (exit status 137).
     */
    static final String FAULT_PROPERTY = "gradaudit.test.historyFault";

    /** {@link #NO_FAULT}, or the halt requested by {@value #FAULT_PROPERTY}. */
    static FaultPoint faultFromSystemProperty() {
        String f = System.getProperty(FAULT_PROPERTY);
        if (f == null || !f.startsWith("halt:")) {
            return NO_FAULT;
        }
        String point = f.substring("halt:".length());
        return p -> {
            if (p.equals(point)) {
                System.err.println("gradaudit nightly: " + FAULT_PROPERTY + ": halting the JVM at " + p);
                System.err.flush();
                Runtime.getRuntime().halt(137);
            }
        };
    }

    private final Path dir;

    public HistoryStore(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    public Path dir() { return dir; }

    /** The leaf directory of one run. */
    public Path leaf(String runDate, String runId) {
        return dir.resolve("runDate=" + runDate).resolve("runId=" + runId);
    }

    /** The bean schema (partition columns included, as strings). */
    public static StructType schema() {
        return ENCODER.schema();
    }

    /**
     * Checks {@code dir} can hold a history: absent (created on the first write) or a directory
     * whose visible entries are all {@code runDate=...} directories. Throws
     * {@link NightlyUsageException} naming the directory otherwise.
     */
    public void validate(String flag) {
        if (!Files.exists(dir)) {
            return;
        }
        if (!Files.isDirectory(dir)) {
            throw new NightlyUsageException(flag + ": " + dir + " exists and is not a directory");
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if (n.startsWith(".") || n.startsWith("_")) {
                    continue;
                }
                if (!n.startsWith("runDate=") || !Files.isDirectory(p)) {
                    throw new NightlyUsageException(flag + ": " + dir + " is not a gradaudit nightly history: it holds '"
                            + n + "' (expected only runDate=YYYY-MM-DD directories); choose an empty or new directory");
                }
            }
        } catch (IOException e) {
            throw new NightlyUsageException(flag + ": cannot list " + dir + ": " + e);
        }
    }

    /**
     * Finishes or undoes writes a crashed process left behind: a replaced leaf whose new leaf never
     * arrived is moved back; every other hidden staging or replaced directory is deleted. Returns
     * the leaves it restored.
     */
    public List<Path> recover() {
        List<Path> restored = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return restored;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if (n.startsWith(REPLACED)) {
                    Path target = target(p);
                    if (target != null && !Files.exists(target)) {
                        Files.createDirectories(target.getParent());
                        Files.move(p, target, StandardCopyOption.ATOMIC_MOVE);
                        Files.deleteIfExists(target.resolve(MARKER));     // the partition as it was
                        LOG.warn("history {}: restored {} replaced by an interrupted write", dir, target);
                        restored.add(target);
                        continue;
                    }
                    deleteTree(p);
                } else if (n.startsWith(STAGING)) {
                    deleteTree(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot recover the history in " + dir + ": " + e.getMessage(), e);
        }
        return restored;
    }

    private Path target(Path hidden) throws IOException {
        Path m = hidden.resolve(MARKER);
        if (!Files.isRegularFile(m)) {
            return null;
        }
        String rel = Files.readString(m, StandardCharsets.UTF_8).trim();
        Path t = dir.resolve(rel).normalize();
        return t.startsWith(dir) && !rel.isEmpty() ? t : null;
    }

    /** Every run's rows (empty when there is no history yet). */
    public Dataset<HistoryRow> read(SparkSession spark) {
        if (!hasData()) {
            return spark.createDataset(new ArrayList<>(), ENCODER);
        }
        return spark.read().schema(schema()).option("basePath", dir.toUri().toString())
                .parquet(dir.toUri().toString()).as(ENCODER);
    }

    private boolean hasData() {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (var s = Files.walk(dir, 3)) {
            return s.anyMatch(p -> p.getFileName().toString().endsWith(".parquet")
                    && dir.relativize(p).getName(0).toString().startsWith("runDate="));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the history in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The run dates and ids present, as "runDate/runId". */
    public List<String> runs() {
        List<String> r = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return r;
        }
        try (DirectoryStream<Path> dates = Files.newDirectoryStream(dir, "runDate=*")) {
            for (Path d : dates) {
                try (DirectoryStream<Path> ids = Files.newDirectoryStream(d, "runId=*")) {
                    for (Path i : ids) {
                        r.add(d.getFileName().toString().substring(8) + "/" + i.getFileName().toString().substring(6));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the history in " + dir + ": " + e.getMessage(), e);
        }
        r.sort(null);
        return r;
    }

    /** A run's rows written into a hidden staging directory, not yet visible in the history. */
    public static final class Staged {
        final Path staging;
        final Path leaf;

        Staged(Path staging, Path leaf) {
            this.staging = staging;
            this.leaf = leaf;
        }

        public Path leaf() { return leaf; }
    }

    /** Writes the rows of one run (all of the same runDate and runId) into a staging directory. */
    public Staged stage(SparkSession spark, List<HistoryRow> rows, String runDate, String runId) {
        return stage(spark, rows, runDate, runId, NO_FAULT);
    }

    Staged stage(SparkSession spark, List<HistoryRow> rows, String runDate, String runId, FaultPoint fault) {
        if (!RUN_ID.matcher(runId).matches()) {
            throw new IllegalArgumentException("run id '" + runId + "' must match " + RUN_ID.pattern());
        }
        for (HistoryRow r : rows) {
            if (!runDate.equals(r.getRunDate()) || !runId.equals(r.getRunId())) {
                throw new IllegalArgumentException("row " + r + " is not of run " + runDate + "/" + runId);
            }
        }
        Path leaf = leaf(runDate, runId);
        Path staging = dir.resolve(STAGING + UUID.randomUUID());
        try {
            Files.createDirectories(dir);
            spark.createDataset(rows, ENCODER).drop("runDate", "runId").coalesce(1).write().mode(SaveMode.ErrorIfExists)
                    .parquet(staging.toUri().toString());
            Files.writeString(staging.resolve(MARKER), dir.relativize(leaf).toString(), StandardCharsets.UTF_8);
            fault.at("staged");
            return new Staged(staging, leaf);
        } catch (IOException e) {
            discardQuietly(staging);
            throw new UncheckedIOException("cannot write the history rows of run " + runId + " to " + dir + ": "
                    + e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            discardQuietly(staging);
            throw e;
        }
    }

    /** Drops a staged run (the history is unchanged). */
    public void discard(Staged s) {
        discardQuietly(s.staging);
    }

    /** Makes a staged run visible, replacing the run's previous rows if any. */
    public void commit(Staged s) {
        commit(s, NO_FAULT);
    }

    void commit(Staged s, FaultPoint fault) {
        Path replaced = null;
        boolean swapped = false;
        try {
            Files.createDirectories(s.leaf.getParent());
            if (Files.exists(s.leaf)) {
                // the marker first (Spark ignores '_' files), so that a replaced directory always names its leaf
                Files.writeString(s.leaf.resolve(MARKER), dir.relativize(s.leaf).toString(), StandardCharsets.UTF_8);
                replaced = dir.resolve(REPLACED + UUID.randomUUID());
                Files.move(s.leaf, replaced, StandardCopyOption.ATOMIC_MOVE);
            }
            fault.at("moved-old");
            Files.move(s.staging, s.leaf, StandardCopyOption.ATOMIC_MOVE);
            swapped = true;
            Files.deleteIfExists(s.leaf.resolve(MARKER));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move the history rows into " + s.leaf + ": " + e.getMessage()
                    + "; the history is unchanged", e);
        } finally {
            if (!swapped) {
                discardQuietly(s.staging);
                if (replaced != null) {
                    try {
                        Files.move(replaced, s.leaf, StandardCopyOption.ATOMIC_MOVE);
                        Files.deleteIfExists(s.leaf.resolve(MARKER));
                    } catch (IOException e) {
                        LOG.error("history {}: could not move {} back to {}; the next run restores it", dir, replaced,
                                s.leaf, e);
                    }
                }
            }
        }
        if (replaced != null) {
            discardQuietly(replaced);
        }
    }

    private static void discardQuietly(Path p) {
        try {
            deleteTree(p);
        } catch (IOException e) {
            LOG.warn("could not delete {}: {}", p, e.toString());
        }
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        Files.walkFileTree(p, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
                Files.delete(f);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
