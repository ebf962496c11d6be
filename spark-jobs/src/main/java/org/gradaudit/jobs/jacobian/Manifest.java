package org.gradaudit.jobs.jacobian;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.List;
import org.gradaudit.core.DType;

/**
 * {@code manifest.json} of an {@code .npy} output: J's shape and dtype, the mode, and per block its
 * file (relative to the output directory), row and column ranges (half-open), shard shape and the
 * SHA-256 of the file's bytes. Rows mode shards are (count, n) row blocks; columns mode shards are
 * (m, count) column blocks. Format {@code gradaudit-jacobian-npy/1}.
 */
final class Manifest {
    static final String FORMAT = "gradaudit-jacobian-npy/1";
    static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private Manifest() {}

    static String toJson(JacobianJob.Prepared p, JacobianJob.Plan plan, DType dtype, List<JacobianJob.BlockMeta> blocks) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("name", p.spec.name());
        root.put("wrt", p.spec.wrt());
        ArrayNode shape = root.putArray("shape");
        shape.add(p.m());
        shape.add(p.n());
        ArrayNode ys = root.putArray("outputShape");
        for (int d : p.yShape) {
            ys.add(d);
        }
        ArrayNode xs = root.putArray("inputShape");
        for (int d : p.xShape) {
            xs.add(d);
        }
        root.put("dtype", dtype.numpyName());
        root.put("mode", plan.mode.label());
        root.put("block", plan.block);
        ArrayNode arr = root.putArray("blocks");
        boolean rows = plan.mode == JacobianJob.Mode.ROWS;
        for (JacobianJob.BlockMeta b : blocks) {
            ObjectNode o = arr.addObject();
            o.put("index", b.index);
            o.put("file", b.file);
            ArrayNode r = o.putArray("rows");
            r.add(rows ? b.start : 0);
            r.add(rows ? b.start + b.count : p.m());
            ArrayNode c = o.putArray("cols");
            c.add(rows ? 0 : b.start);
            c.add(rows ? p.n() : b.start + b.count);
            ArrayNode s = o.putArray("shape");
            s.add(rows ? b.count : p.m());
            s.add(rows ? p.n() : b.count);
            o.put("bytes", b.bytes);
            o.put("sha256", b.sha256);
        }
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
