package org.gradaudit.core.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.gradaudit.core.Apply;
import org.gradaudit.core.DType;
import org.gradaudit.core.DisconnectedInputs;
import org.gradaudit.core.Function;
import org.gradaudit.core.GradOptions;
import org.gradaudit.core.Gradient;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.ReturnDisconnected;
import org.gradaudit.core.RopOptions;
import org.gradaudit.core.T;
import org.gradaudit.core.TensorType;
import org.gradaudit.core.Variable;
import org.gradaudit.core.check.RopCheck;
import org.gradaudit.core.check.Tolerances;
import org.gradaudit.core.check.VerifyGrad;
import org.gradaudit.core.check.VerifyOptions;
import org.gradaudit.core.compile.Program;
import org.gradaudit.core.graph.Graphs;
import org.gradaudit.core.ops.Elemwise;
import org.gradaudit.core.ops.ScalarOp;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The conformance matrix over the whole catalogue: for every op, shape set and dtype, the forward
 * against its independent reference, the L-op against finite differences (verifyGrad), the R-op
 * against finite differences of J t, against an explicit (numeric) Jacobian times v and against
 * the L-op identity, a Program serialization round trip, and inputs never mutated. Plus: every op
 * class and scalar op of the core has a catalogue case.
 */
class ConformanceTest {
    private static final long SEED = 20261126L;

    @TestFactory
    Stream<DynamicTest> everyOpPassesTheMatrix() {
        List<DynamicTest> tests = new ArrayList<>();
        for (CatalogEntry e : OpCatalog.all()) {
            for (int s = 0; s < e.shapes().size(); s++) {
                for (DType d : e.dtypes()) {
                    int set = s;
                    tests.add(DynamicTest.dynamicTest(e.name() + " shapes#" + s + " " + d, () -> matrix(e, set, d)));
                }
            }
        }
        return tests.stream();
    }

    private static void matrix(CatalogEntry e, int set, DType dtype) throws Exception {
        List<NDArray> points = OpCatalog.points(e, set, dtype, SEED);
        List<NDArray> copies = new ArrayList<>();
        for (NDArray p : points) {
            copies.add(NDArray.wrap(p.dtype(), p.shape(), p.toDoubleArray()));
        }
        List<Variable> inputs = new ArrayList<>();
        for (int i = 0; i < points.size(); i++) {
            inputs.add(TensorType.ofValue(points.get(i)).make("x" + i));
        }
        Variable out = e.builder().apply(inputs);
        NDArray[] pts = points.toArray(new NDArray[0]);
        NDArray y = Function.compile(inputs, out).call1(pts);

        // forward against the reference
        if (e.reference() != null) {
            double[] ref = e.reference().apply(pts);
            assertEquals(ref.length, y.size(), e.name() + ": output size");
            double tol = y.dtype() == DType.FLOAT64 ? 1e-12 : 2e-6;
            for (int i = 0; i < ref.length; i++) {
                double want = y.dtype().coerce(ref[i]);
                if (!(Math.abs(y.getFlat(i) - want) <= tol * Math.max(1, Math.abs(want)))) {
                    fail(e.name() + ": forward element " + i + " is " + y.getFlat(i) + ", reference " + want);
                }
            }
        }

        // L-op against finite differences, in the dtype's default tolerances
        VerifyGrad.verifyGrad(e.builder(), points, VerifyOptions.builder().seed(SEED).build());

        // R-op against finite differences of J t and the identity <J t, c> = <t, J^T c>
        RopCheck.verifyRop(e.builder(), points, VerifyOptions.builder().seed(SEED).nTests(1).build(),
                RopOptions.builder().disconnectedOutputs(DisconnectedInputs.IGNORE)
                        .returnDisconnected(ReturnDisconnected.ZERO).build());

        // R-op against an explicit Jacobian (central differences, column by column) times v
        if (dtype == DType.FLOAT64) {
            explicitJacobianTimesV(e, inputs, out, points);
        }

        // program round trip of the forward and the gradient
        Variable c = T.sum(T.mul(out, 1.5));
        List<Variable> g = Gradient.grad(c, inputs, GradOptions.builder().disconnectedInputs(DisconnectedInputs.IGNORE).build());
        List<Variable> outs = new ArrayList<>(g);
        outs.add(out);
        Program p = Function.compile(inputs, outs).program();
        Program back = roundTrip(p);
        NDArray[] a = p.run(pts);
        NDArray[] b = back.run(pts);
        for (int i = 0; i < a.length; i++) {
            assertEquals(a[i], b[i], e.name() + ": output " + i + " differs after a serialization round trip");
        }

        // partial re-evaluation of the forward and gradient program, bit for bit
        partialRerunEqualsRun(e, p, pts);

        // inputs never mutated
        for (int i = 0; i < points.size(); i++) {
            assertEquals(copies.get(i), points.get(i), e.name() + ": input " + i + " was modified");
        }
    }

    private static void explicitJacobianTimesV(CatalogEntry e, List<Variable> inputs, Variable out, List<NDArray> points) {
        List<Variable> tangents = new ArrayList<>();
        List<Variable> all = new ArrayList<>(inputs);
        for (Variable in : inputs) {
            Variable t = in.tensorType().make();
            tangents.add(t);
            all.add(t);
        }
        Variable jt = Gradient.rop(List.of(out), inputs, tangents, RopOptions.builder()
                .disconnectedOutputs(DisconnectedInputs.IGNORE).build()).get(0);
        Function f = Function.compile(all, List.of(jt));
        Function fwd = Function.compile(inputs, out);
        NDArray[] args = new NDArray[all.size()];
        double[][] v = new double[points.size()][];
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(SEED);
        for (int k = 0; k < points.size(); k++) {
            args[k] = points.get(k);
            v[k] = new double[points.get(k).size()];
            for (int i = 0; i < v[k].length; i++) {
                v[k][i] = rnd.nextDouble() * 2 - 1;
            }
            args[points.size() + k] = NDArray.of(points.get(k).dtype(), points.get(k).shape(), v[k]);
        }
        NDArray jv = f.call1(args);
        double h = Tolerances.centralEps(DType.FLOAT64);
        double[] expected = new double[jv.size()];
        for (int k = 0; k < points.size(); k++) {
            for (int i = 0; i < v[k].length; i++) {
                NDArray[] up = points.toArray(new NDArray[0]);
                NDArray[] down = points.toArray(new NDArray[0]);
                up[k] = shifted(points.get(k), i, h);
                down[k] = shifted(points.get(k), i, -h);
                NDArray fu = fwd.call1(up);
                NDArray fd = fwd.call1(down);
                for (int o = 0; o < expected.length; o++) {
                    expected[o] += (fu.getFlat(o) - fd.getFlat(o)) / (2 * h) * v[k][i];      // column i of J, times v_i
                }
            }
        }
        for (int o = 0; o < expected.length; o++) {
            double diff = Math.abs(jv.getFlat(o) - expected[o]);
            if (!(diff <= 1e-6 * Math.max(1, Math.abs(expected[o])))) {
                fail(e.name() + ": R-op element " + o + " is " + jv.getFlat(o) + ", explicit J v is " + expected[o]);
            }
        }
    }

    /**
     * {@link Program#rerun} with one float element moved (first, middle and last of each input)
     * gives the bits of a full run, or the same exception when the moved point leaves the domain.
     */
    private static void partialRerunEqualsRun(CatalogEntry e, Program p, NDArray[] pts) {
        Program.Snapshot base = p.evaluate(pts);
        Program.Reruns reruns = p.reruns(base);        // shared: every rerun must restore its working copies
        for (int k = 0; k < pts.length; k++) {
            int size = pts[k].size();
            if (!pts[k].dtype().isFloat() || size == 0) {
                continue;
            }
            for (int i : new int[] {0, size / 2, size - 1}) {
                double[] d = pts[k].toDoubleArray();
                d[i] = pts[k].dtype().coerce(d[i] * (1 + 1e-3) + 1e-3);
                NDArray moved = NDArray.wrap(pts[k].dtype(), pts[k].shape(), d);
                NDArray[] args = pts.clone();
                args[k] = moved;
                int input = k;
                int[] at = {i};
                NDArray[] full;
                try {
                    full = p.run(args);
                } catch (RuntimeException ex) {
                    assertThrows(ex.getClass(), () -> reruns.rerun(input, moved, at), e.name());
                    continue;
                }
                NDArray[] partial = reruns.rerun(k, moved, at);
                for (int o = 0; o < full.length; o++) {
                    assertEquals(full[o], partial[o], e.name() + ": output " + o + " of the partial re-evaluation with"
                            + " element " + i + " of input " + k + " moved differs from a full run");
                }
            }
        }
    }

    private static NDArray shifted(NDArray p, int i, double h) {
        double[] d = p.toDoubleArray();
        d[i] += h;
        return NDArray.of(p.dtype(), p.shape(), d);
    }

    private static Program roundTrip(Program p) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream o = new ObjectOutputStream(bytes)) {
            o.writeObject(p);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (Program) in.readObject();
        }
    }

    /** Scalar ops that are not user-facing ops of their own, with the reason. */
    private static final Set<ScalarOp> EXEMPT_SCALAR = Set.of(
            ScalarOp.SECOND,      // fill: the internal broadcast of zeros_like/ones_like and gradients
            ScalarOp.TRIGAMMA,    // appears only as psi's derivative; its own derivative is not implemented
            ScalarOp.LT, ScalarOp.GT, ScalarOp.LE, ScalarOp.GE, ScalarOp.EQ, ScalarOp.NEQ,
            ScalarOp.AND, ScalarOp.OR, ScalarOp.XOR, ScalarOp.NOT);   // bool outputs: no gradient to check

    /** Op classes that are machinery rather than user ops, with the reason. */
    private static final Set<String> EXEMPT_OPS = Set.of(
            "GradientOps$ViewOp", "GradientOps$ZeroGrad", "GradientOps$DisconnectedGrad", "GradientOps$UndefinedGrad",
            "GradientOps$GradClip", "GradientOps$GradScale", "GradientOps$ConsiderConstant",   // removed when compiled
            "SumToShape",        // appears in every broadcasting gradient, so it is checked through them
            "EyeLike",           // the one-hot rows of jacobian; not differentiable
            "EyeRows");          // the one-hot rows of a Jacobian block; not differentiable

    @Test
    void everyOpAndScalarOpHasACatalogueCase() throws Exception {
        Set<String> covered = new TreeSet<>();
        Set<ScalarOp> scalars = new java.util.HashSet<>();
        for (CatalogEntry e : OpCatalog.all()) {
            List<NDArray> pts = OpCatalog.points(e, 0, e.dtypes().get(0), SEED);
            List<Variable> inputs = new ArrayList<>();
            for (NDArray p : pts) {
                inputs.add(TensorType.ofValue(p).make());
            }
            for (Apply node : Graphs.toposort(List.of(e.builder().apply(inputs)))) {
                covered.add(simpleName(node.op().getClass()));
                if (node.op() instanceof Elemwise) {
                    scalars.add(((Elemwise) node.op()).scalar());
                }
            }
        }
        List<String> missing = new ArrayList<>();
        for (ScalarOp s : ScalarOp.values()) {
            if (!scalars.contains(s) && !EXEMPT_SCALAR.contains(s)) {
                missing.add("scalar op " + s.opName());
            }
        }
        Path classes = Path.of("target/classes/org/gradaudit/core/ops");
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String name = classes.relativize(f).toString().replace('/', '.');
                if (!name.endsWith(".class")) {
                    continue;
                }
                Class<?> c = Class.forName("org.gradaudit.core.ops." + name.substring(0, name.length() - 6));
                if (!org.gradaudit.core.Op.class.isAssignableFrom(c) || java.lang.reflect.Modifier.isAbstract(c.getModifiers())
                        || c.isAnonymousClass()) {
                    continue;
                }
                String simple = simpleName(c);
                if (!covered.contains(simple) && !EXEMPT_OPS.contains(simple)) {
                    missing.add("op class " + simple);
                }
            }
        }
        assertTrue(missing.isEmpty(), "catalogued ops without a case: " + missing);
        assertTrue(Arrays.stream(ScalarOp.values()).anyMatch(scalars::contains));
    }

    private static String simpleName(Class<?> c) {
        return c.getName().substring(c.getName().lastIndexOf('.') + 1);
    }
}
