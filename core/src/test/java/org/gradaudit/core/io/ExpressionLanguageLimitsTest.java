package org.gradaudit.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.gradaudit.core.T;
import org.gradaudit.core.Variable;
import org.gradaudit.core.io.ExpressionParser.ExpressionException;
import org.junit.jupiter.api.Test;

/**
 * The expression language is a whitelist (OpRegistry's table): it has no member access, no
 * reflection, no file names and no way to reach the JVM. And its nesting is bounded, so hostile
 * text ends in an ExpressionException, never in a StackOverflowError.
 */
class ExpressionLanguageLimitsTest {
    private static Map<String, Variable> inputs() {
        Map<String, Variable> m = new LinkedHashMap<>();
        m.put("x", T.vector("x"));
        return m;
    }

    private static String fails(String text) {
        return assertThrows(ExpressionException.class, () -> ExpressionParser.parse(text, inputs()), text).getMessage();
    }

    @Test
    void reflectionFilesAndTheNetworkAreNotReachable() {
        // there is no member access: '.' is not a token of the language
        assertTrue(fails("sum(Class.forName('java.lang.Runtime'))").startsWith("1:10: unexpected character '.'"));
        assertTrue(fails("java.lang.Runtime.getRuntime().exec('touch /tmp/pwned')")
                .startsWith("1:5: unexpected character '.'"));
        assertEquals("1:1: unknown name 'Runtime'; expected one of the inputs [x]", fails("Runtime"));
        assertTrue(fails("Class(x)").startsWith("1:1: unknown function 'Class'; expected one of "
                + String.join(", ", OpRegistry.names())));
        assertTrue(fails("x.getClass()").startsWith("1:2: unexpected character '.'"), fails("x.getClass()"));
        for (String hostile : List.of(
                "forName('java.lang.Runtime')", "getClass(x)", "exec('rm -rf /')", "open('/etc/passwd')",
                "load('/etc/passwd')", "read('x.npy')", "npy('/etc/passwd')", "file('/etc/passwd')",
                "system('id')", "eval('x')", "__import__('os')", "url('http://example.com/')",
                "socket('127.0.0.1', 22)", "invoke(x)", "newInstance(x)", "getRuntime()", "import(x)")) {
            String name = hostile.substring(0, hostile.indexOf('('));
            assertTrue(fails(hostile).startsWith("1:1: unknown function '" + name + "'; expected one of "),
                    hostile + " must be refused as an unknown function");
        }
        // a string is only ever data: a dtype name or 'x' in dimshuffle; a path is a bad argument
        assertTrue(fails("cast(x, '/etc/passwd')").startsWith("1:9: "), fails("cast(x, '/etc/passwd')"));
        assertTrue(fails("sum(x, '../../etc/passwd')").startsWith("1:8: "), fails("sum(x, '../../etc/passwd')"));
        // no statement separators, assignments or comments to smuggle code through
        assertTrue(fails("x; exec('id')").startsWith("1:2: "));
        assertTrue(fails("y = x").startsWith("1:1: unknown name 'y'"));
        assertTrue(fails("x # comment").startsWith("1:3: "));
        assertTrue(fails("`id`").startsWith("1:1: "));
        assertTrue(fails("${jndi:ldap://example.com/a}").startsWith("1:1: "));
    }

    @Test
    void everyFunctionIsATableEntryNotAJavaMethod() {
        for (String f : OpRegistry.names()) {
            assertTrue(f.matches("[a-z_][a-z0-9_]*"), "registry names are plain identifiers: " + f);
        }
        for (String javaName : List.of("toString", "hashCode", "wait", "notify", "getClass", "clone", "finalize",
                "valueOf", "forName", "exit", "halt", "loadLibrary", "getenv", "getProperty", "setProperty")) {
            assertTrue(!OpRegistry.has(javaName), javaName + " is not a registry function");
            assertTrue(fails(javaName + "(x)").startsWith("1:1: unknown function '" + javaName + "'"), javaName);
        }
    }

    @Test
    void nestingIsBoundedWithALocatedMessage() {
        int n = ExpressionParser.MAX_NESTING;
        String ok = "(".repeat(n - 1) + "x" + ")".repeat(n - 1);
        ExpressionParser.parse(ok, inputs());
        String deep = "(".repeat(n) + "x" + ")".repeat(n);
        assertEquals("1:" + (n + 1) + ": the expression is nested more than " + n + " levels deep (parentheses, calls,"
                + " lists, unary minus, exponents); simplify it", fails(deep));
        assertTrue(fails("-".repeat(100_000) + "x").contains("nested more than " + n + " levels"));
        assertTrue(fails("tanh(".repeat(100_000) + "x").contains("nested more than " + n + " levels"));
        assertTrue(fails("x" + " ** x".repeat(100_000)).contains("nested more than " + n + " levels"));
        assertTrue(fails("[".repeat(100_000)).contains("nested more than " + n + " levels"));
        // long but flat expressions are fine: the sum is a left fold, not recursion
        ExpressionParser.parse("x" + " + x".repeat(20_000), inputs());
    }
}
