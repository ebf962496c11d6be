package org.gradaudit.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import org.gradaudit.core.compile.Program;
import org.gradaudit.core.ops.Elemwise;
import org.gradaudit.core.ops.GradientOps;
import org.junit.jupiter.api.Test;

class ProgramTest {
    static byte[] serialize(Object o) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        return bytes.toByteArray();
    }

    static Object deserialize(byte[] b) throws IOException, ClassNotFoundException {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(b))) {
            return in.readObject();
        }
    }

    @Test
    void programOfAGradientSurvivesSerialization() throws Exception {
        Variable x = T.vector("x");
        Variable W = T.shared(NDArray.of(new double[][] {{1, 2}, {3, 4}, {5, 6}}), "W");
        Variable c = T.sum(T.sqr(T.tanh(T.dot(x, W))));
        Function f = Function.compile(List.of(x), List.of(c, Gradient.grad(c, x)));
        NDArray xv = NDArray.of(0.1, 0.2, -0.3);
        List<NDArray> expected = f.call(xv);
        Program back = (Program) deserialize(serialize(f.program()));
        NDArray[] got = back.run(xv);
        assertEquals(expected.get(0), got[0]);
        assertEquals(expected.get(1), got[1]);
    }

    @Test
    void deepGraphCompilesAndSerializesWithoutRecursion() throws Exception {
        Variable x = T.scalar("x");
        Variable y = x;
        for (int i = 0; i < 20_000; i++) {
            y = T.add(T.mul(y, 0.5), x);
        }
        Variable g = Gradient.grad(y, x);
        Function f = Function.compile(List.of(x), List.of(y, g));
        Program back = (Program) deserialize(serialize(f.program()));
        NDArray[] r = back.run(NDArray.scalar(1.0));
        assertEquals(2.0, r[0].item(), 1e-12);      // fixed point of y = y/2 + 1
        assertEquals(2.0, r[1].item(), 1e-12);
    }

    @Test
    void rerunOfOneInputEqualsAFullRunBitForBit() {
        Variable x = T.vector("x");
        Variable W = T.matrix("W");
        Variable b = T.vector("b");
        Variable h = T.tanh(T.add(T.dot(x, W), b));
        Variable c = T.sum(T.sqr(T.sigmoid(T.mul(h, T.sum(x)))));
        Program p = Function.compile(List.of(x, W, b), List.of(c, h)).program();
        NDArray xv = NDArray.of(0.1, -0.4, 0.7);
        NDArray wv = NDArray.of(new double[][] {{0.3, -0.2}, {0.5, 0.1}, {-0.6, 0.9}});
        NDArray bv = NDArray.of(0.05, -0.15);
        Program.Snapshot base = p.evaluate(xv, wv, bv);
        NDArray w2 = NDArray.of(new double[][] {{0.3, -0.2}, {0.5, 0.1000001}, {-0.6, 0.9}});
        NDArray b2 = NDArray.of(0.05, -0.1500001);
        NDArray[] partialW = p.rerun(base, 1, w2);
        NDArray[] fullW = p.run(xv, w2, bv);
        NDArray[] partialB = p.rerun(base, 2, b2);
        NDArray[] fullB = p.run(xv, wv, b2);
        for (int k = 0; k < 2; k++) {
            assertEquals(fullW[k], partialW[k]);
            assertEquals(fullB[k], partialB[k]);
        }
        assertEquals(p.run(xv, wv, bv)[0], base.outputs()[0]);
        assertTrue(!fullW[0].equals(base.outputs()[0]), "the perturbation must change the cost");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.rerun(base, 2, NDArray.scalar(1.0)));
        assertTrue(e.getMessage().contains("input 2 (b)"), e.getMessage());
    }

    @Test
    void gradientIdentitiesAreRemovedFromPrograms() {
        Variable x = T.vector("x");
        Variable y = T.add(Gradient.gradClip(Gradient.zeroGrad(x), -1, 1), Gradient.gradScale(Gradient.disconnectedGrad(x), 2));
        Program p = Function.compile(List.of(x), y).program();
        assertEquals(1, p.ops().size(), p.toString());
        assertTrue(p.ops().stream().noneMatch(op -> op instanceof GradientOps.ViewOp));
        assertEquals(NDArray.of(2, 4), Function.of(p).call1(NDArray.of(1, 2)));
    }

    @Test
    void duplicatesAreMergedAndConstantsFolded() {
        Variable x = T.vector("x");
        Variable a = T.exp(x);
        Variable b = T.exp(x);
        Variable k = T.mul(T.constant(2.0), T.constant(3.0));
        Program p = Function.compile(List.of(x), T.add(T.add(a, b), k)).program();
        assertEquals(3, p.ops().size(), p.toString());         // exp, add, add
        assertTrue(p.ops().stream().allMatch(op -> op instanceof Elemwise));
    }

    @Test
    void undeclaredInputIsNamed() {
        Variable x = T.vector("x");
        Variable y = T.vector("y");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Function.compile(List.of(x), T.add(x, y)));
        assertTrue(e.getMessage().startsWith("Undeclared input: y"), e.getMessage());
    }

    @Test
    void inputValuesAreTypeChecked() {
        Variable x = T.vector("x");
        Function f = Function.compile(List.of(x), T.exp(x));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> f.call(NDArray.of(DType.FLOAT32, new int[] {1}, 1)));
        assertTrue(e.getMessage().contains("input 0 (x)") && e.getMessage().contains("float32"), e.getMessage());
        IllegalArgumentException n = assertThrows(IllegalArgumentException.class, () -> f.call(NDArray.scalar(1)));
        assertTrue(n.getMessage().contains("ndim 0"), n.getMessage());
    }

    @Test
    void tamperedProgramFailsTypecheckOnRead() throws Exception {
        Variable x = T.vector("x");
        Program good = Function.compile(List.of(x), T.cast(T.exp(x), DType.FLOAT32)).program();
        byte[] b = serialize(good);
        class Swapping extends ObjectInputStream {
            Swapping(byte[] data) throws IOException {
                super(new ByteArrayInputStream(data));
                enableResolveObject(true);
            }

            @Override
            protected Object resolveObject(Object obj) {
                return obj instanceof org.gradaudit.core.ops.Cast ? new org.gradaudit.core.ops.Cast(DType.INT32) : obj;
            }
        }
        try (Swapping in = new Swapping(b)) {
            java.io.InvalidObjectException e = assertThrows(java.io.InvalidObjectException.class, in::readObject);
            assertTrue(e.getMessage().contains("output 0 has type TensorType(int32, (False,)) but slot"), e.getMessage());
        }
        assertEquals(DType.FLOAT32, ((Program) deserialize(b)).run(NDArray.of(0.0))[0].dtype());
    }

    @Test
    void userOpReturningTheWrongDtypeIsReportedWithTheOp() {
        Op bad = new Op() {
            @Override
            public Apply makeNode(List<Variable> inputs) {
                return Apply.create(this, inputs, List.of(inputs.get(0).type()));
            }

            @Override
            public NDArray[] perform(NDArray[] in) {
                return new NDArray[] {in[0].astype(DType.FLOAT32)};
            }

            @Override
            public String toString() {
                return "BadOp";
            }
        };
        Variable x = T.vector("x");
        Function f = Function.compile(List.of(x), bad.makeNode(x).out());
        OpContractError e = assertThrows(OpContractError.class, () -> f.call(NDArray.of(1)));
        assertTrue(e.getMessage().startsWith("BadOp.perform returned for output 0 a value with dtype float32"), e.getMessage());
    }

    @Test
    void nullTypeInAGraphFailsCompilationWithItsReason() {
        Variable x = T.vector("x");
        Variable g = Gradient.grad(T.sum(Gradient.undefinedGrad(x)), x,
                GradOptions.builder().nullGradients(NullGradients.RETURN).build());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Function.compile(List.of(x), g));
        assertTrue(e.getMessage().startsWith("Computation graph contains a NaN. This variable is Null because the grad"
                + " method for input 0 (x) of the UndefinedGrad op is mathematically undefined."), e.getMessage());
    }

    @Test
    void anOutputTypeThatDependsOnAConstantInputTypechecks() {
        // reshape to a constant shape with a length-1 axis: makeNode marks that axis broadcastable
        Variable x = T.vector("x");
        Variable y = T.reshape(x, 3, 1);
        Function f = Function.compile(List.of(x), T.mul(y, 2.0));
        NDArray r = f.call1(NDArray.of(1, 2, 3));
        assertEquals(java.util.Arrays.toString(new int[] {3, 1}), java.util.Arrays.toString(r.shape()));
    }
}
