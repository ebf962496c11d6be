package org.gradaudit.jobs.jacobian;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.gradaudit.core.DisconnectedInputs;
import org.gradaudit.core.Function;
import org.gradaudit.core.GradOptions;
import org.gradaudit.core.Gradient;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.Variable;
import org.gradaudit.jobs.audit.SpecException;

/** Specs and the reference Jacobian (core's {@code Gradient.jacobian}) shared by the Jacobian tests. */
final class Fixtures {
    private Fixtures() {}

    /** A spec of one expression; {@code inputs} is the JSON of the inputs object. */
    static JacobianSpec spec(String name, String expression, String inputs, String wrt) {
        return JacobianSpec.parse("{\"name\": \"" + name + "\", \"seed\": 11, \"function\": {\"expression\": \""
                + expression + "\", \"inputs\": " + inputs + "}, \"wrt\": \"" + wrt + "\"}", name + ".json", null);
    }

    static String normal(int... shape) {
        StringBuilder b = new StringBuilder("{\"shape\": [");
        for (int i = 0; i < shape.length; i++) {
            b.append(i > 0 ? ", " : "").append(shape[i]);
        }
        return b.append("]}").toString();
    }

    /** square; m >> n; n >> m; broadcasting (w.r.t. a matrix); a reduction; softmax w.r.t. a matrix. */
    static List<JacobianSpec> functions() {
        return List.of(
                spec("square", "tanh(dot(W, x) + b)", "{\"x\": " + normal(9) + ", \"W\": " + normal(9, 9) + ", \"b\": "
                        + normal(9) + "}", "x"),
                spec("tall", "sigmoid(dot(W, x))", "{\"x\": " + normal(4) + ", \"W\": " + normal(40, 4) + "}", "x"),
                spec("wide", "sin(dot(W, x))", "{\"x\": " + normal(37) + ", \"W\": " + normal(3, 37) + "}", "x"),
                spec("broadcast", "exp(M) * x", "{\"M\": " + normal(3, 4) + ", \"x\": " + normal(4) + "}", "M"),
                spec("reduction", "sum(sqr(M), 1)", "{\"M\": " + normal(5, 3) + "}", "M"),
                spec("softmax", "softmax(dot(W, x))", "{\"x\": " + normal(4) + ", \"W\": " + normal(6, 4) + "}", "W"));
    }

    /** J by core's vectorized {@code Gradient.jacobian}, as an (m, n) array. */
    static NDArray reference(JacobianSpec spec) {
        List<Variable> vars = spec.function().symbolicInputs();
        Variable y = spec.function().symbolicFunction().apply(vars);
        Variable j = Gradient.jacobian(y, List.of(vars.get(spec.wrtIndex())), GradOptions.builder()
                .disconnectedInputs(DisconnectedInputs.IGNORE).build(), true).get(0);
        List<NDArray> point = spec.points();
        NDArray full = Function.compile(vars, j).call1(point.toArray(new NDArray[0]));
        int n = point.get(spec.wrtIndex()).size();
        return full.reshape(full.size() / n, n);
    }

    static void assertClose(NDArray expected, NDArray got, String what) {
        assertArrayEquals(expected.shape(), got.shape(), what + ": shape");
        for (int i = 0; i < expected.size(); i++) {
            double e = expected.getFlat(i);
            assertTrue(Math.abs(e - got.getFlat(i)) <= 1e-12 * Math.max(1, Math.abs(e)),
                    what + ": element " + i + " is " + got.getFlat(i) + ", Gradient.jacobian gives " + e);
        }
    }

    static void assertSpecError(String json, String message) {
        SpecException e = org.junit.jupiter.api.Assertions.assertThrows(SpecException.class,
                () -> JacobianSpec.parse(json, "j.json", null));
        assertEquals(message, e.getMessage());
    }
}
