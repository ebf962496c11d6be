package org.gradaudit.jobs.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.io.Npy;
import org.gradaudit.jobs.jacobian.JacobianSpec;
import org.gradaudit.jobs.nightly.NightlySuite;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files named in a spec (.npy points, graph files) resolve relative to the spec's directory and
 * cannot leave it: {@code ..}, absolute paths and symbolic links (to a file or through a directory)
 * that lead outside are refused, unless {@code --allow-paths-outside-spec}; and the memory budget
 * is checked while the spec is read.
 */
class SpecPathsTest {
    @TempDir
    Path tmp;

    private Path specDir;

    private static final String GRAPH = "{\"format\": \"gradaudit-graph/1\", \"inputs\": [{\"name\": \"x\", \"dtype\":"
            + " \"float64\", \"ndim\": 1}], \"nodes\": [{\"id\": \"n0\", \"op\": \"tanh\", \"args\": [\"x\"]},"
            + " {\"id\": \"n1\", \"op\": \"sum\", \"args\": [\"n0\"]}], \"output\": \"n1\"}";

    private Path setup() throws IOException {
        specDir = Files.createDirectories(tmp.resolve("specs"));
        Npy.write(NDArray.of(1.0, 2.0), tmp.resolve("outside.npy"));
        Files.writeString(tmp.resolve("outside-graph.json"), GRAPH);
        Files.createDirectories(specDir.resolve("points"));
        Npy.write(NDArray.of(1.0, 2.0), specDir.resolve("points/inside.npy"));
        Files.createSymbolicLink(specDir.resolve("link.npy"), tmp.resolve("outside.npy"));
        Files.createSymbolicLink(specDir.resolve("inner-link.npy"), specDir.resolve("points/inside.npy"));
        Files.createSymbolicLink(specDir.resolve("outdir"), tmp);
        return specDir;
    }

    private Path npySpec(String file) throws IOException {
        return Files.writeString(specDir.resolve("s.json"), "{\"name\": \"p\", \"cases\": [{\"name\": \"c\", \"expression\":"
                + " \"sum(x)\", \"inputs\": {\"x\": {\"generator\": {\"kind\": \"npy\", \"file\": \"" + file + "\"}}}}]}");
    }

    private Path graphSpec(String file) throws IOException {
        return Files.writeString(specDir.resolve("g.json"), "{\"name\": \"p\", \"cases\": [{\"name\": \"c\", \"graph\": \""
                + file + "\", \"inputs\": {\"x\": {\"shape\": [2]}}}]}");
    }

    private String refused(Path spec) {
        return assertThrows(SpecException.class, () -> AuditSpec.read(spec)).getMessage();
    }

    @Test
    void pathsThatLeaveTheSpecDirectoryAreRefusedUnlessAllowed() throws IOException {
        setup();
        String allow = "(paths in a spec are relative to its directory " + specDir.toAbsolutePath().normalize()
                + " and stay inside it; --allow-paths-outside-spec lifts this)";
        assertEquals("s.json: cases[0].inputs.x.generator.file: \"../outside.npy\" leaves the spec's directory " + allow,
                refused(npySpec("../outside.npy")));
        assertEquals("s.json: cases[0].inputs.x.generator.file: \"points/../../outside.npy\" leaves the spec's directory "
                + allow, refused(npySpec("points/../../outside.npy")));
        String abs = tmp.resolve("outside.npy").toString();
        assertEquals("s.json: cases[0].inputs.x.generator.file: absolute path \"" + abs + "\" refused " + allow,
                refused(npySpec(abs)));
        assertEquals("s.json: cases[0].inputs.x.generator.file: \"link.npy\" is a symbolic link to "
                + tmp.resolve("outside.npy").toRealPath() + ", outside the spec's directory " + allow,
                refused(npySpec("link.npy")));
        assertTrue(refused(npySpec("outdir/outside.npy")).contains("is a symbolic link to "),
                "a link to a directory outside is refused too");
        String g = refused(graphSpec("../outside-graph.json"));
        assertTrue(g.startsWith("g.json: cases[0].graph: \"../outside-graph.json\" leaves the spec's directory"), g);
        assertTrue(refused(graphSpec("outdir/outside-graph.json")).startsWith("g.json: cases[0].graph: "));

        // inside is fine, through links too
        assertEquals(2, AuditSpec.read(npySpec("points/inside.npy")).cases().get(0).inputs().get("x").shape()[0]);
        assertEquals(2, AuditSpec.read(npySpec("./points/../inner-link.npy")).cases().get(0).inputs().get("x").shape()[0]);

        // the flag lifts the restriction for every form
        SpecOptions allowed = SpecOptions.DEFAULTS.withAllowPathsOutsideSpec(true);
        for (String p : new String[] {"../outside.npy", abs, "link.npy", "outdir/outside.npy"}) {
            assertEquals(2, AuditSpec.read(npySpec(p), allowed).cases().get(0).inputs().get("x").shape()[0], p);
        }
        assertEquals(1, AuditSpec.read(graphSpec("../outside-graph.json"), allowed).cases().size());
    }

    @Test
    void jacobianSpecsAndNightlySuitesAreConfinedToo() throws IOException {
        setup();
        Path j = Files.writeString(specDir.resolve("j.json"), "{\"name\": \"j\", \"function\": {\"expression\": \"tanh(x)\","
                + " \"inputs\": {\"x\": {\"generator\": {\"kind\": \"npy\", \"file\": \"../outside.npy\"}}}}, \"wrt\": \"x\"}");
        assertTrue(assertThrows(SpecException.class, () -> JacobianSpec.read(j)).getMessage()
                .startsWith("j.json: function.inputs.x.generator.file: \"../outside.npy\" leaves the spec's directory"));
        assertEquals("x", JacobianSpec.read(j, SpecOptions.DEFAULTS.withAllowPathsOutsideSpec(true)).wrt());
        Path n = npySpec("link.npy");
        assertTrue(assertThrows(SpecException.class, () -> NightlySuite.read(n)).getMessage()
                .startsWith("s.json: cases[0].inputs.x.generator.file: \"link.npy\" is a symbolic link to "));
        assertEquals(1, NightlySuite.read(n, SpecOptions.DEFAULTS.withAllowPathsOutsideSpec(true)).spec().cases().size());
    }

    @Test
    void aDirectoryOrDeviceIsNotAPointFile() throws IOException {
        setup();
        assertTrue(refused(npySpec("points")).contains("is not a regular file"), refused(npySpec("points")));
        SpecOptions allowed = SpecOptions.DEFAULTS.withAllowPathsOutsideSpec(true);
        String m = assertThrows(SpecException.class, () -> AuditSpec.read(npySpec("/dev/zero"), allowed)).getMessage();
        assertTrue(m.contains("\"/dev/zero\" (/dev/zero) is not a regular file"), "never read an endless device: " + m);
    }

    @Test
    void theMemoryBudgetIsCheckedPerInputPerCaseAndPerSpecBeforeAnythingIsRead() throws IOException {
        setup();
        SpecOptions small = SpecOptions.DEFAULTS.withMaxInputBytes(800);       // 100 doubles
        String one = "{\"name\": \"b\", \"cases\": [{\"name\": \"c\", \"expression\": \"sum(x)\", \"inputs\": {\"x\": {\"shape\": [%s]}%s}}%s]}";
        assertEquals(1, AuditSpec.parse(String.format(one, "100", "", ""), "b.json", null, small).cases().size());
        assertEquals("b.json: cases[0].inputs.x.shape: shape [101] has 101 elements, 808 bytes as points (8 bytes per"
                + " element); the memory budget is 800 bytes (spark.gradaudit.maxInputBytes); raise it or use smaller"
                + " inputs", assertThrows(SpecException.class,
                        () -> AuditSpec.parse(String.format(one, "101", "", ""), "b.json", null, small)).getMessage());
        assertEquals("b.json: cases[0].inputs: the case's inputs together have 120 elements, 960 bytes as points (8"
                + " bytes per element); the memory budget is 800 bytes (spark.gradaudit.maxInputBytes); raise it or use"
                + " smaller inputs", assertThrows(SpecException.class, () -> AuditSpec.parse(String.format(one, "60",
                        ", \"y\": {\"shape\": [60]}", ""), "b.json", null, small)).getMessage());
        assertTrue(assertThrows(SpecException.class, () -> AuditSpec.parse(String.format(one, "60", "",
                ", {\"name\": \"d\", \"expression\": \"sum(x)\", \"inputs\": {\"x\": {\"shape\": [60]}}}"), "b.json", null,
                small)).getMessage().startsWith("b.json: cases[1].inputs: with this case the points of all cases together"
                        + " take 960 bytes; the memory budget is 800 bytes"));
        assertTrue(assertThrows(SpecException.class, () -> AuditSpec.parse("{\"name\": \"b\", \"cases\": [{\"op\":"
                + " \"tanh\", \"shapes\": [[101]]}]}", "b.json", null, small)).getMessage()
                .startsWith("b.json: cases[0].shapes[0]: shape [101] has 101 elements"));
        // a large .npy file is refused from its size, before it is read
        Npy.write(NDArray.zeros(org.gradaudit.core.DType.FLOAT64, 200_000), specDir.resolve("big.npy"));
        String m = assertThrows(SpecException.class, () -> AuditSpec.read(npySpec("big.npy"),
                SpecOptions.DEFAULTS.withMaxInputBytes(1000))).getMessage();
        assertTrue(m.startsWith("s.json: cases[0].inputs.x.generator.file: big.npy is 1.5 MiB (1600128 bytes); the memory"
                + " budget is 1000 bytes"), m);
        assertTrue(AuditSpec.read(npySpec("big.npy"), SpecOptions.DEFAULTS.withMaxInputBytes(2_000_000)) != null);
    }
}
