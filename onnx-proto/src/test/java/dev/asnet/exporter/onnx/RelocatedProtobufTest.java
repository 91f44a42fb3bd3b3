package dev.asnet.exporter.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.asnet.exporter.onnx.Onnx.GraphProto;
import dev.asnet.exporter.onnx.Onnx.ModelProto;
import dev.asnet.exporter.onnx.Onnx.NodeProto;
import dev.asnet.exporter.onnx.Onnx.TensorProto;
import dev.asnet.shaded.protobuf.Any;
import dev.asnet.shaded.protobuf.ByteString;
import dev.asnet.shaded.protobuf.DescriptorProtos;
import dev.asnet.shaded.protobuf.InvalidProtocolBufferException;
import dev.asnet.shaded.protobuf.TextFormat;
import dev.asnet.shaded.protobuf.Timestamp;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The module's classes are a self-contained protobuf: generated ONNX classes and the relocated
 * runtime work on a class path without {@code protobuf-java}, and no compiled class still points at
 * {@code com.google.protobuf} (the source rewrite in the pom missed nothing, and kept the serialized
 * descriptors intact, or the descriptor checks below would fail to load).
 */
class RelocatedProtobufTest {

    @Test
    void theTestClassPathHasNoProtobufJava() {
        assertThrows(ClassNotFoundException.class, () -> Class.forName("com.google.protobuf.Message"));
    }

    @Test
    void noCompiledClassRefersToComGoogleProtobuf() throws IOException, URISyntaxException {
        Path classes = Path.of(Onnx.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> offenders = new ArrayList<>();
        int count = 0;
        try (Stream<Path> all = Files.walk(classes)) {
            for (Path p : all.filter(f -> f.toString().endsWith(".class")).toList()) {
                count++;
                // Class and descriptor references use slashes; Class.forName strings use dots and a
                // class name after the package (the serialized java_package option has neither).
                String text = new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1);
                if (text.contains("com/google/protobuf") || text.matches("(?s).*com\\.google\\.protobuf\\.[A-Z].*")) {
                    offenders.add(classes.relativize(p).toString());
                }
            }
        }
        assertTrue(count > 500, "expected the relocated runtime next to the ONNX classes, found " + count + " classes");
        assertEquals(List.of(), offenders);
    }

    @Test
    void anOnnxModelRoundTripsThroughBytesAndText() throws Exception {
        byte[] raw = {1, 2, 3, (byte) 0xff};
        ModelProto model = ModelProto.newBuilder()
                .setIrVersion(8)
                .setProducerName("asnet")
                .setGraph(GraphProto.newBuilder()
                        .setName("g")
                        .addNode(NodeProto.newBuilder().setOpType("Relu").addInput("x").addOutput("y"))
                        .addInitializer(TensorProto.newBuilder().setName("w").addDims(4)
                                .setDataType(TensorProto.DataType.UINT8_VALUE).setRawData(ByteString.copyFrom(raw))))
                .build();
        ModelProto back = ModelProto.parseFrom(model.toByteArray());
        assertEquals(model, back);
        assertArrayEquals(raw, back.getGraph().getInitializer(0).getRawData().toByteArray());
        // Text format walks the descriptors and the reflection tables.
        ModelProto.Builder fromText = ModelProto.newBuilder();
        TextFormat.merge(TextFormat.printer().printToString(model), fromText);
        assertEquals(model, fromText.build());
        assertEquals("onnx.ModelProto", ModelProto.getDescriptor().getFullName());
    }

    @Test
    void theRuntimesOwnWellKnownTypesLoad() throws Exception {
        // descriptor.proto and timestamp.proto are parsed from the serialized descriptors kept in
        // the relocated sources: a rewritten length prefix would fail here.
        assertEquals("google.protobuf.FileDescriptorProto",
                DescriptorProtos.FileDescriptorProto.getDescriptor().getFullName());
        Timestamp t = Timestamp.newBuilder().setSeconds(1_700_000_000L).setNanos(5).build();
        Any packed = Any.pack(t);
        assertEquals("type.googleapis.com/google.protobuf.Timestamp", packed.getTypeUrl());
        assertEquals(t, packed.unpack(Timestamp.class));
        assertFalse(packed.is(ModelProto.class));
    }

    @Test
    void garbageIsTheRelocatedParseError() {
        assertThrows(InvalidProtocolBufferException.class, () -> ModelProto.parseFrom(new byte[] {(byte) 0xff, 1}));
    }
}
