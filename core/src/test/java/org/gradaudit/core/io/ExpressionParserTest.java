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
    }

    /**
     * Every function of the registry, called in the spec language, equals the façade call it names
     * (bitwise, on a common point); the list of names tested here must be the registry's.
     */
    @Test
    void everyRegistryFunctionBuildsItsFacadeOp() {
        Variable p = T.abs(x).add(0.5);                  // positive, for log-like ops
        Variable u = T.mul(T.tanh(x), 0.5);              // in (-0.5, 0.5), for arcsin-like ops
        Map<String, Variable> cases = new LinkedHashMap<>();
        cases.put("add(x, 1)", T.add(x, 1.0));
        cases.put("sub(x, 1)", T.sub(x, 1.0));
        cases.put("mul(x, x)", T.mul(x, x));
        cases.put("true_div(x, 3)", T.trueDiv(x, 3.0));
        cases.put("pow(abs(x) + 0.5, 3)", T.pow(p, 3.0));
        cases.put("neg(x)", T.neg(x));
        cases.put("sqr(x)", T.sqr(x));
        cases.put("sqrt(abs(x) + 0.5)", T.sqrt(p));
        cases.put("exp(x)", T.exp(x));
        cases.put("log(abs(x) + 0.5)", T.log(p));
        cases.put("tanh(x)", T.tanh(x));
        cases.put("sigmoid(x)", T.sigmoid(x));
        cases.put("second(x, 2)", T.fill(x, 2.0));
        cases.put("clip(x, -1, 1)", T.clip(x, -1.0, 1.0));
        cases.put("int_div(x, 0.3)", T.intDiv(x, 0.3));
        cases.put("mod(x, 0.3)", T.mod(x, 0.3));
        cases.put("abs(x)", T.abs(x));
        cases.put("sgn(x)", T.sgn(x));
        cases.put("floor(x)", T.floor(x));
        cases.put("ceil(x)", T.ceil(x));
        cases.put("round(x)", T.round(x));
        cases.put("reciprocal(x)", T.reciprocal(x));
        cases.put("exp2(x)", T.exp2(x));
        cases.put("expm1(x)", T.expm1(x));
        cases.put("log2(abs(x) + 0.5)", T.log2(p));
        cases.put("log10(abs(x) + 0.5)", T.log10(p));
        cases.put("log1p(abs(x) + 0.5)", T.log1p(p));
        cases.put("sin(x)", T.sin(x));
        cases.put("cos(x)", T.cos(x));
        cases.put("tan(x)", T.tan(x));
        cases.put("arcsin(tanh(x) * 0.5)", T.arcsin(u));
        cases.put("arccos(tanh(x) * 0.5)", T.arccos(u));
        cases.put("arctan(x)", T.arctan(x));
        cases.put("arctan2(x, 2)", T.arctan2(x, 2.0));
        cases.put("sinh(x)", T.sinh(x));
        cases.put("cosh(x)", T.cosh(x));
        cases.put("arcsinh(x)", T.arcsinh(x));
        cases.put("arccosh(abs(x) + 1.5)", T.arccosh(T.abs(x).add(1.5)));
        cases.put("arctanh(tanh(x) * 0.5)", T.arctanh(u));
        cases.put("softplus(x)", T.softplus(x));
        cases.put("erf(x)", T.erf(x));
        cases.put("erfc(x)", T.erfc(x));
        cases.put("gammaln(abs(x) + 0.5)", T.gammaln(p));
        cases.put("psi(abs(x) + 0.5)", T.psi(p));
        cases.put("trigamma(abs(x) + 0.5)", T.trigamma(p));
        cases.put("maximum(x, 0)", T.maximum(x, 0.0));
        cases.put("minimum(x, 0)", T.minimum(x, 0.0));
        cases.put("switch(gt(x, 0), x, 2 * x)", T.switch_(T.gt(x, 0.0), x, T.mul(x, 2.0)));
        cases.put("cast(and(gt(x, 0), lt(x, 1)), 'float64')", T.cast(T.and(T.gt(x, 0.0), T.lt(x, 1.0)), DType.FLOAT64));
        cases.put("cast(or(gt(x, 0), lt(x, -1)), 'float64')", T.cast(T.or(T.gt(x, 0.0), T.lt(x, -1.0)), DType.FLOAT64));
        cases.put("cast(xor(gt(x, 0), lt(x, 1)), 'float64')", T.cast(T.xor(T.gt(x, 0.0), T.lt(x, 1.0)), DType.FLOAT64));
        cases.put("cast(not(gt(x, 0)), 'float64')", T.cast(T.not(T.gt(x, 0.0)), DType.FLOAT64));
        cases.put("cast(lt(x, 0), 'float64')", T.cast(T.lt(x, 0.0), DType.FLOAT64));
        cases.put("cast(gt(x, 0), 'float64')", T.cast(T.gt(x, 0.0), DType.FLOAT64));
        cases.put("cast(le(x, 0.5), 'float64')", T.cast(T.le(x, 0.5), DType.FLOAT64));
        cases.put("cast(ge(x, 0.5), 'float64')", T.cast(T.ge(x, 0.5), DType.FLOAT64));
        cases.put("cast(eq(x, 0.5), 'float64')", T.cast(T.eq(x, 0.5), DType.FLOAT64));
        cases.put("cast(neq(x, 0.5), 'float64')", T.cast(T.neq(x, 0.5), DType.FLOAT64));
        cases.put("div(x, 3)", T.trueDiv(x, 3.0));
        cases.put("where(gt(x, 0), x, 0)", T.switch_(T.gt(x, 0.0), x, 0.0));
        cases.put("mul_without_zeros(x, 2)", T.mulWithoutZeros(x, 2.0));
        cases.put("zeros_like(x) + x", T.add(T.zerosLike(x), x));
        cases.put("ones_like(x) * x", T.mul(T.onesLike(x), x));
        cases.put("fill(x, 3.5)", T.fill(x, 3.5));
        cases.put("sum(A, 0)", T.sum(a, 0));
        cases.put("mean(A, 1)", T.mean(a, 1));
        cases.put("prod(A, 0, keepdims=1)", T.prod(a, true, 0));
        cases.put("max(A, 0)", T.max(a, 0));
        cases.put("min(A)", T.min(a));
        cases.put("cast(argmax(A, 1), 'float64')", T.cast(T.argmax(a, 1), DType.FLOAT64));
        cases.put("cast(argmin(A, -1), 'float64')", T.cast(T.argmin(a, -1), DType.FLOAT64));
        cases.put("cast(all(gt(A, -5), 0), 'float64')", T.cast(T.all(T.gt(a, -5.0), 0), DType.FLOAT64));
        cases.put("cast(any(gt(A, 2), 1), 'float64')", T.cast(T.any(T.gt(a, 2.0), 1), DType.FLOAT64));
        cases.put("max_and_argmax(A, 1)", T.maxAndArgmax(a, 1).get(0));
        cases.put("prod_without_zeros(A, 0)", T.prodWithoutZeros(a, 0));
        cases.put("var(A, 1, ddof=1)", T.var(a, 1, false, 1));
        cases.put("std(A, 0, keepdims=1)", T.std(a, 0, true, 0));
        cases.put("softmax(A, 0)", T.softmax(a, 0));
        cases.put("log_softmax(A)", T.logSoftmax(a));
        cases.put("categorical_crossentropy(softmax(A), softmax(A * 2))", T.categoricalCrossentropy(T.softmax(a),
                T.softmax(T.mul(a, 2.0))));
        cases.put("dot(A, x)", T.dot(a, x));
        cases.put("transpose(A)", T.transpose(a));
        cases.put("dimshuffle(x, 'x', 0)", T.dimshuffle(x, "x", 0));
        cases.put("cast(shape(A), 'float64')", T.cast(T.shape(a), DType.FLOAT64));
        cases.put("specify_shape(A, 2, 3)", T.specifyShape(a, 2, 3));
        cases.put("reshape(A, 3, 2)", T.reshape(a, 3, 2));
        cases.put("flatten(A)", T.flatten(a));
        cases.put("unbroadcast(dimshuffle(x, 'x', 0), 0)", T.unbroadcast(T.dimshuffle(x, "x", 0), 0));
        cases.put("addbroadcast(unbroadcast(dimshuffle(x, 'x', 0), 0), 0)",
                T.addBroadcast(T.unbroadcast(T.dimshuffle(x, "x", 0), 0), 0));
        cases.put("alloc(2.5, 2, 3)", T.alloc(2.5, 2, 3));
        cases.put("cast(arange(1, 7, 2), 'float64')", T.cast(T.arange(1L, 7L, 2L), DType.FLOAT64));
        cases.put("join(0, A, A)", T.join(0, a, a));
        cases.put("stack(x, x, axis=1)", T.stack(List.of(x, x), 1));
        cases.put("split(x, 1, 2, 1)", T.split(x, new int[] {2, 1}, 0).get(1));
        cases.put("tile(x, 2)", T.tile(x, 2));
        cases.put("tensor_from_scalar(scalar_from_tensor(sum(x)))", T.tensorFromScalar(T.scalarFromTensor(T.sum(x))));
        cases.put("scalar_from_tensor(sum(x))", T.scalarFromTensor(T.sum(x)));
        cases.put("advanced_subtensor1(x, [2, 0, 2])", T.advancedSubtensor1(x, NDArray.of(DType.INT64, new int[] {3}, 2, 0, 2)));
        cases.put("advanced_inc_subtensor1(x, 1.5, [0, 0])", T.advancedIncSubtensor1(x, 1.5,
                NDArray.of(DType.INT64, new int[] {2}, 0, 0)));
        cases.put("advanced_set_subtensor1(x, 1.5, [1])", T.advancedSetSubtensor1(x, 1.5,
                NDArray.of(DType.INT64, new int[] {1}, 1)));
        cases.put("advanced_subtensor(A, [1, 0], [2, 2])", T.advancedSubtensor(a, NDArray.of(DType.INT64, new int[] {2}, 1, 0),
                NDArray.of(DType.INT64, new int[] {2}, 2, 2)));
        cases.put("advanced_inc_subtensor(A, 1.5, [1], [0])", T.advancedIncSubtensor(a, 1.5,
                NDArray.of(DType.INT64, new int[] {1}, 1), NDArray.of(DType.INT64, new int[] {1}, 0)));
        cases.put("advanced_set_subtensor(A, 1.5, [1], [0])", T.advancedSetSubtensor(a, 1.5,
                NDArray.of(DType.INT64, new int[] {1}, 1), NDArray.of(DType.INT64, new int[] {1}, 0)));
        cases.put("permute_row_elements(x, [2, 0, 1], inverse=1)", T.permuteRowElements(x,
                NDArray.of(DType.INT64, new int[] {3}, 2, 0, 1), true));
        Variable spd = T.dot(a, T.transpose(a));
        cases.put("outer(x, x)", T.outer(x, x));
        cases.put("tensordot(A, W, 1)", T.tensordot(a, w, 1));
        cases.put("batched_dot(dimshuffle(A, 'x', 0, 1), dimshuffle(W, 'x', 0, 1))",
                T.batchedDot(T.dimshuffle(a, "x", 0, 1), T.dimshuffle(w, "x", 0, 1)));
        cases.put("matrix_inverse(dot(A, transpose(A)))", T.matrixInverse(spd));
        cases.put("det(dot(A, transpose(A)))", T.det(spd));
        cases.put("solve(dot(A, transpose(A)), dot(A, x))", T.solve(spd, T.dot(a, x)));
        cases.put("cholesky(dot(A, transpose(A)))", T.cholesky(spd));
        cases.put("eigh_values(dot(A, transpose(A)))", T.eigh(spd).get(0));
        cases.put("eigh_vectors(dot(A, transpose(A)))", T.eigh(spd).get(1));
        cases.put("qr_q(W)", T.qr(w).get(0));
        cases.put("qr_r(W)", T.qr(w).get(1));
        java.util.Set<String> tested = new java.util.TreeSet<>();
        for (Map.Entry<String, Variable> e : cases.entrySet()) {
            assertSame(e.getKey(), e.getValue());
            String k = e.getKey();
            tested.add(k.substring(0, k.indexOf('(')));
        }
        for (String k : List.of("and", "or", "xor", "not", "lt", "gt", "le", "ge", "eq", "neq", "argmax", "argmin", "all",
                "any", "shape", "arange", "tensor_from_scalar", "zeros_like", "ones_like", "abs", "tanh", "dimshuffle",
                "reshape")) {
            tested.add(k);
        }
        assertEquals(new java.util.TreeSet<>(OpRegistry.names()), tested, "a registry function has no case here");
        assertEquals(OpRegistry.names(), ExpressionParser.FUNCTIONS);
    }

    @Test
    void argumentErrorsAreLocatedAtTheArgument() {
        assertEquals("1:12: softmax: argument 2 (axis) must be an integer literal, got an expression",
                fails("softmax(A, x)").getMessage());
        assertEquals("1:9: cast: unknown dtype 'float8'", fails("cast(x, 'float8')").getMessage());
        assertEquals("1:11: function 'var' has no keyword 'dof'; keywords: [ddof, keepdims] (var(x, axis, ..., ddof=0,"
                + " keepdims=0))", fails("var(A, 1, dof=1)").getMessage().replace("[keepdims, ddof]", "[ddof, keepdims]"));
        assertEquals("1:16: positional argument after a keyword argument in var(...)",
                fails("var(A, ddof=1, 0, 1)").getMessage());
        assertEquals("1:9: unterminated string literal (opened with ')", fails("cast(x, 'float32)").getMessage());
        assertEquals("1:27: expected ',' or ']' to close the list opened at 1:24 but found ')'",
                fails("advanced_subtensor1(x, [1 )").getMessage());
        assertEquals("1:12: reshape: argument 2 (length) must be an integer literal, got the string 'a'",
                fails("reshape(x, 'a')").getMessage());
        assertTrue(fails("x + softmax(x, 3)").getMessage().startsWith("1:5: cannot build softmax(...):"),
                fails("x + softmax(x, 3)").getMessage());
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
        assertEquals("1:5: function 'dot' takes 2 arguments (dot(x, y)), got 1", fails("x + dot(x)").getMessage());
        assertEquals("1:1: function 'tanh' takes 1 argument (tanh(x)), got 2", fails("tanh(x, x)").getMessage());
        assertEquals("1:1: function 'sum' takes 1 or more arguments (sum(x) | sum(x, axis, ...)), got 0",
                fails("sum()").getMessage());
    }

    @Test
    void sumAxesMustBeIntegerLiterals() {
        assertEquals("1:8: sum: argument 2 (axis) must be an integer literal, got '0.5'",
                fails("sum(A, 0.5)").getMessage());
        assertEquals("1:8: sum: argument 2 (axis) must be an integer literal, got an expression",
                fails("sum(A, x)").getMessage());
    }

    @Test
    void unexpectedTokensSayWhatWasExpected() {
        assertEquals("1:4: expected a number, a name, a function call, a string, a list or '(' but found '*'",
                fails("x +* x").getMessage());
        assertEquals("1:3: expected an operator (+ - * / **) or the end of the expression but found 'x'",
                fails("x x").getMessage());
        assertEquals("1:7: expected ')' to close the '(' at 1:1 but found the end of the expression",
                fails("(x + x").getMessage());
        assertEquals("1:10: expected ',' or ')' in the arguments of dot(...) opened at 1:1 but found 'W'",
                fails("dot(x, x W)").getMessage());
        assertEquals("1:1: expected a number, a name, a function call, a string, a list or '(' but found the end of the"
                + " expression",
                fails("").getMessage());
    }

    @Test
    void badCharactersAndNumbersAreLocated() {
        assertEquals("1:3: unexpected character '@'; expected a number, a name, a string, one of + - * / ** ( ) [ ] , ="
                + " or whitespace",
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
