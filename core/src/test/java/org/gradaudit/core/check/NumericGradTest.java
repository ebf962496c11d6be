package org.gradaudit.core.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.gradaudit.core.DType;
import org.gradaudit.core.NDArray;
import org.junit.jupiter.api.Test;

/** numeric_grad against the worked references of theano-semantics.md section 9.1. */
class NumericGradTest {
    private static final ScalarFunction SUM_OF_SQUARES = args -> {
        double s = 0;
        for (NDArray a : args) {
            for (int i = 0; i < a.size(); i++) {
                s += a.getFlat(i) * a.getFlat(i);
            }
        }
        return NDArray.scalar(args[0].dtype(), s);
    };

    @Test
    void float64ReferenceValues() {
        NumericGrad ng = new NumericGrad(SUM_OF_SQUARES, List.of(NDArray.of(1.0, 2.0)));
        assertEquals(1e-7, ng.eps(), 0);
        assertEquals(2.0000001033082526, ng.gf().get(0).getFlat(0), 0);
        assertEquals(4.000000091153311, ng.gf().get(0).getFlat(1), 0);
    }

    @Test
    void float32ReferenceValues() {
        NDArray x = NDArray.of(DType.FLOAT32, new int[] {2}, 1, 2);
        NumericGrad ng = new NumericGrad(SUM_OF_SQUARES, List.of(x));
        assertEquals(3e-4, ng.eps(), 0);
        assertEquals(DType.FLOAT32, ng.gf().get(0).dtype());
        assertEquals(2.0011265f, (float) ng.gf().get(0).getFlat(0), 0);
        assertEquals(3.9990742f, (float) ng.gf().get(0).getFlat(1), 0);
    }

    @Test
    void mixedDtypesWorkInTheMostPreciseDtypeWithTheLargestStep() {
        ScalarFunction f = args -> NDArray.scalar(args[0].getFlat(0) * args[0].getFlat(0) + args[1].getFlat(0) * args[1].getFlat(0));
        NumericGrad ng = new NumericGrad(f, List.of(NDArray.of(DType.FLOAT32, new int[] {1}, 1),
                NDArray.of(DType.FLOAT64, new int[] {1}, 2)));
        assertEquals(DType.FLOAT64, ng.workingDType());
        assertEquals(3e-4, ng.eps(), 0);
        assertEquals(2.0003, ng.gf().get(0).getFlat(0), 1e-9);
        assertEquals(4.0003, ng.gf().get(1).getFlat(0), 1e-9);
    }

    @Test
    void maxErrReferenceValues() {
        NumericGrad ng = new NumericGrad(SUM_OF_SQUARES, List.of(NDArray.of(1.0, 2.0)));
        NumericGrad.MaxErr pass = ng.maxErr(List.of(NDArray.of(2, 4)), 1e-4, 1e-4);
        assertEquals(0, pass.maxArg());
        assertEquals(0, pass.maxPos());
        assertEquals(1.033082526e-07, pass.absErr(), 1e-15);
        assertEquals(2.583e-08, pass.relErr(), 1e-11);
        NumericGrad.MaxErr fail = ng.maxErr(List.of(NDArray.of(2, 5)), 1e-4, 1e-4);
        assertEquals(1, fail.maxPos());
        assertEquals(0.9999999088466893, fail.absErr(), 0);
        assertEquals(0.11111109985761608, fail.relErr(), 1e-16);
        assertEquals(1111.11, fail.scaled(), 0.01);
    }

    @Test
    void absRelErrUsesTheFloorOfOneEMinus8() {
        NumericGrad.AbsRel e = NumericGrad.absRelErr(NDArray.of(0.0, 1.0), NDArray.of(0.0, 3.0));
        assertEquals(0, e.abs().getFlat(0), 0);
        assertEquals(0, e.rel().getFlat(0), 0);
        assertEquals(2, e.abs().getFlat(1), 0);
        assertEquals(0.5, e.rel().getFlat(1), 0);
    }

    @Test
    void errorsForBadArguments() {
        NumericGrad ng = new NumericGrad(SUM_OF_SQUARES, List.of(NDArray.of(1.0, 2.0)));
        IllegalArgumentException n = assertThrows(IllegalArgumentException.class,
                () -> ng.absRelErrors(List.of(NDArray.of(1, 2), NDArray.of(1))));
        assertTrue(n.getMessage().contains("wrong number of elements"), n.getMessage());
        IllegalArgumentException s = assertThrows(IllegalArgumentException.class,
                () -> ng.absRelErrors(List.of(NDArray.of(1, 2, 3))));
        assertTrue(s.getMessage().contains("argument element 0 has wrong shapes [3], [2]"), s.getMessage());
        IllegalArgumentException nf = assertThrows(IllegalArgumentException.class,
                () -> ng.maxErr(List.of(NDArray.of(Double.NaN, 4)), 1e-4, 1e-4));
        assertTrue(nf.getMessage().startsWith("abs_err not finite"), nf.getMessage());
        IllegalArgumentException i = assertThrows(IllegalArgumentException.class,
                () -> new NumericGrad(SUM_OF_SQUARES, List.of(NDArray.of(DType.INT32, new int[] {1}, 1))));
        assertTrue(i.getMessage().contains("input 0 has dtype \"int32\""), i.getMessage());
    }
}
