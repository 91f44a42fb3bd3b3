package readme;

// README snippet runtime begins
// needs dev.asnet:asnet-runtime
import ai.onnxruntime.OrtException;
import dev.asnet.runtime.AsnetModel;
import dev.asnet.runtime.ExecutionProvider;
import dev.asnet.runtime.FloatTensor;
import dev.asnet.runtime.OptimizationLevel;
import dev.asnet.runtime.RuntimeOptions;
import dev.asnet.runtime.dataset.FashionMnist;
import dev.asnet.runtime.vision.Evaluation;
import dev.asnet.runtime.vision.ImageClassifier;
import dev.asnet.runtime.vision.Prediction;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

class ClassifyExample {
    static void classify(Path modelFile, Path image) throws IOException, OrtException {
        RuntimeOptions options = RuntimeOptions.builder()
                .optIntraOpThreads(2)                            // default 0: ONNX Runtime chooses
                .optOptimizationLevel(OptimizationLevel.ALL)     // the default
                .optExecutionProvider(ExecutionProvider.CPU)     // CUDA needs the GPU build
                .build();
        try (AsnetModel model = AsnetModel.open(modelFile, options)) {   // registers the op library if needed
            System.out.println(model.description());                     // a few lines: shapes, size, ops
            // run/runBatch take the network's input as it is: normalized floats, NCHW
            // ((pixel / 255 - mean) / std with the metadata's mean and std)
            FloatTensor logits = model.run(FloatTensor.of(new float[2 * 28 * 28], 2, 1, 28, 28));
            List<float[]> perImage = model.runBatch(List.of(new float[28 * 28], new float[28 * 28]));

            ImageClassifier classifier = ImageClassifier.of(model);      // preprocessing from the metadata
            for (Prediction p : classifier.classify(image, 3)) {         // PNG, JPEG or BMP, any size
                System.out.printf("%s %.3f%n", p.label(), p.probability());
            }
            byte[] gray = new byte[40 * 30];                             // raw 0-255 pixels, row-major
            System.out.println(classifier.classifyPixels(gray, 40, 30, 1));  // or 3 bytes per pixel, RGB
            Evaluation e = classifier.evaluate(FashionMnist.test().limit(1000));
            System.out.println(e);                                       // accuracy 0.1000 (100/1000), ... images/s
        }
    }
}
// README snippet runtime ends
