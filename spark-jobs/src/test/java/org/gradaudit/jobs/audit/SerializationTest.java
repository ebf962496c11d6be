package org.gradaudit.jobs.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.JavaSerializer;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.gradaudit.core.check.GradCheck;
import org.gradaudit.core.check.UnitResult;
import org.junit.jupiter.api.Test;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * What crosses the wire (the broadcast payload, units, unit outputs) survives both of Spark's
 * serializers, without a SparkContext. Broadcasts use spark.serializer, so a user who turns Kryo on
 * must still get working checks on executors.
 */
class SerializationTest {

    @SuppressWarnings("unchecked")
    private static <T> T roundTrip(SerializerInstance s, T value) {
        ClassTag<T> tag = (ClassTag<T>) ClassTag$.MODULE$.apply(value.getClass());
        ByteBuffer b = s.serialize(value, tag);
        return s.deserialize(b, tag);
    }

    private static List<SerializerInstance> serializers() {
        SparkConf conf = new SparkConf().set("spark.kryo.referenceTracking", "true");
        return List.of(new KryoSerializer(conf).newInstance(), new JavaSerializer(conf).newInstance());
    }

    @Test
    void checksSurviveBothSerializersAndGiveTheSameResults() throws Exception {
        AuditSpec spec = AuditJobTest.resourceSpec("specs/mixed.json");
        List<GradCheck> checks = new ArrayList<>();
        for (String name : List.of("tanh_dot", "fast_mode", "broken_neg")) {
            AuditSpec.Case c = spec.cases().stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
            checks.add(AuditJob.prepare(spec.seed(), c).check);
        }
        AuditJob.ChecksPayload payload = AuditJob.ChecksPayload.of(checks);
        for (SerializerInstance s : serializers()) {
            AuditJob.ChecksPayload back = roundTrip(s, payload);
            for (int k = 0; k < checks.size(); k++) {
                GradCheck c = checks.get(k);
                UnitResult want = c.run(1, 0, c.nCoordinates());
                assertEquals(want, back.checks().get(k).run(1, 0, c.nCoordinates()), s.getClass().getSimpleName());
            }
        }
    }

    @Test
    void unitsAndOutputsSurviveBothSerializers() throws Exception {
        AuditSpec spec = AuditJobTest.resourceSpec("specs/mixed.json");
        GradCheck c = AuditJob.prepare(spec.seed(), spec.cases().get(0)).check;
        UnitResult r = c.run(0, 2, 9);
        for (SerializerInstance s : serializers()) {
            AuditJob.WorkUnit u = roundTrip(s, new AuditJob.WorkUnit(3, 1, 4, 8));
            assertEquals("unit(check 3, test 1, [4, 8))", u.toString());
            AuditJob.UnitOutput o = roundTrip(s, AuditJob.UnitOutput.of(r, 42));
            assertEquals(r, o.result);
            assertEquals(42, o.nanos);
            AuditJob.UnitOutput f = roundTrip(s, AuditJob.UnitOutput.failed(5, "boom", 7));
            assertEquals("boom", f.error);
            assertEquals(5, f.errorLo);
        }
    }

    @Test
    void unitOutputMergeIsAssociativeAndCommutative() throws Exception {
        AuditSpec spec = AuditJobTest.resourceSpec("specs/mixed.json");
        GradCheck c = AuditJob.prepare(spec.seed(), spec.cases().get(0)).check;
        AuditJob.UnitOutput a = AuditJob.UnitOutput.of(c.run(0, 0, 7), 1);
        AuditJob.UnitOutput b = AuditJob.UnitOutput.failed(7, "b failed", 2);
        AuditJob.UnitOutput d = AuditJob.UnitOutput.of(c.run(0, 14, 24), 3);
        AuditJob.UnitOutput e = AuditJob.UnitOutput.failed(14, "a failed later", 4);
        AuditJob.UnitOutput left = a.merge(b).merge(d.merge(e));
        AuditJob.UnitOutput right = e.merge(d).merge(b.merge(a));
        assertEquals(left.result, right.result);
        assertEquals(c.run(0, 0, 7).merge(c.run(0, 14, 24)), left.result);
        assertEquals("b failed", left.error);
        assertEquals("b failed", right.error);
        assertEquals(7, left.errorLo);
        assertEquals(10, left.nanos);
        assertEquals(10, right.nanos);
    }
}
