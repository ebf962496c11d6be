package org.gradaudit.core;

import static org.gradaudit.core.T.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.gradaudit.core.check.VerifyGrad;
import org.junit.jupiter.api.Test;

/** Runs the README's core API example, and checks the README shows exactly this code. */
class ReadmeExampleTest {

    @Test
    void readmeExampleRuns() {
        // README-EXAMPLE-BEGIN
        Variable x = vector("x");
        Variable W = matrix("W");
        Variable cost = sum(sqr(tanh(dot(x, W))));

        Variable gx = Gradient.grad(cost, x);                   // reverse mode: d cost / d x
        Variable v = vector("v");
        Variable jv = Gradient.rop(tanh(dot(x, W)), x, v);      // forward mode: J v

        Function f = Function.compile(List.of(x, W, v), List.of(cost, gx, jv));
        List<NDArray> out = f.call(NDArray.of(0.5, -1.0),
                NDArray.of(new double[][] {{1, 2, 3}, {0.5, 0.25, -1}}), NDArray.of(1.0, 0.0));
        System.out.println("cost = " + out.get(0) + ", grad = " + out.get(1) + ", J v = " + out.get(2));

        // finite differences against the symbolic gradient (throws GradientError on a mismatch)
        VerifyGrad.verifyGrad(in -> sum(sqr(tanh(dot(in.get(0), in.get(1))))),
                List.of(NDArray.of(0.5, -1.0), NDArray.of(new double[][] {{1, 2, 3}, {0.5, 0.25, -1}})));
        // README-EXAMPLE-END
        assertEquals(3, out.get(2).size());
        assertEquals(1 - Math.tanh(0) * Math.tanh(0), out.get(2).getFlat(0), 1e-15);   // x.W[:,0] = 0
    }

    @Test
    void readmeShowsThisExample() throws Exception {
        Path root = Path.of("").toAbsolutePath();
        Path readme = Files.exists(root.resolve("README.md")) ? root.resolve("README.md") : root.getParent().resolve("README.md");
        Path self = root.resolve("src/test/java/org/gradaudit/core/ReadmeExampleTest.java");
        String code = Files.readString(self);
        String example = code.substring(code.indexOf("// README-EXAMPLE-BEGIN") + "// README-EXAMPLE-BEGIN".length(),
                code.indexOf("        // README-EXAMPLE-END"));
        String normalized = example.lines().map(String::strip).filter(l -> !l.isEmpty()).collect(Collectors.joining("\n"));
        String readmeText = Files.readString(readme).lines().map(String::strip).filter(l -> !l.isEmpty())
                .collect(Collectors.joining("\n"));
        assertTrue(readmeText.contains(normalized), "README.md must contain the example of ReadmeExampleTest:\n" + normalized);
    }
}
