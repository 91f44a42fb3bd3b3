package dev.asnet.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.asnet.exporter.export.AslLowering;
import dev.asnet.exporter.export.ExportOptions;
import dev.asnet.exporter.export.InferenceExport;
import dev.asnet.exporter.io.OnnxReader;
import dev.asnet.exporter.io.OnnxWriter;
import dev.asnet.exporter.ir.Model;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every zoo model at its default input, as built and in every lowering: write, read, write gives
 * identical bytes, and so does a {@code Graph.copy()} of what was read. (The exporter module
 * cannot depend on the zoo, so this lives here; nothing runs in ONNX Runtime.)
 */
class ZooRoundTripTest {
    static Stream<String> names() {
        return ModelZoo.names().stream();
    }

    private static void assertRoundTrip(String what, Model model) throws Exception {
        byte[] written = OnnxWriter.toBytes(model);
        Model read = OnnxReader.read(written);
        assertArrayEquals(written, OnnxWriter.toBytes(read), what + ": write, read, write");
        Model copy = new Model(read.graph().copy()).setOpsetVersion(read.opsetVersion()).setIrVersion(read.irVersion())
                .setProducer(read.producerName(), read.producerVersion());
        read.metadata().forEach(copy::putMetadata);
        assertArrayEquals(written, OnnxWriter.toBytes(copy), what + ": copy of what was read");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void writeReadWriteIsIdentical(String name) throws Exception {
        Model source = ModelZoo.build(name);
        assertRoundTrip(name, source);
        for (AslLowering lowering : AslLowering.values()) {
            assertRoundTrip(name + " " + lowering, InferenceExport.prepare(source, ExportOptions.of(lowering)));
        }
    }
}
