package org.gradaudit.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A GraphBuilder compiled here, jarred, and named by a spec run through the CLI with --jars (local[2]). */
class JarsTest {

    @Test
    void builderFromAJarRunsAndIsReported(@TempDir Path tmp) throws Exception {
        Path src = tmp.resolve("src/com/example/SquareCase.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, "package com.example;\n"
                + "import java.util.List;\nimport org.gradaudit.core.T;\nimport org.gradaudit.core.Variable;\n"
                + "public final class SquareCase implements org.gradaudit.core.check.GraphBuilder {\n"
                + "  public Variable apply(List<Variable> in) { return T.sum(T.sqr(T.tanh(in.get(0)))); }\n}\n");
        Path classes = tmp.resolve("classes");
        Files.createDirectories(classes);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int rc = javac.run(null, null, null, "-d", classes.toString(), "-cp", System.getProperty("java.class.path"),
                src.toString());
        assertEquals(0, rc, "javac");
        Path jar = tmp.resolve("user.jar");
        try (JarOutputStream j = new JarOutputStream(Files.newOutputStream(jar))) {
            j.putNextEntry(new JarEntry("com/example/SquareCase.class"));
            j.write(Files.readAllBytes(classes.resolve("com/example/SquareCase.class")));
            j.closeEntry();
        }
        Path spec = tmp.resolve("spec.json");
        Files.writeString(spec, "{\"name\": \"jar\", \"cases\": [{\"name\": \"square\", \"builder\": \"com.example.SquareCase\","
                + " \"inputs\": {\"x\": {\"shape\": [4]}}}]}");
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(e, true, StandardCharsets.UTF_8);
        int code = Main.run(new String[] {"audit", spec.toString(), "--master", "local[2]", "--out",
                tmp.resolve("out").toString()}, new PrintStream(OutputStream.nullOutputStream()), err);
        assertEquals(2, code, "without --jars the class is not found");
        assertTrue(e.toString(StandardCharsets.UTF_8).contains("class \"com.example.SquareCase\" not found"),
                e.toString(StandardCharsets.UTF_8));
        ClassLoader before = Thread.currentThread().getContextClassLoader();
        try {
            code = Main.run(new String[] {"audit", spec.toString(), "--master", "local[2]", "--jars", jar.toString(),
                    "--out", tmp.resolve("out").toString()}, new PrintStream(o, true, StandardCharsets.UTF_8), err);
        } finally {
            Thread.currentThread().setContextClassLoader(before);
        }
        String stdout = o.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, stdout + e.toString(StandardCharsets.UTF_8));
        assertTrue(stdout.contains("PASS   square"), stdout);
        String stderr = e.toString(StandardCharsets.UTF_8);
        assertTrue(stderr.contains("plan: jar: 1 prepared cases"), stderr);
        assertTrue(stderr.contains("progress: 1/1 cases"), stderr);
        try (var files = Files.list(tmp.resolve("out"))) {
            assertEquals(List.of("junit.xml", "report.html", "report.json", "report.parquet"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
        assertEquals(2, Main.run(new String[] {"audit", spec.toString(), "--jars", tmp.resolve("nope.jar").toString()},
                new PrintStream(OutputStream.nullOutputStream()), err));
        assertTrue(e.toString(StandardCharsets.UTF_8).contains("--jars: no such jar file"));
    }
}
