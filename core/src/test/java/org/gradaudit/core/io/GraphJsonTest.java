package org.gradaudit.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.gradaudit.core.DType;
import org.gradaudit.core.Function;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.T;
import org.gradaudit.core.Variable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GraphJsonTest {
    private static final NDArray X = NDArray.of(0.5, -1.25, 2.0);
    private static final NDArray A = NDArray.of(new double[][] {{1.5, -2.0, 0.25}, {0.75, 3.0, -1.0}});

    private static NDArray eval(List<Variable> in, Variable out) {
        return Function.compile(in, List.of(out)).call(X, A).get(0);
    }

    @Test
    void writtenGraphsReloadToTheSameFunction(@TempDir Path dir) {
        Variable x = T.vector("x");
        Variable a = T.matrix("A");
        List<Variable> graphs = List.of(
                T.sum(T.sqr(T.tanh(T.dot(a, x)))),
                T.add(T.mean(T.softmax(a, 0), 1), T.max(T.logSoftmax(a), 1)),
                T.mul(T.var(a, 1, false, 1), T.std(a, 0, false, 1)),
                T.sum(T.mul(T.transpose(a), T.cast(T.gt(T.dimshuffle(x, 0, "x"), 0.0), DType.FLOAT64))),
                T.prod(T.clip(a, -1.0, 1.0), 0),
                T.sum(T.switch_(T.lt(x, 0.0), T.exp(x), T.pow(x, 2.0))));
        int i = 0;
        for (Variable out : graphs) {
            Path f = dir.resolve("g" + i++ + ".json");
            GraphJson.write(List.of(x, a), out, f);
            GraphJson.Graph g = GraphJson.read(f);
            assertEquals(List.of("x", "A"), g.inputNames());
            Variable x2 = T.vector("x");
            Variable a2 = T.matrix("A");
            Variable rebuilt = g.build(List.of(x2, a2));
            assertArrayEquals(eval(List.of(x, a), out).toDoubleArray(), eval(List.of(x2, a2), rebuilt).toDoubleArray(),
                    0.0, "graph " + (i - 1));
            assertEquals(GraphJson.write(List.of(x, a), out), GraphJson.write(List.of(x2, a2), rebuilt),
                    "writing the reloaded graph gives the same file");
        }
    }

    @Test
    void readsHandWrittenGraphsWithAnyRegistryFunction() {
        String text = "{\"format\": \"gradaudit-graph/1\", \"inputs\": [{\"name\": \"x\", \"dtype\": \"float64\", \"ndim\": 1}],"
                + " \"nodes\": [{\"id\": \"r\", \"op\": \"reshape\", \"args\": [\"x\", 3]},"
                + " {\"id\": \"t\", \"op\": \"tile\", \"args\": [\"r\", 2]},"
                + " {\"id\": \"i\", \"op\": \"advanced_subtensor1\", \"args\": [\"x\", {\"list\": [2, 2]}]},"
                + " {\"id\": \"c\", \"op\": \"cast\", \"args\": [\"i\", {\"str\": \"float32\"}]},"
                + " {\"id\": \"s\", \"op\": \"add\", \"args\": [{\"id\": 1}, 2]}],"
                + " \"output\": \"t\"}";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GraphJson.parse(text, "h.json")
                .build(List.of(T.vector("x"))));
        assertTrue(e.getMessage().startsWith("h.json: nodes[4] (id \"s\").args: an argument is an id string"), e.getMessage());
        GraphJson.Graph g = GraphJson.parse(text.replace("{\"id\": 1}", "\"c\""), "h.json");
        Variable x = T.vector("x");
        NDArray out = Function.compile(List.of(x), List.of(g.build(List.of(x)))).call(X).get(0);
        assertArrayEquals(new int[] {6}, out.shape());
        assertArrayEquals(new double[] {0.5, -1.25, 2, 0.5, -1.25, 2}, out.toDoubleArray());
    }

    @Test
    void errorsNameTheFileAndTheNode() {
        String head = "{\"format\": \"gradaudit-graph/1\", \"inputs\": [{\"name\": \"x\", \"ndim\": 1}], \"nodes\": [";
        assertTrue(msg(() -> GraphJson.parse(head + "{\"id\": \"n\", \"op\": \"tahn\", \"args\": [\"x\"]}],"
                + " \"output\": \"n\"}", "g.json")).startsWith("g.json: nodes[0].op: unknown op \"tahn\"; expected one of"));
        assertEquals("g.json: nodes[0].args: \"y\" is not an input or an earlier node id", msg(() -> GraphJson.parse(head
                + "{\"id\": \"n\", \"op\": \"tanh\", \"args\": [\"y\"]}], \"output\": \"n\"}", "g.json")));
        assertEquals("g.json: nodes[1].id: duplicate id \"n\"", msg(() -> GraphJson.parse(head
                + "{\"id\": \"n\", \"op\": \"tanh\", \"args\": [\"x\"]}, {\"id\": \"n\", \"op\": \"exp\", \"args\": [\"x\"]}],"
                + " \"output\": \"n\"}", "g.json")));
        assertTrue(msg(() -> GraphJson.parse(head + "{\"id\": \"n\", \"op\": \"sum\", \"args\": [\"x\", 3]}],"
                + " \"output\": \"n\"}", "g.json").build(List.of(T.vector("x"))))
                .startsWith("g.json: nodes[0] (id \"n\"): cannot build sum(...):"));
        assertTrue(msg(() -> GraphJson.parse("{\"format\": \"gradaudit-graph/1\",\n \"inputs\": [}", "g.json"))
                .startsWith("g.json:2:13: invalid JSON: unexpected character '}'"), msg(() -> GraphJson.parse(
                "{\"format\": \"gradaudit-graph/1\",\n \"inputs\": [}", "g.json")));
        Variable m = T.matrix("m");
        assertTrue(msg(() -> GraphJson.write(List.of(m), T.flatten(m)))
                .contains("has no name in the portable graph format's writer"));
        assertTrue(msg(() -> GraphJson.write(List.of(m), T.tanh(T.vector("y"))))
                .contains("is not among the listed inputs"));
    }

    private static String msg(org.junit.jupiter.api.function.Executable e) {
        return assertThrows(IllegalArgumentException.class, e).getMessage();
    }
}
