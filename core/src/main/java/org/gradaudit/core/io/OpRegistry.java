package org.gradaudit.core.io;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.gradaudit.core.DType;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.T;
import org.gradaudit.core.Variable;
import org.gradaudit.core.ops.Elemwise;
import org.gradaudit.core.ops.ScalarOp;

/**
 * The built-in ops by name: the function table of the expression language
 * ({@link ExpressionParser}) and of the portable graph format ({@link GraphJson}). A call is a name,
 * positional arguments and keyword arguments; an argument is a {@link Variable}, an integer
 * ({@link Long}) or float ({@link Double}) literal, a string literal ({@link String}, e.g. a dtype)
 * or a list literal ({@link NDArray}: int64 when every element is an integer, else float64).
 * Nothing is looked up by reflection; {@link #signatures()} lists every function and its forms.
 */
public final class OpRegistry {
    private OpRegistry() {}

    /** A bad argument of a call: {@link #index()} is the positional argument (or -1 for the call itself), {@link #keyword()} the keyword. */
    public static final class ArgException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        private final int index;
        private final String keyword;

        ArgException(int index, String keyword, String message) {
            super(message);
            this.index = index;
            this.keyword = keyword;
        }

        public int index() { return index; }
        public String keyword() { return keyword; }
    }

    /** The arguments of one call, with typed accessors whose errors name the function and the argument. */
    public static final class Args {
        private final String fn;
        private final List<Object> args;
        private final Map<String, Object> kwargs;

        Args(String fn, List<Object> args, Map<String, Object> kwargs) {
            this.fn = fn;
            this.args = args;
            this.kwargs = kwargs;
        }

        public int size() { return args.size(); }

        Object raw(int i) { return args.get(i); }

        /** Argument i as a tensor (a literal becomes a weak constant). */
        Variable tensor(int i) {
            Object a = args.get(i);
            if (a instanceof String) {
                throw new ArgException(i, null, fn + ": argument " + (i + 1) + " must be a tensor, got the string '"
                        + a + "'");
            }
            return T.asTensor(a);
        }

        Object operand(int i) {
            Object a = args.get(i);
            if (a instanceof String) {
                throw new ArgException(i, null, fn + ": argument " + (i + 1) + " must be a tensor or a number, got the"
                        + " string '" + a + "'");
            }
            return a;
        }

        int intLit(int i, String what) {
            Object a = args.get(i);
            if (!(a instanceof Long) || (Long) a < Integer.MIN_VALUE || (Long) a > Integer.MAX_VALUE) {
                throw new ArgException(i, null, fn + ": argument " + (i + 1) + " (" + what
                        + ") must be an integer literal, got " + describe(a));
            }
            return (int) (long) (Long) a;
        }

        int[] intsFrom(int from, String what) {
            int[] r = new int[Math.max(0, args.size() - from)];
            for (int i = from; i < args.size(); i++) {
                r[i - from] = intLit(i, what);
            }
            return r;
        }

        String string(int i, String what) {
            Object a = args.get(i);
            if (!(a instanceof String)) {
                throw new ArgException(i, null, fn + ": argument " + (i + 1) + " (" + what
                        + ") must be a string literal such as 'float32', got " + describe(a));
            }
            return (String) a;
        }

        int kwInt(String k, int dflt) {
            Object a = kwargs.get(k);
            if (a == null) {
                return dflt;
            }
            if (!(a instanceof Long)) {
                throw new ArgException(-1, k, fn + ": keyword " + k + " must be an integer literal, got " + describe(a));
            }
            return (int) (long) (Long) a;
        }

        boolean kwBool(String k) {
            Object a = kwargs.get(k);
            if (a == null) {
                return false;
            }
            if (!(a instanceof Long) || ((Long) a != 0 && (Long) a != 1)) {
                throw new ArgException(-1, k, fn + ": keyword " + k + " must be 0 or 1, got " + describe(a));
            }
            return (Long) a == 1;
        }

        static String describe(Object a) {
            if (a instanceof Variable) {
                return "an expression";
            }
            if (a instanceof String) {
                return "the string '" + a + "'";
            }
            if (a instanceof NDArray) {
                return "a list";
            }
            return "'" + a + "'";
        }
    }

    @FunctionalInterface
    interface Impl {
        Variable apply(Args a);
    }

    /** One function: its name, its accepted forms (for messages and docs), arity and keywords. */
    public static final class Fn {
        private final String name;
        private final String forms;
        private final int minArgs;
        private final int maxArgs;           // -1: unbounded
        private final Set<String> keywords;
        private final Impl impl;

        Fn(String name, String forms, int minArgs, int maxArgs, Set<String> keywords, Impl impl) {
            this.name = name;
            this.forms = forms;
            this.minArgs = minArgs;
            this.maxArgs = maxArgs;
            this.keywords = keywords;
            this.impl = impl;
        }

        public String name() { return name; }
        /** The accepted argument forms, e.g. {@code sum(x) | sum(x, axis, ...)}. */
        public String forms() { return forms; }
    }

    private static final Map<String, Fn> FNS = build();

    /** The function names, in documentation order. */
    public static List<String> names() {
        return new ArrayList<>(FNS.keySet());
    }

    public static boolean has(String name) {
        return FNS.containsKey(name);
    }

    /** Every function with its forms, one per line (the spec documentation's table). */
    public static Map<String, String> signatures() {
        Map<String, String> m = new LinkedHashMap<>();
        for (Fn f : FNS.values()) {
            m.put(f.name, f.forms);
        }
        return Collections.unmodifiableMap(m);
    }

    /**
     * Applies function {@code name}. Errors: {@link ArgException} for a wrong arity, keyword or
     * argument kind (locating the argument), and the op's own {@link IllegalArgumentException}.
     */
    public static Variable call(String name, List<Object> args, Map<String, Object> kwargs) {
        Fn f = FNS.get(name);
        if (f == null) {
            throw new ArgException(-1, null, "unknown function '" + name + "'; expected one of " + String.join(", ",
                    FNS.keySet()));
        }
        if (args.size() < f.minArgs || (f.maxArgs >= 0 && args.size() > f.maxArgs)) {
            String n = f.minArgs == f.maxArgs ? String.valueOf(f.minArgs)
                    : f.maxArgs < 0 ? f.minArgs + " or more" : f.minArgs + " to " + f.maxArgs;
            throw new ArgException(-1, null, "function '" + name + "' takes " + n + " argument"
                    + (n.equals("1") ? "" : "s") + " (" + f.forms + "), got " + args.size());
        }
        for (String k : kwargs.keySet()) {
            if (!f.keywords.contains(k)) {
                throw new ArgException(-1, k, "function '" + name + "' has no keyword '" + k + "'"
                        + (f.keywords.isEmpty() ? "" : "; keywords: " + f.keywords) + " (" + f.forms + ")");
            }
        }
        return f.impl.apply(new Args(name, args, kwargs));
    }

    // ---------------------------------------------------------------- the table

    private static Map<String, Fn> build() {
        Map<String, Fn> m = new LinkedHashMap<>();
        // elementwise, one function per scalar op (the catalogue's elemwise names)
        for (ScalarOp op : ScalarOp.values()) {
            String n = op.opName();
            int k = op.arity();
            StringBuilder forms = new StringBuilder(n).append('(');
            for (int i = 0; i < k; i++) {
                forms.append(i == 0 ? "" : ", ").append(new String[] {"x", "y", "z"}[i]);
            }
            forms.append(')');
            put(m, new Fn(n, forms.toString(), k, k, Set.of(), a -> elemwise(op, a)));
        }
        put(m, new Fn("div", "div(x, y) = true_div(x, y)", 2, 2, Set.of(), a -> T.trueDiv(a.operand(0), a.operand(1))));
        put(m, new Fn("where", "where(cond, a, b) = switch(cond, a, b)", 3, 3, Set.of(),
                a -> T.switch_(a.operand(0), a.operand(1), a.operand(2))));
        put(m, new Fn("cast", "cast(x, 'float32') with a dtype string: bool, int32, int64, float16, float32, float64",
                2, 2, Set.of(), a -> {
                    String d = a.string(1, "dtype");
                    DType t;
                    try {
                        t = DType.of(d);
                    } catch (IllegalArgumentException e) {
                        throw new ArgException(1, null, "cast: unknown dtype '" + d + "'");
                    }
                    return T.cast(a.tensor(0), t);
                }));
        put(m, new Fn("mul_without_zeros", "mul_without_zeros(x, y)", 2, 2, Set.of(),
                a -> T.mulWithoutZeros(a.operand(0), a.operand(1))));
        put(m, new Fn("zeros_like", "zeros_like(x)", 1, 1, Set.of(), a -> T.zerosLike(a.tensor(0))));
        put(m, new Fn("ones_like", "ones_like(x)", 1, 1, Set.of(), a -> T.onesLike(a.tensor(0))));
        put(m, new Fn("fill", "fill(like, value)", 2, 2, Set.of(), a -> T.fill(a.operand(0), a.operand(1))));

        // reductions: f(x) over all axes, f(x, axis, ...) over integer-literal axes; keepdims=1 keeps them
        put(m, new Fn("sum", "sum(x) | sum(x, axis, ...)", 1, -1, Set.of(),
                a -> a.size() == 1 ? T.sum(a.tensor(0)) : T.sum(a.tensor(0), a.intsFrom(1, "axis"))));
        reduction(m, "mean", (x, k, ax) -> T.mean(x, k, ax));
        reduction(m, "prod", (x, k, ax) -> T.prod(x, k, ax));
        reduction(m, "max", (x, k, ax) -> T.max(x, k, ax));
        reduction(m, "min", (x, k, ax) -> T.min(x, k, ax));
        reduction(m, "argmax", (x, k, ax) -> T.argmax(x, k, ax));
        reduction(m, "argmin", (x, k, ax) -> T.argmin(x, k, ax));
        reduction(m, "all", (x, k, ax) -> T.all(x, k, ax));
        reduction(m, "any", (x, k, ax) -> T.any(x, k, ax));
        put(m, new Fn("max_and_argmax", "max_and_argmax(x, axis, ...): its max output (output 0)", 1, -1, Set.of(),
                a -> T.maxAndArgmax(a.tensor(0), a.intsFrom(1, "axis")).get(0)));
        put(m, new Fn("prod_without_zeros", "prod_without_zeros(x, axis, ...)", 1, -1, Set.of(),
                a -> T.prodWithoutZeros(a.tensor(0), a.intsFrom(1, "axis"))));
        for (String n : new String[] {"var", "std"}) {
            boolean var = n.equals("var");
            put(m, new Fn(n, n + "(x, axis, ..., ddof=0, keepdims=0)", 1, -1, Set.of("ddof", "keepdims"), a -> {
                int[] axes = a.intsFrom(1, "axis");
                int ddof = a.kwInt("ddof", 0);
                boolean keep = a.kwBool("keepdims");
                return var ? T.var(a.tensor(0), ddof, keep, axes) : T.std(a.tensor(0), ddof, keep, axes);
            }));
        }

        // nnet
        put(m, new Fn("softmax", "softmax(x) | softmax(x, axis)", 1, 2, Set.of(),
                a -> a.size() == 1 ? T.softmax(a.tensor(0)) : T.softmax(a.tensor(0), a.intLit(1, "axis"))));
        put(m, new Fn("log_softmax", "log_softmax(x) | log_softmax(x, axis)", 1, 2, Set.of(),
                a -> a.size() == 1 ? T.logSoftmax(a.tensor(0)) : T.logSoftmax(a.tensor(0), a.intLit(1, "axis"))));
        put(m, new Fn("categorical_crossentropy", "categorical_crossentropy(probs, targets) | (probs, targets, axis)",
                2, 3, Set.of(), a -> a.size() == 2 ? T.categoricalCrossentropy(a.operand(0), a.operand(1))
                        : T.categoricalCrossentropy(a.tensor(0), a.tensor(1), a.intLit(2, "axis"))));

        // blas
        put(m, new Fn("dot", "dot(x, y)", 2, 2, Set.of(), a -> T.dot(a.operand(0), a.operand(1))));
        put(m, new Fn("outer", "outer(x, y)", 2, 2, Set.of(), a -> T.outer(a.operand(0), a.operand(1))));
        put(m, new Fn("tensordot", "tensordot(a, b, n): the last n axes of a with the first n of b", 3, 3, Set.of(),
                a -> T.tensordot(a.operand(0), a.operand(1), a.intLit(2, "n"))));
        put(m, new Fn("batched_dot", "batched_dot(a, b): (B, m, k) x (B, k, n)", 2, 2, Set.of(),
                a -> T.batchedDot(a.operand(0), a.operand(1))));

        // linear algebra (multi-output decompositions by output: eigh_values, eigh_vectors, qr_q, qr_r)
        put(m, new Fn("matrix_inverse", "matrix_inverse(A)", 1, 1, Set.of(), a -> T.matrixInverse(a.tensor(0))));
        put(m, new Fn("det", "det(A)", 1, 1, Set.of(), a -> T.det(a.tensor(0))));
        put(m, new Fn("solve", "solve(A, b)", 2, 2, Set.of(), a -> T.solve(a.tensor(0), a.tensor(1))));
        put(m, new Fn("cholesky", "cholesky(A): lower factor of the symmetric matrix of A's lower triangle", 1, 1,
                Set.of(), a -> T.cholesky(a.tensor(0))));
        put(m, new Fn("eigh_values", "eigh_values(A): ascending eigenvalues of A's lower triangle, symmetrised", 1, 1,
                Set.of(), a -> T.eigh(a.tensor(0)).get(0)));
        put(m, new Fn("eigh_vectors", "eigh_vectors(A): eigenvectors (columns, largest entry positive)", 1, 1,
                Set.of(), a -> T.eigh(a.tensor(0)).get(1)));
        put(m, new Fn("qr_q", "qr_q(A): Q of the reduced QR (diag(R) > 0)", 1, 1, Set.of(), a -> T.qr(a.tensor(0)).get(0)));
        put(m, new Fn("qr_r", "qr_r(A): R of the reduced QR (diag(R) > 0)", 1, 1, Set.of(), a -> T.qr(a.tensor(0)).get(1)));

        // shape
        put(m, new Fn("transpose", "transpose(x) | transpose(x, axis, ...)", 1, -1, Set.of(),
                a -> a.size() == 1 ? T.transpose(a.tensor(0)) : T.transpose(a.tensor(0), a.intsFrom(1, "axis"))));
        put(m, new Fn("dimshuffle", "dimshuffle(x, pattern...) with axis numbers and 'x' for a new broadcastable axis",
                1, -1, Set.of(), a -> {
                    Object[] p = new Object[a.size() - 1];
                    for (int i = 1; i < a.size(); i++) {
                        Object v = a.raw(i);
                        if ("x".equals(v)) {
                            p[i - 1] = "x";
                        } else {
                            p[i - 1] = a.intLit(i, "an axis or 'x'");
                        }
                    }
                    return T.dimshuffle(a.tensor(0), p);
                }));
        put(m, new Fn("shape", "shape(x) | shape(x, i)", 1, 2, Set.of(),
                a -> a.size() == 1 ? T.shape(a.tensor(0)) : T.shape(a.tensor(0), a.intLit(1, "axis"))));
        put(m, new Fn("specify_shape", "specify_shape(x, d0, d1, ...)", 1, -1, Set.of(),
                a -> T.specifyShape(a.tensor(0), a.intsFrom(1, "length"))));
        put(m, new Fn("reshape", "reshape(x, d0, d1, ...) with constant lengths (-1 once: inferred) | reshape(x, shape)",
                1, -1, Set.of(), a -> {
                    if (a.size() == 2 && a.raw(1) instanceof Variable) {
                        return T.reshape(a.tensor(0), (Variable) a.raw(1));
                    }
                    return T.reshape(a.tensor(0), a.intsFrom(1, "length"));
                }));
        put(m, new Fn("flatten", "flatten(x) | flatten(x, ndim)", 1, 2, Set.of(),
                a -> a.size() == 1 ? T.flatten(a.tensor(0)) : T.flatten(a.tensor(0), a.intLit(1, "ndim"))));
        put(m, new Fn("unbroadcast", "unbroadcast(x, axis, ...)", 1, -1, Set.of(),
                a -> T.unbroadcast(a.tensor(0), a.intsFrom(1, "axis"))));
        put(m, new Fn("addbroadcast", "addbroadcast(x, axis, ...)", 1, -1, Set.of(),
                a -> T.addBroadcast(a.tensor(0), a.intsFrom(1, "axis"))));
        put(m, new Fn("alloc", "alloc(value, d0, d1, ...)", 1, -1, Set.of(),
                a -> T.alloc(a.operand(0), a.intsFrom(1, "length"))));
        put(m, new Fn("arange", "arange(stop) | arange(start, stop) | arange(start, stop, step)", 1, 3, Set.of(),
                a -> a.size() == 1 ? T.arange(a.operand(0)) : a.size() == 2 ? T.arange(a.operand(0), a.operand(1))
                        : T.arange(a.operand(0), a.operand(1), a.operand(2))));
        put(m, new Fn("join", "join(axis, x, y, ...)", 2, -1, Set.of(), a -> {
            int axis = a.intLit(0, "axis");
            List<Variable> xs = new ArrayList<>();
            for (int i = 1; i < a.size(); i++) {
                xs.add(a.tensor(i));
            }
            return T.join(axis, xs);
        }));
        put(m, new Fn("stack", "stack(x, y, ..., axis=0)", 1, -1, Set.of("axis"), a -> {
            List<Variable> xs = new ArrayList<>();
            for (int i = 0; i < a.size(); i++) {
                xs.add(a.tensor(i));
            }
            return T.stack(xs, a.kwInt("axis", 0));
        }));
        put(m, new Fn("split", "split(x, piece, size0, size1, ..., axis=0): piece number `piece` of the split",
                3, -1, Set.of("axis"), a -> {
                    int piece = a.intLit(1, "piece");
                    int[] sizes = a.intsFrom(2, "size");
                    if (piece < 0 || piece >= sizes.length) {
                        throw new ArgException(1, null, "split: piece " + piece + " out of range [0, " + sizes.length + ")");
                    }
                    return T.split(a.tensor(0), sizes, a.kwInt("axis", 0)).get(piece);
                }));
        put(m, new Fn("tile", "tile(x, r0, r1, ...)", 2, -1, Set.of(), a -> T.tile(a.tensor(0), a.intsFrom(1, "reps"))));
        put(m, new Fn("scalar_from_tensor", "scalar_from_tensor(x)", 1, 1, Set.of(), a -> T.scalarFromTensor(a.tensor(0))));
        put(m, new Fn("tensor_from_scalar", "tensor_from_scalar(x)", 1, 1, Set.of(), a -> T.tensorFromScalar(a.tensor(0))));

        // index (integer index vectors as list literals, e.g. [0, 2, 2])
        put(m, new Fn("advanced_subtensor1", "advanced_subtensor1(x, [i, ...])", 2, 2, Set.of(),
                a -> T.advancedSubtensor1(a.tensor(0), a.operand(1))));
        put(m, new Fn("advanced_inc_subtensor1", "advanced_inc_subtensor1(x, y, [i, ...])", 3, 3, Set.of(),
                a -> T.advancedIncSubtensor1(a.tensor(0), a.operand(1), a.operand(2))));
        put(m, new Fn("advanced_set_subtensor1", "advanced_set_subtensor1(x, y, [i, ...])", 3, 3, Set.of(),
                a -> T.advancedSetSubtensor1(a.tensor(0), a.operand(1), a.operand(2))));
        put(m, new Fn("advanced_subtensor", "advanced_subtensor(x, [i, ...], [j, ...], ...)", 2, -1, Set.of(),
                a -> T.advancedSubtensor(a.tensor(0), rest(a, 1))));
        put(m, new Fn("advanced_inc_subtensor", "advanced_inc_subtensor(x, y, [i, ...], ...)", 3, -1, Set.of(),
                a -> T.advancedIncSubtensor(a.tensor(0), a.operand(1), rest(a, 2))));
        put(m, new Fn("advanced_set_subtensor", "advanced_set_subtensor(x, y, [i, ...], ...)", 3, -1, Set.of(),
                a -> T.advancedSetSubtensor(a.tensor(0), a.operand(1), rest(a, 2))));
        put(m, new Fn("permute_row_elements", "permute_row_elements(x, [perm...], inverse=0)", 2, 2, Set.of("inverse"),
                a -> T.permuteRowElements(a.tensor(0), a.operand(1), a.kwBool("inverse"))));
        return Collections.unmodifiableMap(m);
    }

    private static Object[] rest(Args a, int from) {
        Object[] r = new Object[a.size() - from];
        for (int i = from; i < a.size(); i++) {
            r[i - from] = a.operand(i);
        }
        return r;
    }

    private static Variable elemwise(ScalarOp op, Args a) {
        switch (op.arity()) {
            case 1: return unary(op, a.operand(0));
            case 2: return binary(op, a.operand(0), a.operand(1));
            default: return ternary(op, a.operand(0), a.operand(1), a.operand(2));
        }
    }

    /** The façade's method for each scalar op (its weak-literal typing and broadcasting). */
    private static Variable unary(ScalarOp op, Object x) {
        switch (op) {
            case NOT: return T.not(x);
            default: return Elemwise.apply(op, T.asTensor(x));
        }
    }

    private static Variable binary(ScalarOp op, Object x, Object y) {
        switch (op) {
            case ADD: return T.add(x, y);
            case SUB: return T.sub(x, y);
            case MUL: return T.mul(x, y);
            case TRUE_DIV: return T.trueDiv(x, y);
            case POW: return T.pow(x, y);
            case INT_DIV: return T.intDiv(x, y);
            case MOD: return T.mod(x, y);
            case ARCTAN2: return T.arctan2(x, y);
            case MAXIMUM: return T.maximum(x, y);
            case MINIMUM: return T.minimum(x, y);
            case AND: return T.and(x, y);
            case OR: return T.or(x, y);
            case XOR: return T.xor(x, y);
            case LT: return T.lt(x, y);
            case GT: return T.gt(x, y);
            case LE: return T.le(x, y);
            case GE: return T.ge(x, y);
            case EQ: return T.eq(x, y);
            case NEQ: return T.neq(x, y);
            case SECOND: return T.fill(x, y);
            default: throw new IllegalStateException("binary scalar op " + op.opName() + " has no façade method");
        }
    }

    private static Variable ternary(ScalarOp op, Object x, Object y, Object z) {
        switch (op) {
            case CLIP: return T.clip(x, y, z);
            case SWITCH: return T.switch_(x, y, z);
            default: throw new IllegalStateException("ternary scalar op " + op.opName() + " has no façade method");
        }
    }

    @FunctionalInterface
    private interface Reduction {
        Variable apply(Variable x, boolean keepdims, int[] axes);
    }

    private static void reduction(Map<String, Fn> m, String name, Reduction r) {
        put(m, new Fn(name, name + "(x) | " + name + "(x, axis, ..., keepdims=0)", 1, -1, Set.of("keepdims"),
                a -> r.apply(a.tensor(0), a.kwBool("keepdims"), a.intsFrom(1, "axis"))));
    }

    private static void put(Map<String, Fn> m, Fn f) {
        if (m.put(f.name, f) != null) {
            throw new IllegalStateException("function " + f.name + " defined twice");
        }
    }
}
