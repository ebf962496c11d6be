package org.gradaudit.core.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.LinkedHashMap;
import java.util.Map;
import org.gradaudit.core.T;
import org.gradaudit.core.Variable;
import org.gradaudit.core.io.ExpressionParser;

/**
 * Fuzzes the spec expression language. Its only documented error is
 * {@link ExpressionParser.ExpressionException}; anything else thrown is a bug.
 */
class ExpressionParserFuzzTest {
    private static final Map<String, Variable> INPUTS = new LinkedHashMap<>();

    static {
        INPUTS.put("x", T.vector("x"));
        INPUTS.put("W", T.matrix("W"));
        INPUTS.put("s", T.scalar("s"));
    }

    @FuzzTest(maxDuration = "5s")
    void parse(String text) {
        try {
            ExpressionParser.parse(text, INPUTS);
        } catch (ExpressionParser.ExpressionException expected) {
            // documented
        }
    }
}
