package org.gradaudit.jobs.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.spark.sql.SparkSession;
import org.gradaudit.jobs.audit.AuditReport;

/**
 * Writes every report format into an output directory, all or nothing: each output is first
 * written under a hidden temporary name in that directory ({@code .NAME.RANDOM.tmp}); only when
 * all of them are complete are they renamed into place, each with an atomic rename. If any writer
 * fails, every temporary output is deleted and no report file appears (an existing report is
 * untouched). Outputs: {@code report.json}, {@code report.html}, {@code junit.xml} and, given a
 * Spark session, the {@code report.parquet} directory.
 */
public final class ReportSet {
    private ReportSet() {}

    /** One output: its final name in the directory and how to write it to a (non-existent) path. */
    public interface Output {
        String name();

        void writeTo(Path target) throws IOException;
    }

    public static Output text(String name, java.util.function.Supplier<String> content) {
        return new Output() {
            @Override
            public String name() { return name; }

            @Override
            public void writeTo(Path target) throws IOException {
                Files.writeString(target, content.get(), StandardCharsets.UTF_8);
            }
        };
    }

    /** The standard outputs of a report; Parquet only when {@code spark} is not null. */
    public static List<Output> outputs(AuditReport r, SparkSession spark) {
        List<Output> o = new ArrayList<>();
        o.add(text(JsonReportWriter.REPORT_FILE, () -> JsonReportWriter.toJson(r)));
        o.add(text(HtmlReportWriter.FILE, () -> HtmlReportWriter.toHtml(r)));
        o.add(text(JUnitXmlWriter.FILE, () -> JUnitXmlWriter.toXml(r)));
        if (spark != null) {
            o.add(new Output() {
                @Override
                public String name() { return ParquetReportWriter.DIR; }

                @Override
                public void writeTo(Path target) {
                    ParquetReportWriter.write(spark, r, target);
                }
            });
        }
        return o;
    }

    /** The names {@link #outputs} writes. */
    public static List<String> names(boolean parquet) {
        List<String> n = new ArrayList<>(List.of(JsonReportWriter.REPORT_FILE, HtmlReportWriter.FILE, JUnitXmlWriter.FILE));
        if (parquet) {
            n.add(ParquetReportWriter.DIR);
        }
        return n;
    }

    /** Fails early (before any work) when {@code dir} cannot receive the outputs. */
    public static void checkTarget(Path dir, boolean overwrite, List<String> names) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IllegalStateException(dir + " exists and is not a directory; --out needs a directory");
        }
        checkWritable(dir);
        if (overwrite) {
            return;
        }
        for (String n : names) {
            Path p = dir.resolve(n);
            try {
                if (Files.exists(p) && (Files.isDirectory(p) || Files.size(p) > 0)) {
                    throw new JsonReportWriter.ReportExistsException(p);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot inspect " + p, e);
            }
        }
    }

    /**
     * Fails early (IllegalStateException naming {@code --out}) when files cannot be created in
     * {@code dir}, or, when it does not exist yet, in its nearest existing ancestor: that one is not a
     * directory, or a probe file cannot be created in it (read-only, no permission). Creates nothing
     * that stays: the directory itself is made only when the outputs are written.
     */
    public static void checkWritable(Path dir) {
        checkWritable(dir, dir);
    }

    /** As {@link #checkWritable(Path)}, probing {@code where} (e.g. the parent of {@code --out dir}). */
    public static void checkWritable(Path dir, Path where) {
        Path abs = where.toAbsolutePath().normalize();
        Path existing = abs;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            throw new IllegalStateException("--out " + dir + ": no part of the path exists");
        }
        if (!Files.isDirectory(existing)) {
            throw new IllegalStateException("--out " + dir + ": cannot create it, " + existing + " is not a directory");
        }
        try {
            Path probe = Files.createTempFile(existing, ".gradaudit-write-probe.", ".tmp");
            Files.delete(probe);
        } catch (IOException | SecurityException e) {
            throw new IllegalStateException("--out " + dir + ": " + existing + " is not writable (" + e + ")", e);
        }
    }

    /**
     * Test hook (system property {@value #FAULT_PROPERTY} = {@code fail:NAME} or {@code halt:NAME}):
     * when the output NAME has been written to its temporary name, throw an IOException, or halt the
     * JVM at once as a killed driver would (exit status 137), before anything is renamed.
     */
    public static final String FAULT_PROPERTY = "gradaudit.test.writeFault";

    static void injectFault(String name) throws IOException {
        String f = System.getProperty(FAULT_PROPERTY);
        if (f == null) {
            return;
        }
        if (f.equals("fail:" + name)) {
            throw new IOException("injected failure after writing " + name + " (" + FAULT_PROPERTY + ")");
        }
        if (f.equals("halt:" + name)) {
            System.err.println("gradaudit: " + FAULT_PROPERTY + ": halting the JVM after writing " + name);
            System.err.flush();
            Runtime.getRuntime().halt(137);
        }
    }

    /** Deletes the hidden temporaries ({@code .NAME.XXXXXXXX.tmp|.old}) a killed run left in {@code dir}. */
    static void deleteStale(Path dir, List<String> names) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (java.util.stream.Stream<Path> list = Files.list(dir)) {
            for (Path p : (Iterable<Path>) list::iterator) {
                String f = p.getFileName().toString();
                for (String n : names) {
                    if (f.matches("\\." + java.util.regex.Pattern.quote(n) + "\\.[0-9a-f]{8}\\.(tmp|old)")) {
                        deleteTree(p);
                    }
                }
            }
        }
    }

    /** Writes all outputs into {@code dir}, all or nothing; returns the final paths. */
    public static List<Path> writeAll(List<Output> outputs, Path dir, boolean overwrite) {
        List<String> names = new ArrayList<>();
        for (Output o : outputs) {
            names.add(o.name());
        }
        checkTarget(dir, overwrite, names);
        List<Path> temps = new ArrayList<>();
        List<Path> finals = new ArrayList<>();
        String tag = UUID.randomUUID().toString().substring(0, 8);
        try {
            Files.createDirectories(dir);
            deleteStale(dir, names);
            for (Output o : outputs) {
                Path tmp = dir.resolve("." + o.name() + "." + tag + ".tmp");
                temps.add(tmp);
                o.writeTo(tmp);
                if (!Files.exists(tmp)) {
                    throw new IOException("writer of " + o.name() + " produced nothing");
                }
                injectFault(o.name());
            }
            for (int i = 0; i < outputs.size(); i++) {
                Path target = dir.resolve(outputs.get(i).name());
                Path tmp = temps.get(i);
                if (Files.isDirectory(tmp)) {
                    Path old = null;
                    if (Files.exists(target)) {
                        old = dir.resolve("." + outputs.get(i).name() + "." + tag + ".old");
                        Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
                    }
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
                    if (old != null) {
                        deleteTree(old);
                    }
                } else {
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                }
                finals.add(target);
            }
            temps.clear();
            return finals;
        } catch (AtomicMoveNotSupportedException e) {
            throw new UncheckedIOException("the file system of " + dir + " cannot rename atomically; no report written", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the reports to " + dir + ": " + e.getMessage()
                    + "; no report written", e);
        } finally {
            for (Path t : temps) {
                try {
                    deleteTree(t);
                } catch (IOException ignored) {
                    // hidden temporary names; nothing else to do
                }
            }
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
