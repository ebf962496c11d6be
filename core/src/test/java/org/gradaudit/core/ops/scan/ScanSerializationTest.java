package org.gradaudit.core.ops.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.gradaudit.core.Function;
import org.gradaudit.core.Gradient;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.SharedVariable;
import org.gradaudit.core.T;
import org.gradaudit.core.Variable;
import org.gradaudit.core.compile.Program;
import org.gradaudit.core.ops.Scan;
import org.gradaudit.core.ops.ScanStep;
import org.junit.jupiter.api.Test;

class ScanSerializationTest {
    private static Program roundTrip(Program p) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream o = new ObjectOutputStream(bytes)) {
            o.writeObject(p);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (Program) in.readObject();
        }
    }

    @Test
    void aProgramWithAScanAndItsGradientRunsAfterARoundTrip() throws Exception {
        SharedVariable w = T.shared(ScanFixtures.rnnPoints().get(2), "W");
        Variable x = T.matrix("x"), h0 = T.vector("h0"), u = T.matrix("U");
        Variable h = ScanFixtures.rnn(x, h0, w, u);
        Variable y0 = T.matrix("y0");
        Variable fib = Scan.builder().outputsInfo(Scan.state(y0, -2, -1)).nSteps(5).goBackwards(true)
                .step(in -> ScanStep.of(T.add(in.state(0, -2), T.mul(in.state(0, -1), 0.5)))).build().get(0);
        Variable cost = T.add(T.sum(T.sqr(h)), T.sum(fib));
        List<Variable> outs = new ArrayList<>(List.of(h, fib));
        outs.addAll(Gradient.grad(cost, List.of(x, h0, w, u, y0)));
        Program p = Function.compile(List.of(x, h0, u, y0), outs).program();
        assertTrue(p.ops().stream().filter(op -> op instanceof Scan).count() >= 3, p.toString());
        Program back = roundTrip(p);
        NDArray[] args = {ScanFixtures.random(1, 5, 3), ScanFixtures.random(3, 4), ScanFixtures.random(4, 4, 3),
                ScanFixtures.random(5, 2, 2)};
        NDArray[] a = p.run(args);
        NDArray[] b = back.run(args);
        assertEquals(a.length, b.length);
        for (int i = 0; i < a.length; i++) {
            assertEquals(a[i], b[i], "output " + i);
        }
    }

    @Test
    void aScanReadBackCannotBeDifferentiatedAndSaysWhy() throws Exception {
        Variable x = T.vector("x");
        Variable y = Scan.builder().sequences(x).outputsInfo(Scan.noFeedback()).step(in -> ScanStep.of(T.sqr(in.seq(0))))
                .build().get(0);
        Program back = roundTrip(Function.compile(List.of(x), y).program());
        Scan op = (Scan) back.ops().stream().filter(o -> o instanceof Scan).findFirst().orElseThrow();
        Variable x2 = T.vector("x2");
        List<Variable> out = op.makeNode(x2).outputs();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Gradient.grad(T.sum(out.get(0)), x2));
        assertTrue(e.getMessage().contains("symbolic step graph is not available"), e.getMessage());
        assertEquals(NDArray.of(1, 4, 9), Function.compile(List.of(x2), out.get(0)).call1(NDArray.of(1, 2, 3)));
    }
}
