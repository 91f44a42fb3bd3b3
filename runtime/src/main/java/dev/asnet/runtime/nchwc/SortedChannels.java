package dev.asnet.runtime.nchwc;

import dev.asnet.exporter.export.SortShiftChannels;
import dev.asnet.exporter.io.OnnxReader;
import dev.asnet.exporter.io.OnnxWriter;
import dev.asnet.exporter.ir.Model;
import java.util.Arrays;

/**
 * Orders a model's Active Shift channels by integer offset ({@link SortShiftChannels}) before
 * ONNX Runtime optimizes it for the NCHWc rewrite: models exported before the exporter did this
 * (or by other tools) then get the same benefit. The function computed is unchanged.
 */
final class SortedChannels {
    private SortedChannels() {}

    /**
     * The model with sorted ASL channels.
     *
     * @param model the model's bytes
     * @return new bytes when some layer was reordered, else the same array (also when the IR
     *     cannot read the model exactly, e.g. it uses ops asnet does not know or was written by another tool)
     */
    static byte[] of(byte[] model) {
        Model m;
        try {
            m = OnnxReader.read(model);
        } catch (Exception notReadable) {
            return model;
        }
        if (!Arrays.equals(OnnxWriter.toBytes(m), model)) {
            return model;  // the IR does not hold this file exactly (another producer): leave it alone
        }
        byte[] before = model;
        new SortShiftChannels().apply(m.graph());
        byte[] after = OnnxWriter.toBytes(m);
        return Arrays.equals(before, after) ? model : after;
    }
}
