package org.gradaudit.core;

/** A variable with a fixed value; compiled programs embed the value. */
public final class Constant extends Variable {
    private static final long serialVersionUID = 1L;

    private final NDArray value;

    public Constant(TensorType type, NDArray value, String name) {
        super(type, null, 0, name);
        String why = type.mismatch(value);
        if (why != null) {
            throw new IllegalArgumentException("constant value does not fit type " + type + ": " + why);
        }
        this.value = value;
    }

    public NDArray value() { return value; }

    @Override
    public String toString() {
        if (name() != null) {
            return name();
        }
        return value.size() == 1 && value.ndim() == 0 ? "TensorConstant{" + value.item() + "}"
                : "TensorConstant{" + value + "}";
    }
}
