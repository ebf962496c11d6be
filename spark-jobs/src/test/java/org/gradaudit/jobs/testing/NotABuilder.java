package org.gradaudit.jobs.testing;

/**
 * Not a GraphBuilder. Records in {@link Probe} (a separate class, so reading the flag does not
 * initialise this one) whether it was ever initialised or constructed; it must not be.
 */
public final class NotABuilder {
    static {
        Probe.notABuilderTouched = true;
    }

    public NotABuilder() {
        Probe.notABuilderTouched = true;
    }

    /** Side channel for {@link NotABuilder}. */
    public static final class Probe {
        public static volatile boolean notABuilderTouched;

        private Probe() {}
    }
}
