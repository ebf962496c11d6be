package org.gradaudit.core.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.gradaudit.core.io.GraphJson;

/** Fuzzes the portable graph format; its documented errors are IllegalArgumentExceptions with a located message. */
class GraphJsonFuzzTest {
    @FuzzTest(maxDuration = "5s")
    void parse(String text) {
        try {
            GraphJson.parse(text, "fuzz.json");
        } catch (IllegalArgumentException expected) {
            // documented: every parse and build error of the format is one
        }
    }
}
