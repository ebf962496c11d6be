package org.gradaudit.core.ops;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.gradaudit.core.Apply;
import org.gradaudit.core.DType;
import org.gradaudit.core.DisconnectedType;
import org.gradaudit.core.Errors;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.Op;
import org.gradaudit.core.T;
import org.gradaudit.core.TensorType;
import org.gradaudit.core.Variable;
import org.gradaudit.core.tensor.Blas;
import org.gradaudit.core.tensor.TensorProducts;

/**
 * {@code tensordot(a, b, (axesA, axesB))}: sums {@code a * b} over the paired axes
 * {@code axesA[i] <-> axesB[i]}; the output axes are a's free axes, in order, then b's (NumPy's
 * {@code tensordot}). An int n pairs the last n axes of a with the first n of b; n = 0 is the
 * outer product. Computed as one matrix product of a permuted to (free, summed) and b to
 * (summed, free) (EJML).
 *
 * <p>L-op with {@code G} of the output's shape: {@code ga} = G contracted with b over b's free
 * axes, {@code gb} = a contracted with G over a's free axes, each a tensordot followed by the
 * transposition that puts the axes back in the input's order. R-op (bilinear):
 * {@code tensordot(ta, b) + tensordot(a, tb)}.
 */
public final class TensorDot extends Op {
    private static final long serialVersionUID = 1L;

    private final int[] axesA;
    private final int[] axesB;

    public TensorDot(int[] axesA, int[] axesB) {
        if (axesA.length != axesB.length) {
            throw new IllegalArgumentException("TensorDot: " + axesA.length + " axes of input 0 "
                    + Arrays.toString(axesA) + " are paired with " + axesB.length + " axes of input 1 "
                    + Arrays.toString(axesB) + "; the two lists must have the same length");
        }
        this.axesA = axesA.clone();
        this.axesB = axesB.clone();
    }

    /** The last n axes of a with the first n of b. */
    public static Variable apply(Variable a, Variable b, int n) {
        int na = Errors.requireTensor("TensorDot", 0, a).ndim();
        int nb = Errors.requireTensor("TensorDot", 1, b).ndim();
        if (n < 0 || n > na || n > nb) {
            throw new IllegalArgumentException("TensorDot: cannot contract " + n + " axes of inputs of ndim " + na
                    + " and " + nb + "; allowed: 0 to " + Math.min(na, nb));
        }
        int[] pa = new int[n];
        int[] pb = new int[n];
        for (int i = 0; i < n; i++) {
            pa[i] = na - n + i;
            pb[i] = i;
        }
        return apply(a, b, pa, pb);
    }

    /** Axis {@code axesA[i]} of a with axis {@code axesB[i]} of b (negative axes count from the end). */
    public static Variable apply(Variable a, Variable b, int[] axesA, int[] axesB) {
        int na = Errors.requireTensor("TensorDot", 0, a).ndim();
        int nb = Errors.requireTensor("TensorDot", 1, b).ndim();
        return new TensorDot(normalize(axesA, na), normalize(axesB, nb)).makeNode(a, b).out();
    }

    private static int[] normalize(int[] axes, int nd) {
        int[] r = new int[axes.length];
        for (int i = 0; i < axes.length; i++) {
            r[i] = axes[i] < 0 ? axes[i] + nd : axes[i];
        }
        return r;
    }

    private static int[] free(int nd, int[] summed) {
        boolean[] s = new boolean[nd];
        for (int a : summed) {
            s[a] = true;
        }
        int[] f = new int[nd - summed.length];
        int k = 0;
        for (int a = 0; a < nd; a++) {
            if (!s[a]) {
                f[k++] = a;
            }
        }
        return f;
    }

    private void checkAxes(int input, int[] axes, int nd) {
        boolean[] seen = new boolean[nd];
        for (int a : axes) {
            if (a < 0 || a >= nd) {
                throw Errors.axisOutOfRange(this + " (input " + input + ")", a, nd);
            }
            if (seen[a]) {
                throw new IllegalArgumentException(this + ": axis " + a + " of input " + input + " is summed twice");
            }
            seen[a] = true;
        }
    }

    @Override
    public Apply makeNode(List<Variable> inputs) {
        if (inputs.size() != 2) {
            throw Errors.arity(this, 2, inputs.size());
        }
        TensorType a = Errors.requireTensor(this, 0, inputs.get(0));
        TensorType b = Errors.requireTensor(this, 1, inputs.get(1));
        checkAxes(0, axesA, a.ndim());
        checkAxes(1, axesB, b.ndim());
        int[] fa = free(a.ndim(), axesA);
        int[] fb = free(b.ndim(), axesB);
        boolean[] bc = new boolean[fa.length + fb.length];
        for (int i = 0; i < fa.length; i++) {
            bc[i] = a.broadcastable(fa[i]);
        }
        for (int i = 0; i < fb.length; i++) {
            bc[fa.length + i] = b.broadcastable(fb[i]);
        }
        return Apply.create(this, inputs, List.of(new TensorType(DType.upcast(a.dtype(), b.dtype()), bc)));
    }

    @Override
    public NDArray[] perform(NDArray[] in) {
        int[] as = in[0].shape();
        int[] bs = in[1].shape();
        int k = 1;
        for (int i = 0; i < axesA.length; i++) {
            if (as[axesA[i]] != bs[axesB[i]]) {
                throw new IllegalArgumentException(this + ": shapes " + Arrays.toString(as) + " and "
                        + Arrays.toString(bs) + " are not aligned: axis " + axesA[i] + " of input 0 has length "
                        + as[axesA[i]] + ", axis " + axesB[i] + " of input 1 has length " + bs[axesB[i]]);
            }
            k *= as[axesA[i]];
        }
        int[] fa = free(as.length, axesA);
        int[] fb = free(bs.length, axesB);
        int[] permA = concat(fa, axesA);
        int[] permB = concat(axesB, fb);
        int m = 1;
        int[] os = new int[fa.length + fb.length];
        for (int i = 0; i < fa.length; i++) {
            os[i] = as[fa[i]];
            m *= os[i];
        }
        int n = 1;
        for (int i = 0; i < fb.length; i++) {
            os[fa.length + i] = bs[fb[i]];
            n *= os[fa.length + i];
        }
        double[] pa = TensorProducts.permute(in[0].unsafeData(), as, permA);
        double[] pb = TensorProducts.permute(in[1].unsafeData(), bs, permB);
        double[] r = Blas.gemm(pa, pb, m, k, n);
        DType d = DType.upcast(in[0].dtype(), in[1].dtype());
        d.coerceAll(r);
        return new NDArray[] {NDArray.wrap(d, os, r)};
    }

    private static int[] concat(int[] x, int[] y) {
        int[] r = Arrays.copyOf(x, x.length + y.length);
        System.arraycopy(y, 0, r, x.length, y.length);
        return r;
    }

    private static int indexOf(int[] xs, int v) {
        for (int i = 0; i < xs.length; i++) {
            if (xs[i] == v) {
                return i;
            }
        }
        throw new IllegalStateException();
    }

    /** The dimshuffle that puts axes labelled {@code labels} (input axis numbers) back in input order. */
    private static Variable reorder(Variable r, List<Integer> labels) {
        Object[] pattern = new Object[labels.size()];
        for (int q = 0; q < pattern.length; q++) {
            pattern[q] = labels.indexOf(q);
        }
        return T.dimshuffle(r, pattern);
    }

    @Override
    public List<Variable> lOp(List<Variable> inputs, List<Variable> outputs, List<Variable> outputGrads) {
        Variable a = inputs.get(0);
        Variable b = inputs.get(1);
        if (outputs.get(0).dtype().isDiscrete()) {
            return List.of(T.cast(T.zerosLike(a), DType.FLOATX), T.cast(T.zerosLike(b), DType.FLOATX));
        }
        Variable g = outputGrads.get(0);
        int[] fa = free(a.ndim(), axesA);
        int[] fb = free(b.ndim(), axesB);
        // ga: G's trailing (b-free) axes with b's free axes -> [a's free axes, b's summed axes in b's order]
        int[] gFreeB = new int[fb.length];
        for (int i = 0; i < fb.length; i++) {
            gFreeB[i] = fa.length + i;
        }
        Variable ra = new TensorDot(gFreeB, fb).makeNode(g, b).out();
        List<Integer> la = new ArrayList<>();
        for (int x : fa) {
            la.add(x);
        }
        for (int sb : free(b.ndim(), fb)) {                 // b's summed axes, ascending
            la.add(axesA[indexOf(axesB, sb)]);
        }
        // gb: a's free axes with G's leading axes -> [a's summed axes in a's order, b's free axes]
        int[] gFreeA = new int[fa.length];
        for (int i = 0; i < fa.length; i++) {
            gFreeA[i] = i;
        }
        Variable rb = new TensorDot(fa, gFreeA).makeNode(a, g).out();
        List<Integer> lb = new ArrayList<>();
        for (int sa : free(a.ndim(), fa)) {                 // a's summed axes, ascending
            lb.add(axesB[indexOf(axesA, sa)]);
        }
        for (int x : fb) {
            lb.add(x);
        }
        return List.of(LinalgSupport.castLike(reorder(ra, la), a), LinalgSupport.castLike(reorder(rb, lb), b));
    }

    @Override
    public List<Variable> rOp(List<Variable> inputs, List<Variable> outputs, List<Variable> evalPoints) {
        Variable ta = evalPoints.get(0);
        Variable tb = evalPoints.get(1);
        Variable r = DisconnectedType.is(ta) ? null : makeNode(ta, inputs.get(1)).out();
        if (!DisconnectedType.is(tb)) {
            Variable t = makeNode(inputs.get(0), tb).out();
            r = r == null ? t : T.add(r, t);
        }
        if (r == null || outputs.get(0).dtype().isDiscrete()) {
            return List.of(DisconnectedType.create());
        }
        return List.of(LinalgSupport.castLike(r, outputs.get(0)));
    }

    public int[] axesA() { return axesA.clone(); }

    public int[] axesB() { return axesB.clone(); }

    @Override
    protected Object[] props() {
        return new Object[] {axesA, axesB};
    }
}
