package org.gradaudit.core.catalog;

import java.util.ArrayList;
import java.util.List;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.T;
import org.gradaudit.core.Variable;

/**
 * Catalogue entries of the shape family. References are plain loops over the row-major data;
 * integer operands (shapes, sizes, repetitions) are constants inside the builders. Ops without
 * a float input (Shape, integer ARange) are audited inside a float graph whose gradient must not
 * flow through them.
 */
final class ShapeEntries {
    private ShapeEntries() {}

    static List<CatalogEntry> entries() {
        List<CatalogEntry> r = new ArrayList<>();
        InputDomain std = InputDomain.standard();
        r.add(CatalogEntry.builder("shape", "shape", in -> T.mul(in.get(0), T.cast(T.shape(in.get(0), -1), in.get(0).dtype())))
                .input(std).shapes(new int[] {3, 4}).shapes(new int[] {2, 3, 5})
                .reference(in -> scale(in[0].toDoubleArray(), in[0].shape(in[0].ndim() - 1)))
                .note("x * shape(x)[-1]: Shape is not connected, so only the product's gradient may flow").build());
        r.add(CatalogEntry.builder("specify_shape", "shape",
                        in -> in.get(0).ndim() == 2 ? T.specifyShape(in.get(0), -1, 4) : T.specifyShape(in.get(0), 2, -1, 5))
                .input(std).shapes(new int[] {3, 4}).shapes(new int[] {2, 3, 5})
                .reference(in -> in[0].toDoubleArray()).build());
        r.add(CatalogEntry.builder("reshape", "shape", in -> T.reshape(in.get(0), 2, -1))
                .input(std).shapes(new int[] {3, 4}).shapes(new int[] {2, 3, 2}).shapes(new int[] {6})
                .reference(in -> in[0].toDoubleArray()).note("constant target (2, -1); -1 inferred").build());
        r.add(CatalogEntry.builder("reshape_symbolic", "shape", in -> T.add(T.reshape(in.get(0), T.shape(in.get(1))), in.get(1)))
                .inputs(2, std).shapes(new int[] {3, 4}, new int[] {2, 6}).shapes(new int[] {2, 3, 2}, new int[] {4, 3})
                .reference(in -> add(in[0].toDoubleArray(), in[1].toDoubleArray()))
                .note("reshape(x, shape(y)) + y: a symbolic int64 target, not connected").build());
        r.add(CatalogEntry.builder("flatten", "shape", in -> in.get(0).ndim() == 3 ? T.flatten(in.get(0), 2) : T.flatten(in.get(0)))
                .input(std).shapes(new int[] {3, 4}).shapes(new int[] {2, 3, 2})
                .reference(in -> in[0].toDoubleArray()).note("flatten(x) for matrices, flatten(x, 2) for 3-d").build());
        r.add(CatalogEntry.builder("unbroadcast", "shape", in -> T.mul(T.unbroadcast(in.get(0), 1), 2.0))
                .input(std).shapes(new int[] {3, 1}).shapes(new int[] {2, 1, 3})
                .reference(in -> scale(in[0].toDoubleArray(), 2)).note("axis 1 of length 1 made non-broadcastable").build());
        r.add(CatalogEntry.builder("addbroadcast", "shape",
                        in -> T.addBroadcast(T.reshape(in.get(0), T.shape(in.get(0))), 1))
                .input(std).shapes(new int[] {3, 1}).shapes(new int[] {2, 1, 3})
                .reference(in -> in[0].toDoubleArray())
                .note("reshape to a symbolic shape loses the flag; addBroadcast restores it (checked at run time)").build());
        r.add(CatalogEntry.builder("alloc", "shape", in -> T.alloc(in.get(0), 2, 3, 4))
                .input(std).shapes(new int[] {4}).shapes(new int[] {3, 1}).shapes(new int[] {})
                .reference(in -> broadcastTo(in[0], new int[] {2, 3, 4})).build());
        r.add(CatalogEntry.builder("alloc_symbolic", "shape", in -> T.alloc(in.get(0), T.shape(in.get(1), 0), T.shape(in.get(0), 0)))
                .inputs(2, std).shapes(new int[] {4}, new int[] {3}).shapes(new int[] {2}, new int[] {5})
                .reference(in -> broadcastTo(in[0], new int[] {in[1].size(), in[0].size()}))
                .note("alloc(x, len(y), len(x)): symbolic lengths, not connected").build());
        r.add(CatalogEntry.builder("fill", "shape", in -> T.fill(in.get(0), in.get(1)))
                .inputs(2, std).shapes(new int[] {3, 4}, new int[] {4}).shapes(new int[] {3, 4}, new int[] {})
                .reference(in -> broadcastTo(in[1], in[0].shape()))
                .note("fill(like, value): like is not connected; value's gradient sums the copies").build());
        r.add(CatalogEntry.builder("zeros_like", "shape", in -> T.zerosLike(in.get(0)))
                .input(std).shapes(new int[] {3, 4}).shapes(new int[] {5})
                .reference(in -> new double[in[0].size()]).note("zero gradient: the output does not depend on x's values").build());
        r.add(CatalogEntry.builder("ones_like", "shape", in -> T.onesLike(in.get(0)))
                .input(std).shapes(new int[] {3, 4}).shapes(new int[] {5})
                .reference(in -> scale(new double[in[0].size()], 0, 1.0)).note("zero gradient").build());
        r.add(CatalogEntry.builder("arange_float", "shape",
                        in -> T.arange(in.get(0), T.constant(10.0, in.get(0).dtype()), in.get(1)))
                .input(InputDomain.between(0.1, 0.4)).input(InputDomain.between(2.05, 2.15)).shapes(new int[] {}, new int[] {})
                .reference(in -> {
                    double[] o = new double[5];
                    for (int i = 0; i < 5; i++) {
                        o[i] = in[0].item() + i * in[1].item();
                    }
                    return o;
                })
                .note("arange(start, 10, step): start and step kept where ceil((10 - start) / step) = 5, away from"
                        + " the length's jumps; stop is not connected").build());
        r.add(CatalogEntry.builder("arange_int", "shape",
                        in -> T.mul(in.get(0), T.cast(T.arange(T.shape(in.get(0), -1)), in.get(0).dtype())))
                .input(std).shapes(new int[] {5}).shapes(new int[] {3, 4})
                .reference(in -> {
                    double[] x = in[0].toDoubleArray();
                    int n = in[0].shape(in[0].ndim() - 1);
                    for (int i = 0; i < x.length; i++) {
                        x[i] *= i % n;
                    }
                    return x;
                })
                .note("x * arange(shape(x)[-1]): int64 ARange has no float input; audited as a non-differentiable"
                        + " factor (its start/step get zero gradients, stop is not connected)").build());
        r.add(CatalogEntry.builder("join", "shape", in -> T.join(-1, in.get(0), in.get(1)))
                .inputs(2, std).shapes(new int[] {3, 2}, new int[] {3, 4}).shapes(new int[] {2, 2, 1}, new int[] {2, 2, 3})
                .reference(in -> concat(new NDArray[] {in[0], in[1]}, in[0].ndim() - 1)).build());
        r.add(CatalogEntry.builder("join_axis0", "shape", in -> T.join(0, in.get(0), in.get(1), in.get(2)))
                .inputs(3, std).shapes(new int[] {2, 3}, new int[] {1, 3}, new int[] {4, 3})
                .shapes(new int[] {2}, new int[] {1}, new int[] {3})
                .reference(in -> concat(in, 0)).note("a length-1 piece is broadcastable; its gradient keeps the flag").build());
        r.add(CatalogEntry.builder("split", "shape", in -> {
                    List<Variable> parts = T.split(in.get(0), new int[] {1, 2, 3}, 1);
                    return T.join(1, parts.get(2), parts.get(0));
                })
                .input(std).shapes(new int[] {2, 6}).shapes(new int[] {3, 6, 2})
                .reference(in -> {
                    NDArray x = in[0];
                    int[] s = x.shape();
                    int inner = s.length == 3 ? s[2] : 1;
                    double[] o = new double[s[0] * 4 * inner];
                    int[] cols = {3, 4, 5, 0};
                    for (int i = 0; i < s[0]; i++) {
                        for (int c = 0; c < 4; c++) {
                            for (int k = 0; k < inner; k++) {
                                o[(i * 4 + c) * inner + k] = x.getFlat((i * 6 + cols[c]) * inner + k);
                            }
                        }
                    }
                    return o;
                })
                .note("split sizes (1, 2, 3) on axis 1, pieces 2 and 0 joined back; piece 1 reaches no output").build());
        r.add(CatalogEntry.builder("stack", "shape", in -> T.stack(List.of(in.get(0), in.get(1)), -1))
                .inputs(2, std).shapes(new int[] {3, 4}, new int[] {3, 4}).shapes(new int[] {5}, new int[] {5})
                .reference(in -> {
                    int n = in[0].size();
                    double[] o = new double[2 * n];
                    for (int i = 0; i < n; i++) {
                        o[2 * i] = in[0].getFlat(i);
                        o[2 * i + 1] = in[1].getFlat(i);
                    }
                    return o;
                }).note("stack = join of the inputs with a new axis (Theano's stack), here the last").build());
        r.add(CatalogEntry.builder("tile", "shape", in -> T.tile(in.get(0), in.get(0).ndim() == 3 ? new int[] {2} : new int[] {2, 3}))
                .input(std).shapes(new int[] {2, 3}).shapes(new int[] {3}).shapes(new int[] {2, 1, 3})
                .reference(in -> tile(in[0], in[0].ndim() == 3 ? new int[] {2} : new int[] {2, 3}))
                .note("reps (2, 3), longer than a vector's ndim; (2,) shorter than a 3-d ndim").build());
        r.add(CatalogEntry.builder("scalar_from_tensor", "shape", in -> T.scalarFromTensor(in.get(0)))
                .input(std).shapes(new int[] {}).reference(in -> in[0].toDoubleArray()).build());
        r.add(CatalogEntry.builder("tensor_from_scalar", "shape", in -> T.tensorFromScalar(in.get(0)))
                .input(std).shapes(new int[] {}).reference(in -> in[0].toDoubleArray()).build());
        return r;
    }

    private static double[] scale(double[] x, double c) {
        for (int i = 0; i < x.length; i++) {
            x[i] *= c;
        }
        return x;
    }

    private static double[] scale(double[] x, double c, double plus) {
        for (int i = 0; i < x.length; i++) {
            x[i] = x[i] * c + plus;
        }
        return x;
    }

    private static double[] add(double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) {
            x[i] += y[i];
        }
        return x;
    }

    /** x broadcast to {@code shape} (ranks aligned on the right), by explicit index arithmetic. */
    static double[] broadcastTo(NDArray x, int[] shape) {
        int n = NDArray.sizeOf(shape);
        int[] xs = x.shape();
        double[] o = new double[n];
        for (int k = 0; k < n; k++) {
            int[] idx = NDArray.unravel(k, shape);
            int[] xi = new int[xs.length];
            for (int a = 0; a < xs.length; a++) {
                xi[a] = xs[a] == 1 ? 0 : idx[a + shape.length - xs.length];
            }
            o[k] = x.get(xi);
        }
        return o;
    }

    private static double[] concat(NDArray[] xs, int axis) {
        int[] s = xs[0].shape();
        int total = 0;
        for (NDArray x : xs) {
            total += x.shape(axis);
        }
        int[] os = s.clone();
        os[axis] = total;
        double[] o = new double[NDArray.sizeOf(os)];
        for (int k = 0; k < o.length; k++) {
            int[] idx = NDArray.unravel(k, os);
            int p = 0;
            while (idx[axis] >= xs[p].shape(axis)) {
                idx[axis] -= xs[p].shape(axis);
                p++;
            }
            o[k] = xs[p].get(idx);
        }
        return o;
    }

    private static double[] tile(NDArray x, int[] reps) {
        int d = Math.max(x.ndim(), reps.length);
        int[] s = new int[d];
        int[] r = new int[d];
        for (int a = 0; a < d; a++) {
            int ax = a - (d - x.ndim());
            int ar = a - (d - reps.length);
            s[a] = ax < 0 ? 1 : x.shape(ax);
            r[a] = ar < 0 ? 1 : reps[ar];
        }
        int[] os = new int[d];
        for (int a = 0; a < d; a++) {
            os[a] = s[a] * r[a];
        }
        double[] o = new double[NDArray.sizeOf(os)];
        for (int k = 0; k < o.length; k++) {
            int[] idx = NDArray.unravel(k, os);
            int[] xi = new int[x.ndim()];
            for (int a = 0; a < x.ndim(); a++) {
                xi[a] = idx[a + d - x.ndim()] % s[a + d - x.ndim()];
            }
            o[k] = x.get(xi);
        }
        return o;
    }
}
