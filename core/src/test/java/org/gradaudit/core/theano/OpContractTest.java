package org.gradaudit.core.theano;

import static org.gradaudit.core.theano.Th.assertValues;
import static org.gradaudit.core.theano.Th.eval;
import static org.gradaudit.core.theano.Th.eval1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.gradaudit.core.Apply;
import org.gradaudit.core.DType;
import org.gradaudit.core.DisconnectedInputError;
import org.gradaudit.core.DisconnectedInputs;
import org.gradaudit.core.DisconnectedType;
import org.gradaudit.core.GradOptions;
import org.gradaudit.core.Gradient;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.NullGradients;
import org.gradaudit.core.NullType;
import org.gradaudit.core.NullTypeGradError;
import org.gradaudit.core.Op;
import org.gradaudit.core.OpContractError;
import org.gradaudit.core.T;
import org.gradaudit.core.TensorType;
import org.gradaudit.core.Variable;
import org.junit.jupiter.api.Test;

/** §2 and §3.5 of the spec: the Op contract as enforced by grad, with user-defined ops. */
class OpContractTest {

    interface GradRule {
        List<Variable> apply(UserOp op, List<Variable> inputs, List<Variable> outputGrads);
    }

    /**
     * A user op: {@code nOut} outputs of input 0's shape; output j = (j + 1) * (sum of the inputs),
     * cast to the output dtype (int outputs are floored). Records the output gradients it receives.
     */
    static final class UserOp extends Op {
        private static final long serialVersionUID = 1L;
        final String name;
        final int nOut;
        final DType outDType;           // null: input 0's dtype
        final boolean[][] pattern;      // null: none defined
        final transient GradRule rule;
        int gradCalls;
        List<Variable> lastOutputGrads;

        UserOp(String name, int nOut, DType outDType, boolean[][] pattern, GradRule rule) {
            this.name = name;
            this.nOut = nOut;
            this.outDType = outDType;
            this.pattern = pattern;
            this.rule = rule;
        }

        UserOp(String name, GradRule rule) {
            this(name, 1, null, null, rule);
        }

        @Override
        public Apply makeNode(List<Variable> inputs) {
            TensorType t = inputs.get(0).tensorType();
            List<TensorType> outs = new ArrayList<>();
            for (int j = 0; j < nOut; j++) {
                outs.add(outDType == null ? t : t.withDType(outDType));
            }
            return Apply.create(this, inputs, outs);
        }

        @Override
        public NDArray[] perform(NDArray[] in) {
            NDArray[] r = new NDArray[nOut];
            for (int j = 0; j < nOut; j++) {
                double[] d = new double[in[0].size()];
                for (NDArray a : in) {
                    for (int i = 0; i < d.length; i++) {
                        d[i] += a.getFlat(i);
                    }
                }
                DType od = outDType == null ? in[0].dtype() : outDType;
                for (int i = 0; i < d.length; i++) {
                    d[i] = od.isFloat() ? d[i] * (j + 1) : Math.floor(d[i] * (j + 1));
                }
                r[j] = NDArray.of(od, in[0].shape(), d);
            }
            return r;
        }

        @Override
        public List<Variable> grad(List<Variable> inputs, List<Variable> outputGrads) {
            gradCalls++;
            lastOutputGrads = outputGrads;
            return rule.apply(this, inputs, outputGrads);
        }

        @Override
        public boolean[][] connectionPattern(Apply node) {
            return pattern;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private static Variable first(UserOp op, Variable... in) {
        return op.makeNode(in).out();
    }

    /** sum_j (j + 1) * g_j over connected output grads, for every input (the true gradient of perform). */
    private static List<Variable> trueGrad(UserOp op, List<Variable> inputs, List<Variable> ogs) {
        Variable g = null;
        for (int j = 0; j < ogs.size(); j++) {
            if (!DisconnectedType.is(ogs.get(j)) && !NullType.is(ogs.get(j))) {
                Variable t = T.mul(ogs.get(j), (double) (j + 1));
                g = g == null ? t : T.add(g, t);
            }
        }
        List<Variable> r = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            r.add(g == null ? DisconnectedType.create() : g);
        }
        return r;
    }

    private final Variable x = T.vector("x");
    private final NDArray xv = NDArray.of(1.0, -2.0, 0.5);

    @Test
    void multiOutputOpReceivesDisconnectedGradForAnUnusedOutput() {
        UserOp op = new UserOp("TwoOut", 2, null, null, OpContractTest::trueGrad);
        List<Variable> outs = op.makeNode(x).outputs();
        Variable g = Gradient.grad(T.sum(outs.get(0)), x);
        assertEquals(1, op.gradCalls);
        assertTrue(op.lastOutputGrads.get(0).isTensor());
        assertEquals(DType.FLOAT64, op.lastOutputGrads.get(0).dtype());
        assertTrue(DisconnectedType.is(op.lastOutputGrads.get(1)), "unused output's gradient is a placeholder");
        assertValues(new double[] {1, 1, 1}, eval1(List.of(x), g, xv), 0);
    }

    @Test
    void multiOutputOpWithBothOutputsUsedGetsBothGradients() {
        UserOp op = new UserOp("TwoOut", 2, null, null, OpContractTest::trueGrad);
        List<Variable> outs = op.makeNode(x).outputs();
        Variable g = Gradient.grad(T.add(T.sum(outs.get(0)), T.sum(T.mul(outs.get(1), 10.0))), x);
        assertFalse(DisconnectedType.is(op.lastOutputGrads.get(1)));
        assertValues(new double[] {21, 21, 21}, eval1(List.of(x), g, xv), 0);
    }

    @Test
    void opUsingTheSameVariableTwiceContributesOneTermPerPosition() {
        UserOp op = new UserOp("Pair", (o, in, og) -> List.of(og.get(0), T.mul(og.get(0), 2.0)));
        Variable g = Gradient.grad(T.sum(op.makeNode(x, x).out()), x);
        assertEquals(1, op.gradCalls, "one call for the node, two terms for x");
        assertValues(new double[] {3, 3, 3}, eval1(List.of(x), g, xv), 0);
    }

    @Test
    void gradReturningNullIsAnOpContractErrorNamingTheOp() {
        UserOp op = new UserOp("Bad", (o, in, og) -> null);
        OpContractError e = assertThrows(OpContractError.class, () -> Gradient.grad(T.sum(first(op, x)), x));
        assertSame(op, e.op());
        assertEquals(-1, e.position());
        assertTrue(e.getMessage().startsWith("Bad.grad returned null"), e.getMessage());
    }

    @Test
    void nullGradientTermIsProhibited() {
        Variable y = T.vector("y");
        UserOp op = new UserOp("Bad", (o, in, og) -> java.util.Arrays.asList(og.get(0), null));
        OpContractError e = assertThrows(OpContractError.class,
                () -> Gradient.grad(T.sum(op.makeNode(x, y).out()), x));
        assertEquals(1, e.position());
        assertTrue(e.getMessage().startsWith("Bad.grad returned null for the gradient term of input 1"), e.getMessage());
        assertTrue(e.getMessage().contains("DisconnectedType"), e.getMessage());
    }

    @Test
    void wrongNumberOfGradientTermsIsAnError() {
        Variable y = T.vector("y");
        UserOp op = new UserOp("Bad", (o, in, og) -> List.of(og.get(0)));
        OpContractError e = assertThrows(OpContractError.class,
                () -> Gradient.grad(T.sum(op.makeNode(x, y).out()), x));
        assertSame(op, e.op());
        assertTrue(e.getMessage().startsWith("Bad returned the wrong number of gradient terms"), e.getMessage());
    }

    @Test
    void termWithWrongNdimIsAnErrorAtItsPosition() {
        UserOp op = new UserOp("Bad", (o, in, og) -> List.of(T.sum(og.get(0))));
        OpContractError e = assertThrows(OpContractError.class, () -> Gradient.grad(T.sum(first(op, x)), x));
        assertEquals(0, e.position());
        assertEquals("Bad.grad returned a term with 0 dimensions for input 0, but 1 are required.", e.getMessage());
    }

    @Test
    void integerTermIsIllegal() {
        UserOp op = new UserOp("Bad", (o, in, og) -> List.of(T.cast(og.get(0), DType.INT32)));
        OpContractError e = assertThrows(OpContractError.class, () -> Gradient.grad(T.sum(first(op, x)), x));
        assertEquals(0, e.position());
        assertEquals("Bad.grad illegally returned an integer-valued variable. (Input index 0, dtype int32)",
                e.getMessage());
    }

    @Test
    void termContradictingTheConnectionPatternIsAnError() {
        Variable y = T.vector("y");
        UserOp op = new UserOp("Bad", 1, null, new boolean[][] {{true}, {false}},
                (o, in, og) -> List.of(og.get(0), og.get(0)));
        OpContractError e = assertThrows(OpContractError.class,
                () -> Gradient.grad(T.sum(op.makeNode(x, y).out()), x));
        assertEquals(1, e.position());
        assertTrue(e.getMessage().startsWith("Bad.grad returned "), e.getMessage());
        assertTrue(e.getMessage().contains(" for input 1. Expected DisconnectedType instance based on"), e.getMessage());
        assertTrue(e.getMessage().endsWith("connection_pattern method."), e.getMessage());
    }

    @Test
    void disconnectedTermWithoutConnectionPatternOnlyWarns() {
        Variable y = T.vector("y");
        UserOp op = new UserOp("Half", (o, in, og) -> List.of(og.get(0), DisconnectedType.create()));
        Th.Warnings w = new Th.Warnings();
        Variable g = Gradient.grad(T.sum(op.makeNode(x, y).out()), x, GradOptions.builder().warnings(w).build());
        assertEquals(List.of("Half.grad returned DisconnectedType for input 1. You may want to implement a"
                + " connection_pattern method for it."), w.messages);
        assertValues(new double[] {1, 1, 1}, eval1(List.of(x, y), g, xv, xv), 0);
    }

    @Test
    void disconnectedTermWithoutConnectionPatternMakesThatInputDisconnected() {
        Variable y = T.vector("y");
        UserOp op = new UserOp("Half", (o, in, og) -> List.of(og.get(0), DisconnectedType.create()));
        Th.Warnings w = new Th.Warnings();
        Variable c = T.sum(op.makeNode(x, y).out());
        DisconnectedInputError e = assertThrows(DisconnectedInputError.class,
                () -> Gradient.grad(c, y, GradOptions.builder().warnings(w).build()));
        assertSame(y, e.variable());
        List<Variable> g = Gradient.grad(c, List.of(x, y), GradOptions.builder().warnings(w)
                .disconnectedInputs(DisconnectedInputs.IGNORE).build());
        List<NDArray> v = eval(List.of(x, y), g, xv, xv);
        assertValues(new double[] {1, 1, 1}, v.get(0), 0);
        assertValues(new double[] {0, 0, 0}, v.get(1), 0);
    }

    @Test
    void disconnectedTermContradictingADeclaredPatternIsAnError() {
        Variable y = T.vector("y");
        UserOp op = new UserOp("Bad", 1, null, new boolean[][] {{true}, {true}},
                (o, in, og) -> List.of(og.get(0), DisconnectedType.create()));
        OpContractError e = assertThrows(OpContractError.class,
                () -> Gradient.grad(T.sum(op.makeNode(x, y).out()), x));
        assertEquals(1, e.position());
        assertEquals("Bad.grad returned DisconnectedType for input 1. Its connection_pattern method does not allow"
                + " this.", e.getMessage());
    }

    @Test
    void partialConnectionPatternDisconnectsAnInputWithoutCallingGrad() {
        Variable y = T.vector("y");
        UserOp op = new UserOp("Diag", 2, null, new boolean[][] {{true, false}, {false, true}},
                (o, in, og) -> List.of(
                        DisconnectedType.is(og.get(0)) ? DisconnectedType.create() : og.get(0),
                        DisconnectedType.is(og.get(1)) ? DisconnectedType.create() : T.mul(og.get(1), 2.0)));
        List<Variable> outs = op.makeNode(x, y).outputs();
        Variable c0 = T.sum(outs.get(0));
        DisconnectedInputError e = assertThrows(DisconnectedInputError.class, () -> Gradient.grad(c0, y));
        assertSame(y, e.variable());
        assertEquals(0, op.gradCalls, "y is not connected: the op's grad is not needed");

        Variable gx = Gradient.grad(c0, x);
        assertEquals(1, op.gradCalls);
        assertTrue(DisconnectedType.is(op.lastOutputGrads.get(1)));
        assertValues(new double[] {1, 1, 1}, eval1(List.of(x, y), gx, xv, xv), 0);

        List<Variable> g = Gradient.grad(T.sum(outs.get(1)), List.of(x, y),
                GradOptions.builder().disconnectedInputs(DisconnectedInputs.IGNORE).build());
        List<NDArray> v = eval(List.of(x, y), g, xv, xv);
        assertValues(new double[] {0, 0, 0}, v.get(0), 0);
        assertValues(new double[] {2, 2, 2}, v.get(1), 0);
    }

    @Test
    void connectionPatternWithWrongRowCountIsRejected() {
        Variable y = T.vector("y");
        UserOp op = new UserOp("Bad", 1, null, new boolean[][] {{true}}, OpContractTest::trueGrad);
        OpContractError e = assertThrows(OpContractError.class,
                () -> Gradient.grad(T.sum(op.makeNode(x, y).out()), x));
        assertTrue(e.getMessage().startsWith("Bad.connectionPattern should have 2 rows"), e.getMessage());
        assertTrue(e.getMessage().contains("but has 1"), e.getMessage());
    }

    @Test
    void connectionPatternWithWrongRowLengthIsRejected() {
        UserOp op = new UserOp("Bad", 1, null, new boolean[][] {{true, true}}, OpContractTest::trueGrad);
        OpContractError e = assertThrows(OpContractError.class, () -> Gradient.grad(T.sum(first(op, x)), x));
        assertEquals(0, e.position());
        assertTrue(e.getMessage().startsWith("Bad.connectionPattern row 0 should have 1 entries"), e.getMessage());
    }

    @Test
    void integerOnlyOutputReceivesAFloatGradientAndMayReturnZeros() {
        UserOp op = new UserOp("Floor", 1, DType.INT32, null, (o, in, og) -> List.of(T.zerosLike(in.get(0))));
        Variable y = first(op, x);
        assertEquals(DType.INT32, y.dtype());
        Variable g = Gradient.grad(T.sum(T.cast(y, DType.FLOAT64)), x);
        assertTrue(op.lastOutputGrads.get(0).dtype().isFloat(), "an integer output's gradient is never cast to int");
        assertEquals(DType.FLOAT64, op.lastOutputGrads.get(0).dtype());
        assertEquals(DType.FLOAT64, g.dtype());
        assertValues(new double[] {0, 0, 0}, eval1(List.of(x), g, xv), 0);
    }

    @Test
    void integerOnlyOutputWithProvablyNonZeroTermIsAnError() {
        Variable s = T.scalar("s");
        UserOp op = new UserOp("Floor", 1, DType.INT32, null, (o, in, og) -> List.of(T.onesLike(in.get(0))));
        OpContractError e = assertThrows(OpContractError.class,
                () -> Gradient.grad(T.cast(first(op, s), DType.FLOAT64), s));
        assertEquals(0, e.position());
        assertTrue(e.getMessage().startsWith("Floor.grad returned "), e.getMessage());
        assertTrue(e.getMessage().contains(" for input 0. Since this input is only connected to integer-valued"
                + " outputs, it should evaluate to zeros, but it evaluates to"), e.getMessage());
        assertTrue(e.getMessage().contains("1.0"), e.getMessage());
    }

    @Test
    void integerOnlyOutputWithUnprovableTermIsSilentlyAccepted() {
        UserOp op = new UserOp("Floor", 1, DType.INT32, null, (o, in, og) -> List.of(T.mul(og.get(0), in.get(0))));
        Variable g = Gradient.grad(T.sum(T.cast(first(op, x), DType.FLOAT64)), x);
        assertValues(new double[] {1, -2, 0.5}, eval1(List.of(x), g, xv), 0);
    }

    @Test
    void floatOutputGradientIsCastToTheOutputDtype() {
        Variable x32 = T.fvector("x32");
        UserOp op = new UserOp("Id32", OpContractTest::trueGrad);
        Variable y = first(op, x32);
        Variable seed = T.vector("seed");          // float64 cotangent for a float32 output
        Variable g = Gradient.lop(List.of(y), List.of(x32), List.of(seed)).get(0);
        assertEquals(DType.FLOAT32, op.lastOutputGrads.get(0).dtype());
        assertEquals(DType.FLOAT32, g.dtype());
        NDArray v = eval1(List.of(x32, seed), g, NDArray.of(DType.FLOAT32, new int[] {2}, 1, 2),
                NDArray.of(0.1, 3.0));
        assertEquals(DType.FLOAT32, v.dtype());
        assertValues(new double[] {(float) 0.1, 3.0}, v, 0);
    }

    @Test
    void outputWithUndefinedGradientPoisonsItsInputsWithoutCallingGrad() {
        UserOp op = new UserOp("TwoOut", 2, null, null, OpContractTest::trueGrad);
        List<Variable> outs = op.makeNode(x).outputs();
        Variable g = Gradient.grad(T.sum(Gradient.undefinedGrad(outs.get(1))), x,
                GradOptions.builder().nullGradients(NullGradients.RETURN).build());
        assertEquals(0, op.gradCalls, "every input is only connected to a NaN gradient");
        assertTrue(NullType.is(g));
        String why = ((NullType) g.type()).whyNull();
        assertTrue(why.contains("of the UndefinedGrad op is mathematically undefined"), why);
    }

    @Test
    void undefinedOutputGradientReplacesAConnectedInputsTerm() {
        UserOp op = new UserOp("TwoOut", 2, null, null, OpContractTest::trueGrad);
        List<Variable> outs = op.makeNode(x).outputs();
        Variable c = T.add(T.sum(outs.get(0)), T.sum(Gradient.undefinedGrad(outs.get(1))));
        Variable g = Gradient.grad(c, x, GradOptions.builder().nullGradients(NullGradients.RETURN).build());
        assertEquals(1, op.gradCalls);
        assertTrue(NullType.is(g));
        assertTrue(((NullType) g.type()).whyNull().contains("UndefinedGrad"));
        NullTypeGradError e = assertThrows(NullTypeGradError.class, () -> Gradient.grad(c, x));
        assertTrue(e.getMessage().contains("UndefinedGrad op is mathematically undefined"), e.getMessage());
    }

    @Test
    void opReturningGradNotImplementedPoisonsTheSum() {
        UserOp op = new UserOp("Todo", (o, in, og) -> List.of(Gradient.gradNotImplemented(o, 0, in.get(0), "later")));
        Variable c = T.add(T.sum(first(op, x)), T.sum(T.mul(x, x)));
        NullTypeGradError e = assertThrows(NullTypeGradError.class, () -> Gradient.grad(c, x));
        assertTrue(e.getMessage().endsWith("This variable is Null because the grad method for input 0 (x) of the Todo"
                + " op is not implemented. later"), e.getMessage());
        Variable g = Gradient.grad(c, x, GradOptions.builder().nullGradients(NullGradients.RETURN).build());
        assertTrue(NullType.is(g), "a NaN term poisons the sum with the other path");
    }

    @Test
    void opWithoutGradRuleFailsNamingTheOp() {
        TypesAndPlaceholdersTest.Marker m = new TypesAndPlaceholdersTest.Marker();
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> Gradient.grad(T.sum(m.makeNode(x).out()), x));
        assertTrue(e.getMessage().contains("Marker"), e.getMessage());
    }

    @Test
    void integerOnlyOutputWithProvablyNonZeroVectorTermIsAnError() {
        UserOp op = new UserOp("Floor", 1, DType.INT32, null, (o, in, og) -> List.of(T.onesLike(in.get(0))));
        OpContractError e = assertThrows(OpContractError.class,
                () -> Gradient.grad(T.sum(T.cast(first(op, x), DType.FLOAT64)), x));
        assertEquals(0, e.position());
        assertTrue(e.getMessage().contains("it should evaluate to zeros, but it evaluates to 1.0"), e.getMessage());
    }
}
