package org.gradaudit.core.catalog;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.gradaudit.core.Constant;
import org.gradaudit.core.DType;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.T;
import org.gradaudit.core.Variable;

/**
 * Catalogue entries of the reduce family. References are scalar loops over groups found by
 * unravelling every flat index ({@link #groups}), independent of the kernels' stride walks.
 *
 * <p>Audit domains: max, min, argmax, argmin and maxAndArgmax are audited on {@code x + c} with a
 * fixed offset pattern c (a permutation of 0, 3, 6, ...) so every two elements of a group are at
 * least 1 apart: no tie and no near-tie that a finite difference could cross. Prod is audited away
 * from 0 and, separately, on {@code x * mask} with a constant mask that puts exact zeros inside
 * the graph (groups with one zero, two zeros and none).
 */
final class ReduceEntries {
    private ReduceEntries() {}

    static final int[] V = {5};
    static final int[] M = {3, 4};
    static final int[] T3 = {2, 3, 2};

    static List<CatalogEntry> entries() {
        List<CatalogEntry> r = new ArrayList<>();
        InputDomain std = InputDomain.standard();
        r.add(CatalogEntry.builder("sum", "reduce", in -> T.sum(in.get(0)))
                .input(std).shapes(new int[] {5}).shapes(new int[] {3, 4}).shapes(new int[] {2, 3, 2})
                .reference(in -> {
                    double s = 0;
                    for (double v : in[0].toDoubleArray()) {
                        s += v;
                    }
                    return new double[] {s};
                }).build());
        r.add(CatalogEntry.builder("sum_axis", "reduce", in -> T.sum(in.get(0), 1))
                .input(std).shapes(new int[] {3, 4}).shapes(new int[] {2, 3, 2})
                .reference(in -> sumAxis1(in[0])).build());

        // mean, var, std: smooth everywhere they are audited (std: random groups have non-zero variance)
        smooth(r, "mean", in -> T.mean(in.get(0)), in -> T.mean(in.get(0), 1), in -> T.mean(in.get(0), 0, -1),
                std, g -> mean(g));
        smooth(r, "var", in -> T.var(in.get(0)), in -> T.var(in.get(0), 1), in -> T.var(in.get(0), 0, -1),
                std, g -> var(g, 0));
        smooth(r, "std", in -> T.std(in.get(0)), in -> T.std(in.get(0), 1), in -> T.std(in.get(0), 0, -1),
                std, g -> Math.sqrt(var(g, 0)));
        r.add(CatalogEntry.builder("var_ddof1_keepdims", "reduce", in -> T.var(in.get(0), 1, true, -1))
                .input(std).shapes(M).shapes(T3)
                .reference(in -> reduceRef(in[0], new int[] {-1}, g -> var(g, 1)))
                .note("sample variance (ddof 1) over the last axis, kept as a broadcastable axis").build());
        r.add(CatalogEntry.builder("std_ddof1", "reduce", in -> T.std(in.get(0), 1, false, 0))
                .input(std).shapes(M).shapes(T3)
                .reference(in -> reduceRef(in[0], new int[] {0}, g -> Math.sqrt(var(g, 1)))).build());

        // prod away from zeros, and with exact zeros made inside the graph
        InputDomain noZero = InputDomain.between(-1.5, 1.5).avoiding(-0.5, 0.5);
        smooth(r, "prod", in -> T.prod(in.get(0)), in -> T.prod(in.get(0), 1), in -> T.prod(in.get(0), 0, -1),
                noZero, g -> prod(g));
        double[] mask = {1, 0, 1, 1, 0, 1, 0, 1, 1, 1, 1, 1};           // rows: one zero, two zeros, none
        r.add(CatalogEntry.builder("prod_with_zeros", "reduce",
                        in -> T.prod(T.mul(in.get(0), constant(M, mask, in.get(0))), 1))
                .input(noZero).shapes(M)
                .reference(in -> reduceRef(times(in[0], mask), new int[] {1}, g -> prod(g)))
                .note("prod(x * mask, axis 1): row 0 has one exact zero, row 1 two, row 2 none; checks that the"
                        + " zero-handling rule gives finite, exact values (the mask zeroes the derivative at the zero"
                        + " itself, whose value, the product of the others, is asserted in ReduceOpsTest)").build());
        double[] vmask = {1, 1, 0, 1, 1};
        r.add(CatalogEntry.builder("prod_with_zero_all", "reduce", in -> T.prod(T.mul(in.get(0), constant(V, vmask, in.get(0)))))
                .input(noZero).shapes(V)
                .reference(in -> reduceRef(times(in[0], vmask), null, g -> prod(g)))
                .note("prod over all axes with one exact zero").build());

        // prodWithoutZeros: gradient not implemented (as in Theano), so the op reads a constant with zeros
        double[] c = {0, 2, 0, -1.5, 0.5, 3, 0, 2};
        r.add(CatalogEntry.builder("prod_without_zeros", "reduce",
                        in -> T.mul(in.get(0), T.prodWithoutZeros(constant(new int[] {2, 4}, c, in.get(0)), 0)))
                .input(std).shapes(new int[] {4}).shapes(M)
                .reference(in -> {
                    double[] p = {0.5, 6, 0, -3};       // columns: one zero, none, all zeros (0: the identity), none
                    double[] x = in[0].toDoubleArray();
                    for (int i = 0; i < x.length; i++) {
                        x[i] *= p[i % 4];
                    }
                    return x;
                })
                .note("x * prodWithoutZeros(C, axis 0) with a constant C holding zeros: its gradient is not"
                        + " implemented (Theano's grad_not_implemented), so only its forward (incl. an all-zero"
                        + " column giving 0) is audited here, through a differentiable output").build());
        InputDomain mwzDomain = InputDomain.between(-2, 2).avoiding(-0.3, 0.3);
        r.add(CatalogEntry.builder("mul_without_zeros", "reduce", in -> T.mulWithoutZeros(in.get(0), in.get(1)))
                .input(mwzDomain).input(mwzDomain).shapes(V, V).shapes(M, new int[] {4})
                .reference(in -> {
                    double[] x = in[0].toDoubleArray();
                    int n = in[1].size();
                    for (int i = 0; i < x.length; i++) {
                        double y = in[1].getFlat(i % n);
                        x[i] = x[i] == 0 ? y : y == 0 ? x[i] : x[i] * y;
                    }
                    return x;
                })
                .note("away from zeros, where the function jumps").build());

        // max, min and friends on tie-free points
        extrema(r, "", null, V);
        extrema(r, "_all_tensor3", null, T3);
        extrema(r, "_axis1", new int[] {1}, M);
        extrema(r, "_axis0", new int[] {0}, T3);
        extrema(r, "_axes02", new int[] {0, -1}, T3);

        // all / any: bool outputs, not differentiable; audited as x * (1 + any(x > a)) away from x = a
        InputDomain gapHalf = InputDomain.standard().avoiding(-0.6, -0.4).avoiding(0.4, 0.6);
        for (String op : new String[] {"all", "any"}) {
            boolean all = op.equals("all");
            double a = all ? -0.5 : 0.5;
            for (int[][] shapeAxes : new int[][][] {{V, null}, {M, {1}}, {T3, {0, 2}}}) {
                int[] shape = shapeAxes[0];
                int[] axes = shapeAxes[1];
                String name = op + (axes == null ? "" : "_axes" + join(axes));
                r.add(CatalogEntry.builder(name, "reduce", in -> {
                    Variable x = in.get(0);
                    Variable b = all ? T.all(T.gt(x, a), true, axes == null ? new int[0] : axes)
                            : T.any(T.gt(x, a), true, axes == null ? new int[0] : axes);
                    return T.mul(x, T.add(T.cast(b, x.dtype()), 1.0));
                }).input(gapHalf).shapes(shape)
                        .reference(in -> {
                            double[] x = in[0].toDoubleArray();
                            int[] g = groups(shape, axes);
                            double[] flags = new double[x.length];
                            Arrays.fill(flags, all ? 1 : 0);
                            for (int i = 0; i < x.length; i++) {
                                if ((x[i] > a) != all) {
                                    flags[g[i]] = all ? 0 : 1;
                                }
                            }
                            for (int i = 0; i < x.length; i++) {
                                x[i] *= flags[g[i]] + 1;
                            }
                            return x;
                        })
                        .note(op + "(x > " + a + ") is not differentiable: audited through x * (1 + " + op
                                + "), away from x = " + a).build());
            }
        }
        return r;
    }

    /** Entries {@code name} (all axes; V, M, T3), {@code name_axis1} (M, T3), {@code name_axes0_-1} (T3). */
    private static void smooth(List<CatalogEntry> r, String name, org.gradaudit.core.check.SymbolicFunction all,
            org.gradaudit.core.check.SymbolicFunction axis1, org.gradaudit.core.check.SymbolicFunction axes0m1,
            InputDomain d, ToDoubleFunction<double[]> f) {
        r.add(CatalogEntry.builder(name, "reduce", all).input(d).shapes(V).shapes(M).shapes(T3)
                .reference(in -> reduceRef(in[0], null, f)).build());
        r.add(CatalogEntry.builder(name + "_axis1", "reduce", axis1).input(d).shapes(M).shapes(T3)
                .reference(in -> reduceRef(in[0], new int[] {1}, f)).build());
        r.add(CatalogEntry.builder(name + "_axes0_-1", "reduce", axes0m1).input(d).shapes(T3)
                .reference(in -> reduceRef(in[0], new int[] {0, -1}, f)).note("negative axis -1").build());
    }

    /** max, min, argmax, argmin and maxAndArgmax of {@code x + offsets(shape)} over {@code axes}. */
    private static void extrema(List<CatalogEntry> r, String suffix, int[] axes, int[] shape) {
        InputDomain std = InputDomain.standard();
        double[] off = offsets(NDArray.sizeOf(shape));
        int[] ax = axes == null ? new int[0] : axes;
        String note = "on x + c, c a fixed permutation of 0, 3, 6, ...: no ties within 1";
        r.add(CatalogEntry.builder("max" + suffix, "reduce", in -> T.max(T.add(in.get(0), constant(shape, off, in.get(0))), ax))
                .input(std).shapes(shape).note(note)
                .reference(in -> reduceRef(plus(in[0], off), shape, axes, g -> extreme(g, true, false))).build());
        r.add(CatalogEntry.builder("min" + suffix, "reduce", in -> T.min(T.add(in.get(0), constant(shape, off, in.get(0))), ax))
                .input(std).shapes(shape).note(note)
                .reference(in -> reduceRef(plus(in[0], off), shape, axes, g -> extreme(g, false, false))).build());
        for (boolean max : new boolean[] {true, false}) {
            r.add(CatalogEntry.builder((max ? "argmax" : "argmin") + suffix, "reduce", in -> {
                Variable x = in.get(0);
                Variable y = T.add(x, constant(shape, off, in.get(0)));
                Variable a = max ? T.argmax(y, true, ax) : T.argmin(y, true, ax);
                return T.mul(x, T.add(T.cast(a, x.dtype()), 1.0));
            }).input(std).shapes(shape)
                    .reference(in -> {
                        double[] idx = reduceRef(plus(in[0], off), shape, axes, g -> extreme(g, max, true));
                        double[] x = in[0].toDoubleArray();
                        int[] g = groups(shape, axes);
                        for (int i = 0; i < x.length; i++) {
                            x[i] *= idx[g[i]] + 1;
                        }
                        return x;
                    })
                    .note("the int64 index is not differentiable: audited through x * (1 + index), " + note).build());
        }
        r.add(CatalogEntry.builder("max_and_argmax" + suffix, "reduce", in -> {
            Variable x = in.get(0);
            List<Variable> ma = T.maxAndArgmax(T.add(x, constant(shape, off, in.get(0))), ax);
            Variable m = keep(ma.get(0), shape.length, axes);
            Variable a = keep(ma.get(1), shape.length, axes);
            return T.add(T.mul(x, T.add(T.cast(a, x.dtype()), 1.0)), m);
        }).input(std).shapes(shape)
                .reference(in -> {
                    double[] mx = reduceRef(plus(in[0], off), shape, axes, g -> extreme(g, true, false));
                    double[] idx = reduceRef(plus(in[0], off), shape, axes, g -> extreme(g, true, true));
                    double[] x = in[0].toDoubleArray();
                    int[] g = groups(shape, axes);
                    for (int i = 0; i < x.length; i++) {
                        x[i] = x[i] * (idx[g[i]] + 1) + mx[g[i]];
                    }
                    return x;
                })
                .note("both outputs: x * (1 + argmax) + max, " + note).build());
    }

    /** {@code v} (a reduction of an nd-array over axes) with the reduced axes put back as broadcastable. */
    private static Variable keep(Variable v, int nd, int[] axes) {
        boolean[] red = reducedMask(nd, axes);
        Object[] p = new Object[nd];
        int k = 0;
        for (int a = 0; a < nd; a++) {
            p[a] = red[a] ? "x" : (Object) k++;
        }
        return T.dimshuffle(v, p);
    }

    /** 3 * a permutation of 0..n-1 (i -> 7i mod n; n must not be a multiple of 7). */
    static double[] offsets(int n) {
        if (n % 7 == 0) {
            throw new IllegalArgumentException("offsets: n = " + n + " is a multiple of 7");
        }
        double[] c = new double[n];
        for (int i = 0; i < n; i++) {
            c[i] = 3.0 * ((7L * i) % n);
        }
        return c;
    }

    /** A constant of {@code like}'s dtype, so a float32 audit stays float32. */
    static Constant constant(int[] shape, double[] values, Variable like) {
        return T.constant(NDArray.of(like.dtype(), shape, values.clone()));
    }

    private static NDArray plus(NDArray x, double[] c) {
        double[] d = x.toDoubleArray();
        for (int i = 0; i < d.length; i++) {
            d[i] = x.dtype().coerce(d[i] + c[i]);
        }
        return NDArray.of(DType.FLOAT64, x.shape(), d);
    }

    private static NDArray times(NDArray x, double[] c) {
        double[] d = x.toDoubleArray();
        for (int i = 0; i < d.length; i++) {
            d[i] *= c[i];
        }
        return NDArray.of(DType.FLOAT64, x.shape(), d);
    }

    private static boolean[] reducedMask(int nd, int[] axes) {
        boolean[] red = new boolean[nd];
        if (axes == null || axes.length == 0) {
            Arrays.fill(red, true);
        } else {
            for (int a : axes) {
                red[a < 0 ? a + nd : a] = true;
            }
        }
        return red;
    }

    /** For each element (C order), the flat index of its output element when reducing {@code shape} over {@code axes}. */
    static int[] groups(int[] shape, int[] axes) {
        boolean[] red = reducedMask(shape.length, axes);
        int n = NDArray.sizeOf(shape);
        int[] g = new int[n];
        for (int i = 0; i < n; i++) {
            int[] idx = NDArray.unravel(i, shape);
            int o = 0;
            for (int a = 0; a < shape.length; a++) {
                if (!red[a]) {
                    o = o * shape[a] + idx[a];
                }
            }
            g[i] = o;
        }
        return g;
    }

    /** {@code f} of each group's elements (in C order) of x reduced over {@code axes} (null: all). */
    static double[] reduceRef(NDArray x, int[] axes, ToDoubleFunction<double[]> f) {
        return reduceRef(x, x.shape(), axes, f);
    }

    static double[] reduceRef(NDArray x, int[] shape, int[] axes, ToDoubleFunction<double[]> f) {
        int[] g = groups(shape, axes);
        int nOut = 0;
        for (int v : g) {
            nOut = Math.max(nOut, v + 1);
        }
        int[] count = new int[nOut];
        for (int v : g) {
            count[v]++;
        }
        double[][] members = new double[nOut][];
        for (int o = 0; o < nOut; o++) {
            members[o] = new double[count[o]];
        }
        int[] fill = new int[nOut];
        for (int i = 0; i < g.length; i++) {
            members[g[i]][fill[g[i]]++] = x.getFlat(i);
        }
        double[] out = new double[nOut];
        for (int o = 0; o < nOut; o++) {
            out[o] = f.applyAsDouble(members[o]);
        }
        return out;
    }

    static double mean(double[] g) {
        double s = 0;
        for (double v : g) {
            s += v;
        }
        return s / g.length;
    }

    static double var(double[] g, int ddof) {
        double m = mean(g);
        double s = 0;
        for (double v : g) {
            s += (v - m) * (v - m);
        }
        return s / (g.length - ddof);
    }

    static double prod(double[] g) {
        double p = 1;
        for (double v : g) {
            p *= v;
        }
        return p;
    }

    /** The max (min) of g, or its first index when {@code index}. */
    static double extreme(double[] g, boolean max, boolean index) {
        int best = 0;
        for (int i = 1; i < g.length; i++) {
            if (max ? g[i] > g[best] : g[i] < g[best]) {
                best = i;
            }
        }
        return index ? best : g[best];
    }

    private static String join(int[] axes) {
        StringBuilder sb = new StringBuilder();
        for (int a : axes) {
            sb.append(a);
        }
        return sb.toString();
    }

    private static double[] sumAxis1(NDArray x) {
        int[] s = x.shape();
        int inner = 1;
        for (int a = 2; a < s.length; a++) {
            inner *= s[a];
        }
        double[] out = new double[s[0] * inner];
        for (int i = 0; i < s[0]; i++) {
            for (int j = 0; j < s[1]; j++) {
                for (int k = 0; k < inner; k++) {
                    out[i * inner + k] += x.getFlat((i * s[1] + j) * inner + k);
                }
            }
        }
        return out;
    }
}
