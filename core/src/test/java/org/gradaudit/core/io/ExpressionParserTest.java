package org.gradaudit.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.gradaudit.core.DType;
import org.gradaudit.core.Function;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.T;
import org.gradaudit.core.Variable;
import org.gradaudit.core.io.ExpressionParser.ExpressionException;
import org.junit.jupiter.api.Test;

class ExpressionParserTest {
    private static final NDArray X = NDArray.of(0.5, -1.25, 2.0);
    private static final NDArray W = NDArray.of(new double[][] {{0.1, -0.2}, {0.3, 0.4}, {-0.5, 0.6}});
    private static final NDArray A = NDArray.of(new double[][] {{1.5, -2.0, 0.25}, {0.75, 3.0, -1.0}});

    private final Variable x = T.vector("x");
    private final Variable w = T.matrix("W");
    private final Variable a = T.matrix("A");

    private Map<String, Variable> inputs() {
        Map<String, Variable> m = new LinkedHashMap<>();
        m.put("x", x);
        m.put("W", w);
        m.put("A", a);
        return m;
    }

    /** Evaluates the parsed expression and a hand-built graph at the same point; they must agree bitwise. */
    private void assertSame(String text, Variable expected) {
        Variable parsed = ExpressionParser.parse(text, inputs());
        List<Variable> ins = List.of(x, w, a);
        NDArray got = Function.compile(ins, List.of(parsed)).call(X, W, A).get(0);
        NDArray want = Function.compile(ins, List.of(expected)).call(X, W, A).get(0);
        assertEquals(want, got, text);
    }

    private static ExpressionException fails(String text, Map<String, Variable> inputs) {
        return assertThrows(ExpressionException.class, () -> ExpressionParser.parse(text, inputs));
    }

    private ExpressionException fails(String text) {
        return fails(text, inputs());
    }

    @Test
    void parsesTheReadmeExample() {
        assertSame("sum(tanh(dot(x, W)) ** 2)", T.sum(T.pow(T.tanh(T.dot(x, w)), 2.0)));
    }

    @Test
    void multiplicationBindsTighterThanAddition() {
        assertSame("x + x * x - x / 2", T.sub(T.add(x, T.mul(x, x)), T.trueDiv(x, 2.0)));
        assertSame("(x + x) * x", T.mul(T.add(x, x), x));
    }

    @Test
    void subtractionAndDivisionAreLeftAssociative() {
        assertSame("x - 1 - x", T.sub(T.sub(x, 1.0), x));
        assertSame("x / 2 / x", T.trueDiv(T.trueDiv(x, 2.0), x));
    }

    @Test
    void powerIsRightAssociative() {
        assertSame("x ** 2 ** 3", T.pow(x, T.pow(T.constant(2.0), T.constant(3.0))));
        assertSame("(x ** 2) ** 3", T.pow(T.pow(x, 2.0), 3.0));
    }

    @Test
    void powerBindsTighterThanUnaryMinusLikePython() {
        assertSame("-x ** 2", T.neg(T.pow(x, 2.0)));
        assertSame("(-x) ** 2", T.pow(T.neg(x), 2.0));
        assertSame("x ** -1", T.pow(x, -1.0));
        assertSame("- - x", T.neg(T.neg(x)));
    }

    @Test
    void numbersAreWeakLiteralsThatKeepTheInputDtype() {
        Variable f = T.fvector("f");
        Variable parsed = ExpressionParser.parse("f * 2 + 0.5 - 1e-3 * f / .5", Map.of("f", f));
        assertEquals(DType.FLOAT32, parsed.dtype());
        Variable c = ExpressionParser.parse("2.5e1", Map.of());
        assertEquals(25.0, Function.compile(List.of(), List.of(c)).call().get(0).item());
    }

    @Test
    void everyWhitelistedFunctionBuildsItsOp() {
        assertSame("add(x, 1)", T.add(x, 1.0));
        assertSame("sub(x, 1)", T.sub(x, 1.0));
        assertSame("mul(x, x)", T.mul(x, x));
        assertSame("true_div(x, 3)", T.trueDiv(x, 3.0));
        assertSame("div(x, 3)", T.trueDiv(x, 3.0));
        assertSame("pow(x, 3)", T.pow(x, 3.0));
        assertSame("neg(x)", T.neg(x));
        assertSame("exp(x)", T.exp(x));
        assertSame("log(x * x)", T.log(T.mul(x, x)));
        assertSame("tanh(x)", T.tanh(x));
        assertSame("sigmoid(x)", T.sigmoid(x));
        assertSame("sqr(x)", T.sqr(x));
        assertSame("sqrt(x * x)", T.sqrt(T.mul(x, x)));
        assertSame("sum(x)", T.sum(x));
        assertSame("sum(A, 0)", T.sum(a, 0));
        assertSame("sum(A, -1)", T.sum(a, 1));
        assertSame("sum(A, 0, 1)", T.sum(a, 0, 1));
        assertSame("dot(A, x)", T.dot(a, x));
        assertSame("transpose(A)", T.transpose(a));
        List<String> tested = new ArrayList<>(List.of("add", "sub", "mul", "true_div", "div", "pow", "neg", "exp",
                "log", "tanh", "sigmoid", "sqr", "sqrt", "sum", "dot", "transpose"));
        assertEquals(tested, ExpressionParser.FUNCTIONS, "a whitelisted function has no case here");
    }

    @Test
    void broadcastsLikeTheFacade() {
        assertSame("A + x", T.add(a, x));
        assertSame("sum(A * x, 1)", T.sum(T.mul(a, x), 1));
    }

    @Test
    void whitespaceAndNewlinesAreAllowed() {
        assertSame("sum(\n  tanh( dot(x,W) )\t** 2\n)", T.sum(T.pow(T.tanh(T.dot(x, w)), 2.0)));
    }

    @Test
    void unknownFunctionIsLocatedAndListsTheWhitelist() {
        ExpressionException e = fails("sum(tahn(x))");
        assertEquals(1, e.line());
        assertEquals(5, e.column());
        assertTrue(e.getMessage().startsWith("1:5: unknown function 'tahn'; expected one of add, sub, mul,"),
                e.getMessage());
    }

    @Test
    void reflectionIsNotAvailable() {
        ExpressionException e = fails("getClass(x)");
        assertTrue(e.getMessage().startsWith("1:1: unknown function 'getClass'"), e.getMessage());
    }

    @Test
    void unknownNameListsTheInputs() {
        ExpressionException e = fails("x +\n  y");
        assertEquals("2:3: unknown name 'y'; expected one of the inputs [A, W, x]", e.getMessage());
    }

    @Test
    void bareFunctionNameGetsAHint() {
        ExpressionException e = fails("tanh + x");
        assertEquals("1:1: unknown name 'tanh'; 'tanh' is a function: call it as tanh(...); "
                + "expected one of the inputs [A, W, x]", e.getMessage());
    }

    @Test
    void wrongArityNamesTheFunctionAndTheCounts() {
        assertEquals("1:5: function 'dot' takes 2 arguments, got 1", fails("x + dot(x)").getMessage());
        assertEquals("1:1: function 'tanh' takes 1 argument, got 2", fails("tanh(x, x)").getMessage());
        assertEquals("1:1: function 'sum' takes 1 or more arguments (sum(x) or sum(x, axis, ...)), got 0",
                fails("sum()").getMessage());
    }

    @Test
    void sumAxesMustBeIntegerLiterals() {
        assertEquals("1:8: argument 2 of sum must be an integer literal axis (such as 0 or -1), got '0.5'",
                fails("sum(A, 0.5)").getMessage());
        assertEquals("1:8: argument 2 of sum must be an integer literal axis (such as 0 or -1), got an expression",
                fails("sum(A, x)").getMessage());
    }

    @Test
    void unexpectedTokensSayWhatWasExpected() {
        assertEquals("1:4: expected a number, a name, a function call or '(' but found '*'",
                fails("x +* x").getMessage());
        assertEquals("1:3: expected an operator (+ - * / **) or the end of the expression but found 'x'",
                fails("x x").getMessage());
        assertEquals("1:7: expected ')' to close the '(' at 1:1 but found the end of the expression",
                fails("(x + x").getMessage());
        assertEquals("1:10: expected ',' or ')' in the arguments of dot(...) opened at 1:1 but found 'W'",
                fails("dot(x, x W)").getMessage());
        assertEquals("1:1: expected a number, a name, a function call or '(' but found the end of the expression",
                fails("").getMessage());
    }

    @Test
    void badCharactersAndNumbersAreLocated() {
        assertEquals("1:3: unexpected character '@'; expected a number, a name, one of + - * / ** ( ) , or whitespace",
                fails("x @ W").getMessage());
        assertEquals("1:10: expected the digits of the exponent of '1e' but found ')'", fails("pow(x, 1e)").getMessage());
        assertEquals("1:6: expected an operator, ',' or ')' after the number '2' but found 'x'",
                fails("x * 2x").getMessage());
    }

    @Test
    void opErrorsAreLocatedAtTheCall() {
        Variable t3 = T.tensor3("t");
        ExpressionException e = fails("sum(dot(t, x))", Map.of("t", t3, "x", x));
        assertEquals(1, e.line());
        assertEquals(5, e.column());
        assertTrue(e.getMessage().startsWith("1:5: cannot build dot(...): Dot: input 0 has ndim 3;"), e.getMessage());
        ExpressionException axis = fails("sum(x, 1)");
        assertTrue(axis.getMessage().startsWith("1:1: cannot build sum(...): Sum: axis 1 is out of range"),
                axis.getMessage());
    }
}
