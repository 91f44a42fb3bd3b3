package app;

import com.google.protobuf.Timestamp;
import dev.asnet.runtime.AsnetModel;
import dev.asnet.runtime.FloatTensor;
import dev.asnet.runtime.RuntimeOptions;
import dev.asnet.runtime.vision.ImageClassifier;
import dev.asnet.runtime.vision.Prediction;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Uses its own protobuf-java, then opens and runs an asnet model. Arguments: the model, a file of
 * 28x28 grayscale images (raw bytes, one after another), the NCHWc cache folder. Prints one
 * "key value" line per fact for ProtobufCompatibilityIT.
 */
public final class App {
    public static void main(String[] args) throws Exception {
        Timestamp t = Timestamp.newBuilder().setSeconds(1_700_000_000L).setNanos(7).build();
        System.out.println("protobuf-jar " + Path.of(Timestamp.class.getProtectionDomain().getCodeSource()
                .getLocation().toURI()).getFileName());
        System.out.println("protobuf-roundtrip " + t.equals(Timestamp.parseFrom(t.toByteArray())));

        byte[] pixels = Files.readAllBytes(Path.of(args[1]));
        int images = pixels.length / (28 * 28);
        RuntimeOptions options = RuntimeOptions.builder()
                .optIntraOpThreads(1)
                .optNchwcCacheDir(Path.of(args[2]))
                .build();
        try (AsnetModel model = AsnetModel.open(Path.of(args[0]), options)) {
            System.out.println("nchwc " + model.nchwcRewrite().status());
            System.out.println("parameters " + model.description().parameters());
            ImageClassifier classifier = ImageClassifier.of(model);
            for (int i = 0; i < images; i++) {
                byte[] image = java.util.Arrays.copyOfRange(pixels, i * 28 * 28, (i + 1) * 28 * 28);
                Prediction top = classifier.classifyPixels(image, 28, 28, 1).get(0);
                System.out.println("top1 " + i + " " + top.index() + " " + top.probability());
            }
            float[] zeros = new float[images * 28 * 28];
            FloatTensor logits = model.run(FloatTensor.of(zeros, images, 1, 28, 28));
            StringBuilder line = new StringBuilder("logits");
            for (float v : logits.data()) {
                line.append(' ').append(v);
            }
            System.out.println(line);
        }
    }
}
