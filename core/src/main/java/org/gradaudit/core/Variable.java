package org.gradaudit.core;

import java.io.Serializable;

/**
 * A symbolic value in a graph: a {@link Type}, the {@link Apply} node that computes it (null for
 * graph inputs, constants and shared variables) and its position among that node's outputs.
 * Variables compare by identity. The fluent methods are shorthands for {@link T}'s functions.
 */
public class Variable implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Type type;
    private final Apply owner;
    private final int index;
    private String name;

    protected Variable(Type type, Apply owner, int index, String name) {
        this.type = type;
        this.owner = owner;
        this.index = index;
        this.name = name;
    }

    public Type type() { return type; }

    /** The node computing this variable, or null for a root. */
    public Apply owner() { return owner; }

    /** The position of this variable among its owner's outputs. */
    public int index() { return index; }

    public String name() { return name; }

    /** Renames this variable (gradients are named {@code (dcost/dx)}); returns this. */
    public Variable setName(String newName) {
        this.name = newName;
        return this;
    }

    /** True for tensor-typed variables. */
    public boolean isTensor() { return type instanceof TensorType; }

    /** The tensor type; fails for DisconnectedType and NullType placeholders. */
    public TensorType tensorType() {
        if (!(type instanceof TensorType)) {
            throw new IllegalStateException("variable " + this + " has type " + type + ", not a tensor type");
        }
        return (TensorType) type;
    }

    public DType dtype() { return tensorType().dtype(); }

    public int ndim() { return tensorType().ndim(); }

    public boolean[] broadcastable() { return tensorType().broadcastable(); }

    // ---- fluent façade over T ----

    public Variable add(Object y) { return T.add(this, y); }

    public Variable sub(Object y) { return T.sub(this, y); }

    public Variable mul(Object y) { return T.mul(this, y); }

    public Variable div(Object y) { return T.trueDiv(this, y); }

    public Variable pow(Object y) { return T.pow(this, y); }

    public Variable neg() { return T.neg(this); }

    public Variable sum() { return T.sum(this); }

    public Variable sum(int... axes) { return T.sum(this, axes); }

    public Variable dot(Variable y) { return T.dot(this, y); }

    /** The transpose (reversed axes). */
    public Variable T() { return T.transpose(this); }

    /** Theano's dimshuffle: axis numbers, and "x" for a new broadcastable axis. */
    public Variable dimshuffle(Object... pattern) { return T.dimshuffle(this, pattern); }

    public Variable astype(DType d) { return T.cast(this, d); }

    public Variable zerosLike() { return T.zerosLike(this); }

    public Variable onesLike() { return T.onesLike(this); }

    // ---- shape and index family: fluent get(...), shape(i), reshape(...), flatten() ----

    /** NumPy indexing (see {@link T#get}): ints, {@link T#slice} objects, integer arrays. */
    public Variable get(Object... idx) { return T.get(this, idx); }

    /** The shape as an int64 vector. */
    public Variable shape() { return T.shape(this); }

    /** {@code x.shape[i]} as an int64 0-d tensor. */
    public Variable shape(int i) { return T.shape(this, i); }

    public Variable reshape(int... shape) { return T.reshape(this, shape); }

    public Variable reshape(Variable shape) { return T.reshape(this, shape); }

    public Variable flatten() { return T.flatten(this); }

    public Variable flatten(int ndim) { return T.flatten(this, ndim); }

    /** Theano-like string: the name if any, else {@code Op.out} or the type. */
    @Override
    public String toString() {
        if (name != null) {
            return name;
        }
        if (owner != null) {
            String op = owner.op().toString();
            return owner.outputs().size() == 1 ? op + ".0" : op + "." + index;
        }
        return "<" + type + ">";
    }

    /** Outputs of {@code node} as created by {@link Apply}; for subclasses of Apply only. */
    static Variable output(Type type, Apply owner, int index) {
        return new Variable(type, owner, index, null);
    }
}
