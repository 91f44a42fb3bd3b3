package dev.asnet.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.asnet.exporter.onnx.Onnx.AttributeProto;
import dev.asnet.exporter.onnx.Onnx.GraphProto;
import dev.asnet.exporter.onnx.Onnx.ModelProto;
import dev.asnet.exporter.onnx.Onnx.NodeProto;
import dev.asnet.exporter.onnx.Onnx.OperatorSetIdProto;
import dev.asnet.exporter.onnx.Onnx.StringStringEntryProto;
import dev.asnet.exporter.onnx.Onnx.TensorProto;
import dev.asnet.exporter.onnx.Onnx.TensorShapeProto;
import dev.asnet.exporter.onnx.Onnx.TypeProto;
import dev.asnet.exporter.onnx.Onnx.ValueInfoProto;
import dev.asnet.shaded.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Models whose weights live in external data files: from bytes they are refused, from a file
 * only data inside the model's folder is read.
 */
class ExternalDataTest {
    private static final float[] W = {10, 20, 30, 40};

    @TempDir
    Path tmp;

    /** Y = X + W, X and W float [4]; W as given (embedded or external). */
    private static ModelProto addModel(TensorProto w) {
        GraphProto g = GraphProto.newBuilder().setName("add")
                .addInput(floatValue("X")).addOutput(floatValue("Y")).addInitializer(w)
                .addNode(NodeProto.newBuilder().setOpType("Add").setName("add").addInput("X").addInput("W").addOutput("Y"))
                .build();
        return ModelProto.newBuilder().setIrVersion(8).setProducerName("test")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(17)).setGraph(g).build();
    }

    private static ValueInfoProto floatValue(String name) {
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE)
                        .setShape(TensorShapeProto.newBuilder().addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(4)))))
                .build();
    }

    private static TensorProto external(String name, String location) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addDims(4).setDataLocation(TensorProto.DataLocation.EXTERNAL);
        if (location != null) {
            t.addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue(location));
        }
        return t.build();
    }

    private static byte[] floatBytes(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        return b.array();
    }

    private Path modelDir() throws Exception {
        return Files.createDirectories(tmp.resolve("model"));
    }

    private Path write(ModelProto m) throws Exception {
        Path file = modelDir().resolve("m.onnx");
        Files.write(file, m.toByteArray());
        return file;
    }

    private static String refusal(Path file) {
        return assertThrows(InvalidModelException.class, () -> AsnetModel.open(file, RuntimeOptions.defaults()).close())
                .getMessage();
    }

    @Test
    void bytesWithExternalDataAreRefusedNamingTheTensor() {
        // What the issue reported: loaded from bytes with the working directory at /, this read /etc/passwd.
        byte[] model = addModel(external("W", "etc/passwd")).toByteArray();
        String msg = assertThrows(InvalidModelException.class,
                () -> AsnetModel.open(model, RuntimeOptions.defaults()).close()).getMessage();
        assertTrue(msg.contains("tensor 'W'") && msg.contains("'etc/passwd'") && msg.contains("as bytes"), msg);
    }

    @Test
    void bytesWithAnExternalConstantAttributeAreRefused() {
        ModelProto m = addModel(TensorProto.newBuilder().setName("W").setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addDims(4).setRawData(ByteString.copyFrom(floatBytes(W))).build());
        ModelProto.Builder b = m.toBuilder();
        b.getGraphBuilder().addNode(0, NodeProto.newBuilder().setOpType("Constant").addOutput("C")
                .addAttribute(AttributeProto.newBuilder().setName("value").setType(AttributeProto.AttributeType.TENSOR)
                        .setT(external("C", "/etc/passwd"))));
        String msg = assertThrows(InvalidModelException.class,
                () -> AsnetModel.open(b.build().toByteArray(), RuntimeOptions.defaults()).close()).getMessage();
        assertTrue(msg.contains("tensor 'C'"), msg);
    }

    @Test
    void externalDataInsideTheFolderIsRead() throws Exception {
        Path file = write(addModel(external("W", "weights/w.bin")));
        Files.createDirectories(file.resolveSibling("weights"));
        Files.write(file.resolveSibling("weights/w.bin"), floatBytes(W));
        try (AsnetModel model = AsnetModel.open(file, RuntimeOptions.defaults())) {
            assertArrayEquals(new float[] {11, 22, 33, 44}, model.run(FloatTensor.of(new float[] {1, 2, 3, 4}, 4)).data());
        }
    }

    @Test
    void absoluteLocationIsRefused() throws Exception {
        Path outside = Files.write(tmp.resolve("secret.bin"), floatBytes(W));
        String msg = refusal(write(addModel(external("W", outside.toString()))));
        assertTrue(msg.contains("tensor 'W'") && msg.contains("absolute"), msg);
    }

    @Test
    void dotDotOutOfTheFolderIsRefused() throws Exception {
        Files.write(tmp.resolve("secret.bin"), floatBytes(W));
        String msg = refusal(write(addModel(external("W", "sub/../../secret.bin"))));
        assertTrue(msg.contains("tensor 'W'") && msg.contains("'..'"), msg);
    }

    @Test
    void symbolicLinkOutOfTheFolderIsRefused() throws Exception {
        Path secret = Files.write(tmp.resolve("secret.bin"), floatBytes(W));
        Files.createSymbolicLink(modelDir().resolve("w.bin"), secret);
        String msg = refusal(write(addModel(external("W", "w.bin"))));
        assertTrue(msg.contains("tensor 'W'") && msg.contains("symbolic link"), msg);
    }

    @Test
    void symbolicLinkInsideTheFolderIsAllowed() throws Exception {
        Path real = Files.write(modelDir().resolve("real.bin"), floatBytes(W));
        Files.createSymbolicLink(modelDir().resolve("w.bin"), real.getFileName());
        try (AsnetModel model = AsnetModel.open(write(addModel(external("W", "w.bin"))), RuntimeOptions.defaults())) {
            assertArrayEquals(new float[] {10, 20, 30, 40}, model.run(FloatTensor.of(new float[4], 4)).data());
        }
    }

    @Test
    void missingOrUnnamedDataIsRefused() throws Exception {
        String msg = refusal(write(addModel(external("W", "missing.bin"))));
        assertTrue(msg.contains("'missing.bin'") && msg.contains("does not exist"), msg);
        msg = refusal(write(addModel(external("W", null))));
        assertTrue(msg.contains("tensor 'W'") && msg.contains("not named"), msg);
        Files.createDirectories(modelDir().resolve("dir.bin"));
        msg = refusal(write(addModel(external("W", "dir.bin"))));
        assertTrue(msg.contains("not a regular file"), msg);
    }
}
