package org.gradaudit.core.check;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.gradaudit.core.DType;
import org.gradaudit.core.Function;
import org.gradaudit.core.Gradient;
import org.gradaudit.core.GradOptions;
import org.gradaudit.core.DisconnectedInputs;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.RopOptions;
import org.gradaudit.core.ReturnDisconnected;
import org.gradaudit.core.T;
import org.gradaudit.core.TensorType;
import org.gradaudit.core.Variable;

/**
 * Checks an R-op two ways at a point, with random tangents t (one per input) and a random
 * cotangent c (of the output's shape), both from seeded streams:
 * <ol>
 *   <li>against finite differences: {@code J t ~ (f(x + eps t) - f(x - eps t)) / (2 eps)},
 *       elementwise, with verify_grad's tolerances;</li>
 *   <li>against the L-op: {@code <J t, c> = <t, J^T c>}, which holds exactly in exact arithmetic,
 *       so the two sides may differ only by rounding.</li>
 * </ol>
 */
public final class RopCheck {
    private RopCheck() {}

    /** Throws {@link GradientError} when the R-op of {@code fn} at {@code points} is wrong. */
    public static void verifyRop(SymbolicFunction fn, List<NDArray> points, VerifyOptions o, RopOptions ropOptions) {
        List<Variable> inputs = new ArrayList<>();
        for (int i = 0; i < points.size(); i++) {
            if (!points.get(i).dtype().isFloat()) {
                throw new IllegalArgumentException("verifyRop can work only with floating point inputs, but input " + i
                        + " has dtype \"" + points.get(i).dtype() + "\".");
            }
            inputs.add(TensorType.ofValue(points.get(i)).make("input " + i));
        }
        Variable out = fn.apply(inputs);
        double absTol = o.absTol() != null ? o.absTol() : Tolerances.defaultTol(points);
        double relTol = o.relTol() != null ? o.relTol() : Tolerances.defaultTol(points);
        double eps = o.eps() != null ? o.eps() : points.stream().mapToDouble(p -> Tolerances.centralEps(p.dtype())).max()
                .orElseThrow();
        List<Variable> tangents = new ArrayList<>();
        List<Variable> all = new ArrayList<>(inputs);
        for (Variable in : inputs) {
            Variable t = in.tensorType().make("tangent of " + in.name());
            tangents.add(t);
            all.add(t);
        }
        Variable cot = TensorType.of(out.dtype(), out.ndim()).make("cotangent");
        all.add(cot);
        Variable jt = Gradient.rop(List.of(out), inputs, tangents, ropOptions).get(0);
        List<Variable> jtc = Gradient.lop(List.of(out), inputs, List.of(cot),
                GradOptions.builder().disconnectedInputs(DisconnectedInputs.IGNORE).build());
        Function fOut = Function.compile(inputs, out);
        NDArray y0 = fOut.call1(points.toArray(new NDArray[0]));
        List<Variable> outs = new ArrayList<>();
        outs.add(jt);
        outs.addAll(jtc);
        Function f = Function.compile(all, outs);
        long caseKey = Streams.caseKey("rop");
        for (int test = 0; test < o.nTests(); test++) {
            SplittableRandom rnd = Streams.stream(o.seed(), caseKey, test, Streams.DIRECTION);
            NDArray[] args = new NDArray[all.size()];
            NDArray[] tv = new NDArray[points.size()];
            for (int k = 0; k < points.size(); k++) {
                args[k] = points.get(k);
                tv[k] = random(rnd, points.get(k).dtype(), points.get(k).shape());
                args[points.size() + k] = tv[k];
            }
            NDArray cv = random(rnd, out.dtype(), y0.shape());
            args[args.length - 1] = cv;
            List<NDArray> r = f.call(args);
            NDArray jtv = r.get(0);
            // finite differences of f along t
            NDArray[] up = new NDArray[points.size()];
            NDArray[] down = new NDArray[points.size()];
            for (int k = 0; k < points.size(); k++) {
                up[k] = axpy(points.get(k), eps, tv[k]);
                down[k] = axpy(points.get(k), -eps, tv[k]);
            }
            NDArray fu = fOut.call1(up);
            NDArray fd = fOut.call1(down);
            DType d = DType.upcast(jtv.dtype(), Tolerances.workingDType(points));
            for (int i = 0; i < jtv.size(); i++) {
                double a = jtv.getFlat(i);
                double n = (fu.getFlat(i) - fd.getFlat(i)) / (2 * eps);
                double abs = NumericGrad.absErr(a, n, d);
                double rel = NumericGrad.relErr(abs, a, n, d);
                if (!(abs <= absTol || rel <= relTol)) {
                    throw new GradientError(-1, i, y0.shape(), a, n, abs, rel, absTol, relTol,
                            "R-op (J t) vs finite differences of the output", test);
                }
            }
            double lhs = 0;
            for (int i = 0; i < jtv.size(); i++) {
                lhs += jtv.getFlat(i) * cv.getFlat(i);
            }
            double rhs = 0;
            for (int k = 0; k < points.size(); k++) {
                NDArray g = r.get(1 + k);
                for (int i = 0; i < g.size(); i++) {
                    rhs += tv[k].getFlat(i) * g.getFlat(i);
                }
            }
            double abs = Math.abs(lhs - rhs);
            double rel = abs / Math.max(Math.abs(lhs) + Math.abs(rhs), 1e-8);
            // both sides are exact up to rounding in the least precise dtype involved
            double identityTol = Tolerances.defaultEps(points) < 1e-6 && out.dtype() == DType.FLOAT64 ? 1e-10 : 1e-4;
            if (!(abs <= identityTol || rel <= identityTol)) {
                throw new GradientError(-1, 0, new int[0], lhs, rhs, abs, rel, identityTol, identityTol,
                        "<J t, c> (R-op) vs <t, J^T c> (L-op)", test);
            }
        }
    }

    public static void verifyRop(SymbolicFunction fn, List<NDArray> points) {
        verifyRop(fn, points, VerifyOptions.DEFAULTS, RopOptions.builder()
                .disconnectedOutputs(DisconnectedInputs.IGNORE).returnDisconnected(ReturnDisconnected.ZERO).build());
    }

    private static NDArray random(SplittableRandom rnd, DType dtype, int[] shape) {
        double[] d = new double[NDArray.sizeOf(shape)];
        for (int i = 0; i < d.length; i++) {
            d[i] = rnd.nextDouble() * 2 - 1;
        }
        return NDArray.of(dtype, shape, d);
    }

    private static NDArray axpy(NDArray x, double a, NDArray t) {
        double[] d = new double[x.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = x.getFlat(i) + a * t.getFlat(i);
        }
        return NDArray.of(x.dtype(), x.shape(), d);
    }
}
