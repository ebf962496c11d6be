package org.gradaudit.jobs.testing;

import java.nio.file.Path;
import java.nio.file.Paths;

/** Paths shared by the tests. */
public final class Specs {
    private Specs() {}

    /** The repository root (tests run with the module directory as working directory). */
    public static Path root() {
        String r = System.getProperty("gradaudit.root");
        return (r != null ? Paths.get(r) : Paths.get("").toAbsolutePath().getParent()).normalize();
    }

    public static Path quickstart() {
        return root().resolve("data/audits/quickstart.json");
    }
}
