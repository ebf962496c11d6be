package org.gradaudit.jobs.audit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.gradaudit.jobs.testing.Specs;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes the audit spec parser (JSON, every field, expressions, builder names, file paths). Its only
 * documented error is {@link SpecException}; anything else thrown is a bug. Paths resolve against an
 * empty directory and may not leave it, so the fuzzer cannot make the parser read arbitrary files.
 * Seeds: every {@code data/audits/*.json} (checked below) and the tests' mixed spec.
 */
class AuditSpecFuzzTest {
    private static final Path EMPTY_DIR;

    static {
        try {
            EMPTY_DIR = Files.createTempDirectory("audit-spec-fuzz");
            EMPTY_DIR.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The raw bytes are the spec (a FuzzedDataProvider keeps the seed files usable as they are: plain JSON). */
    @FuzzTest(maxDuration = "5s")
    void parse(FuzzedDataProvider data) {
        String text = data.consumeRemainingAsString();
        try {
            AuditSpec.parse(text, "fuzz.json", EMPTY_DIR, SpecOptions.DEFAULTS);
        } catch (SpecException expected) {
            // documented
        }
    }

    @Test
    void everyShippedAuditSpecIsASeed() throws IOException {
        Path seeds = Specs.root().resolve("spark-jobs/src/test/resources/org/gradaudit/jobs/audit/AuditSpecFuzzTestInputs/parse");
        List<Path> shipped;
        try (Stream<Path> s = Files.list(Specs.root().resolve("data/audits"))) {
            shipped = s.filter(p -> p.toString().endsWith(".json")).sorted().collect(Collectors.toList());
        }
        assertFalse(shipped.isEmpty());
        for (Path p : shipped) {
            Path seed = seeds.resolve(p.getFileName());
            assertArrayEquals(Files.readAllBytes(p), Files.exists(seed) ? Files.readAllBytes(seed) : new byte[0],
                    "copy " + p + " to " + seed + " (the fuzzer's seeds are the shipped specs)");
        }
    }
}
