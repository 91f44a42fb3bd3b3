package dev.asnet.serving;

import ai.onnxruntime.OrtException;
import dev.asnet.exporter.InputSpec;
import dev.asnet.runtime.AsnetModel;
import dev.asnet.runtime.InvalidModelException;
import dev.asnet.runtime.RuntimeOptions;
import dev.asnet.runtime.ValueSpec;
import dev.asnet.runtime.vision.ImageClassifier;
import dev.asnet.runtime.vision.ImageDecodeException;
import dev.asnet.runtime.vision.ImageFiles;
import dev.asnet.runtime.vision.ImageToTensor;
import dev.asnet.runtime.vision.Prediction;
import dev.asnet.runtime.vision.Softmax;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * One model the server serves: the opened {@link AsnetModel}, its v2 metadata, and the
 * {@link DynamicBatcher} its requests go through.
 *
 * <p>A request gives either the model's own input as an FP32 tensor {@code [n, ...]} (n rows; the
 * response holds the model's output {@code [n, ...]}), or images: an input named
 * {@value #IMAGE_INPUT} of datatype BYTES and shape {@code [n]}, each element a PNG, JPEG or BMP
 * file (base64 in JSON, raw bytes as binary data), prepared as the model's metadata says
 * ({@link ImageToTensor}, as {@link ImageClassifier} does) and answered with the top classes:
 * outputs {@value #LABELS_OUTPUT} (BYTES), {@value #PROBABILITIES_OUTPUT} (FP32) and
 * {@value #CLASSES_OUTPUT} (INT64), each {@code [n, k]}.
 *
 * <p>Served models have one input whose first dimension is free (the batch) and whose other
 * dimensions are fixed, and FP32 input and output: the form every asnet export has.
 */
public final class ServedModel implements AutoCloseable {
    /** The only model version served: v2 paths with another version answer 404. */
    public static final String VERSION = "1";
    /** The input name of image requests. */
    public static final String IMAGE_INPUT = "image";
    /** The output of image requests holding class names. */
    public static final String LABELS_OUTPUT = "labels";
    /** The output of image requests holding softmax probabilities. */
    public static final String PROBABILITIES_OUTPUT = "probabilities";
    /** The output of image requests holding class indices. */
    public static final String CLASSES_OUTPUT = "classes";
    /** Classes an image request answers unless {@code parameters.top_k} says otherwise. */
    public static final int DEFAULT_TOP_K = 5;

    private final String name;
    private final Path file;
    private final AsnetModel model;
    private final ValueSpec input;
    private final ValueSpec output;
    private final int rowSize;
    private final ImageSupport images;
    private final DynamicBatcher batcher;
    private final ServingMetrics metrics;

    /** What image requests need: the model's preprocessing and class names; absent for other models. */
    private record ImageSupport(ImageToTensor toTensor, InputSpec input, List<String> labels) {}

    private ServedModel(String name, Path file, AsnetModel model, ServerConfig config, ServingMetrics metrics)
            throws InvalidModelException {
        this.name = name;
        this.file = file;
        this.model = model;
        this.metrics = metrics;
        this.input = model.input();
        this.output = model.output();
        String src = file.toString();
        if (model.description().inputs().size() != 1) {
            throw new InvalidModelException(src + ": the model has " + model.description().inputs().size()
                    + " inputs; asnet serve serves models with one input");
        }
        if (!input.elementType().equals("float") || !output.elementType().equals("float")) {
            throw new InvalidModelException(src + ": asnet serve serves models with float input and output, this one "
                    + "takes " + input.elementType() + " and returns " + output.elementType());
        }
        long[] dims = input.dims();
        if (!input.hasDynamicBatch()) {
            throw new InvalidModelException(src + ": the input " + input.shapeText()
                    + " has a fixed batch size; asnet serve batches requests and needs a free first dimension");
        }
        long per = 1;
        for (int i = 1; i < dims.length; i++) {
            if (dims[i] < 0) {
                throw new InvalidModelException(src + ": the input " + input.shapeText()
                        + " has free dimensions besides the batch; asnet serve needs them fixed");
            }
            per = Math.multiplyExact(per, dims[i]);
        }
        if (per > Integer.MAX_VALUE / 8) {
            throw new InvalidModelException(src + ": one row of the input " + input.shapeText() + " is too large");
        }
        this.rowSize = (int) per;
        this.images = imageSupport(model);
        this.batcher = new DynamicBatcher(name, model::runBatch, config.maxBatch(), config.maxDelay(), config.queue(),
                (requests, rows, nanos) -> metrics.batch(name, requests, rows, nanos));
        metrics.register(name);
        metrics.queueDepth(name, batcher, DynamicBatcher::queueDepth);
    }

    private static ImageSupport imageSupport(AsnetModel model) {
        try {
            ImageClassifier c = ImageClassifier.of(model);
            return new ImageSupport(new ImageToTensor(c.input()), c.input(), c.labels());
        } catch (InvalidModelException | IllegalArgumentException e) {
            return null;  // not an image classifier: it serves tensors only
        }
    }

    /**
     * The name a model file is served under: the file name without {@code .onnx}.
     *
     * @param file the model file
     * @return the name
     */
    public static String nameOf(Path file) {
        String n = file.getFileName().toString();
        return n.toLowerCase(Locale.ROOT).endsWith(".onnx") ? n.substring(0, n.length() - 5) : n;
    }

    /**
     * Opens a model file and starts its batcher.
     *
     * @param file the {@code .onnx} file
     * @param config batching and session settings
     * @param metrics where batches are recorded
     * @return the served model
     * @throws IOException if the file cannot be read or is not a model asnet serve can serve (the
     *     message says why)
     * @throws OrtException if ONNX Runtime fails
     */
    public static ServedModel open(Path file, ServerConfig config, ServingMetrics metrics)
            throws IOException, OrtException {
        String name = nameOf(file);
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
            throw new InvalidModelException(file + ": the model name '" + name + "' (the file name without .onnx) "
                    + "must be letters, digits, '.', '_' and '-', starting with a letter or digit, to be a URL path");
        }
        RuntimeOptions options = config.runtimeOptions();
        AsnetModel model = AsnetModel.open(file, options);
        try {
            return new ServedModel(name, file, model, config, metrics);
        } catch (InvalidModelException | RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /**
     * The name in URLs ({@code /v2/models/NAME}).
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * The file it was opened from.
     *
     * @return the path
     */
    public Path file() {
        return file;
    }

    /**
     * The model underneath.
     *
     * @return the model
     */
    public AsnetModel model() {
        return model;
    }

    /**
     * Whether image requests are served (the model is an image classifier).
     *
     * @return true when images are accepted
     */
    public boolean acceptsImages() {
        return images != null;
    }

    /**
     * The v2 model metadata: name, versions, platform, inputs and outputs with datatypes and shapes
     * as the model declares them (-1 for the free batch dimension).
     *
     * @return the JSON object as a map
     */
    public Map<String, Object> metadata() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("versions", List.of(VERSION));
        m.put("platform", "onnxruntime_onnx");
        m.put("inputs", List.of(tensorMetadata(input)));
        List<Object> outs = new ArrayList<>();
        for (ValueSpec o : model.description().outputs()) {
            outs.add(tensorMetadata(o));
        }
        m.put("outputs", outs);
        return m;
    }

    private static Map<String, Object> tensorMetadata(ValueSpec v) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("name", v.name());
        t.put("datatype", datatype(v.elementType()));
        t.put("shape", Arrays.stream(v.dims()).boxed().toList());
        return t;
    }

    /**
     * The v2 datatype of an ONNX element type.
     *
     * @param onnx the type in ONNX spelling ({@code float}, {@code int64}, ...)
     * @return the v2 datatype ({@code FP32}, {@code INT64}, ...)
     */
    static String datatype(String onnx) {
        return switch (onnx) {
            case "float" -> "FP32";
            case "double" -> "FP64";
            case "float16" -> "FP16";
            case "bfloat16" -> "BF16";
            case "int8" -> "INT8";
            case "int16" -> "INT16";
            case "int32" -> "INT32";
            case "int64" -> "INT64";
            case "uint8" -> "UINT8";
            case "uint16" -> "UINT16";
            case "uint32" -> "UINT32";
            case "uint64" -> "UINT64";
            case "bool" -> "BOOL";
            case "string" -> "BYTES";
            default -> onnx.toUpperCase(Locale.ROOT);
        };
    }

    /**
     * The model's input and output shapes as declared, for the Triton repository.
     *
     * @return the input's spec
     */
    ValueSpec input() {
        return input;
    }

    /**
     * The primary output's spec.
     *
     * @return the output's spec
     */
    ValueSpec output() {
        return output;
    }

    /**
     * Announces a request being received, so that a batch forming now may wait for it (within
     * the configured delay); pass it to {@link #infer(InferRequest, Arrival)}, or close it if
     * the request fails before.
     *
     * @return the announcement
     */
    public Arrival arrival() {
        return batcher.arrival();
    }

    /** A request on its way to {@link ServedModel#infer(InferRequest, Arrival)}; closing it twice does nothing. */
    public interface Arrival extends AutoCloseable {
        /** Withdraws the announcement (the request failed before reaching the batcher). */
        @Override
        void close();
    }

    /**
     * Runs a request through the batcher and waits for its answer.
     *
     * @param request the parsed request
     * @return the response
     * @throws ServingException 400 if the request does not fit the model, 503 if the queue is full
     * @throws OrtException if ONNX Runtime fails
     */
    public InferResponse infer(InferRequest request) throws OrtException {
        return infer(request, null);
    }

    /**
     * Runs an announced request through the batcher and waits for its answer.
     *
     * @param request the parsed request
     * @param arrival what {@link #arrival()} returned for it, or null
     * @return the response
     * @throws ServingException 400 if the request does not fit the model, 503 if the queue is full
     * @throws OrtException if ONNX Runtime fails
     */
    public InferResponse infer(InferRequest request, Arrival arrival) throws OrtException {
        DynamicBatcher.Arrival announced = arrival instanceof DynamicBatcher.Arrival a ? a : null;
        metrics.request(name);
        if (request.inputs().size() != 1) {
            throw ServingException.badRequest("model '" + name + "' takes one input ('" + input.name() + "' "
                    + datatype(input.elementType()) + " " + input.shapeText()
                    + (images != null ? ", or '" + IMAGE_INPUT + "' BYTES [n]" : "") + "), the request has "
                    + request.inputs().size());
        }
        checkRequestedOutputs(request);
        InferRequest.Input in = request.inputs().get(0);
        if (in.name().equals(IMAGE_INPUT) && !input.name().equals(IMAGE_INPUT)) {
            return classify(request, in, announced);
        }
        if (!in.name().equals(input.name())) {
            throw ServingException.badRequest("model '" + name + "' has no input '" + in.name() + "'; its input is '"
                    + input.name() + "'" + (images != null ? " (or '" + IMAGE_INPUT + "' for images)" : ""));
        }
        if (!in.datatype().equals("FP32")) {
            throw ServingException.badRequest("input '" + in.name() + "' of model '" + name + "' is FP32, not "
                    + in.datatype());
        }
        long[] shape = in.shape();
        if (!input.accepts(shape) || shape[0] < 1) {
            throw ServingException.badRequest("wrong shape: input '" + in.name() + "' of model '" + name + "' is "
                    + input.shapeText() + " (at least one row), the request's is " + Arrays.toString(shape));
        }
        int n = (int) shape[0];
        List<float[]> rows = new ArrayList<>(n);
        if (n == 1) {
            rows.add(in.fp32());  // the parsed array is the row: no copy
        } else {
            for (int i = 0; i < n; i++) {
                rows.add(Arrays.copyOfRange(in.fp32(), i * rowSize, (i + 1) * rowSize));
            }
        }
        List<float[]> out = await(batcher.submit(rows, announced));
        boolean binary = outputBinary(request, output.name());
        long[] outDims = output.dims();
        int per = out.get(0).length;
        long[] outShape;
        if (outDims.length >= 1 && Arrays.stream(outDims, 1, outDims.length).allMatch(d -> d >= 0)
                && Arrays.stream(outDims, 1, outDims.length).reduce(1, Math::multiplyExact) == per) {
            outShape = outDims;
            outShape[0] = n;
        } else {
            outShape = new long[] {n, per};
        }
        float[] flat = new float[n * per];
        for (int i = 0; i < n; i++) {
            System.arraycopy(out.get(i), 0, flat, i * per, per);
        }
        return new InferResponse(name, request.id(),
                List.of(new InferResponse.Output(output.name(), "FP32", outShape, flat, null, null, binary)));
    }

    /** An image request: decode, prepare as the model's metadata says, batch, answer the top classes. */
    private InferResponse classify(InferRequest request, InferRequest.Input in, DynamicBatcher.Arrival announced)
            throws OrtException {
        if (images == null) {
            throw ServingException.badRequest("model '" + name + "' is not an image classifier (no image metadata "
                    + "or image-shaped input); send its input '" + input.name() + "' as FP32");
        }
        if (!in.datatype().equals("BYTES")) {
            throw ServingException.badRequest("input '" + IMAGE_INPUT + "' takes BYTES (encoded PNG, JPEG or BMP "
                    + "files), not " + in.datatype());
        }
        if (in.shape().length != 1 || in.shape()[0] < 1) {
            throw ServingException.badRequest("input '" + IMAGE_INPUT + "' has shape [n] (n >= 1 images), the "
                    + "request's is " + Arrays.toString(in.shape()));
        }
        // BYTES sent in JSON are strings, so images there are base64; as binary data they are raw.
        boolean base64 = !in.binaryData();
        List<float[]> rows = new ArrayList<>();
        for (int i = 0; i < in.bytes().size(); i++) {
            String what = "image " + i + " of the request";
            byte[] encoded = base64 ? InferRequest.decodeBase64(in.bytes().get(i), what) : in.bytes().get(i);
            try {
                rows.add(images.toTensor.toInput(ImageFiles.readForInput(encoded, what, images.input.width(),
                        images.input.height(), ImageFiles.maxPixels())));
            } catch (ImageDecodeException e) {
                throw ServingException.badRequest(e.getMessage());
            }
        }
        int k = Math.min(request.topK() > 0 ? request.topK() : DEFAULT_TOP_K, images.labels.size());
        List<float[]> out = await(batcher.submit(rows, announced));
        int n = rows.size();
        List<String> labels = new ArrayList<>(n * k);
        float[] probabilities = new float[n * k];
        long[] classes = new long[n * k];
        for (int i = 0; i < n; i++) {
            List<Prediction> top = Softmax.topK(Softmax.probabilities(out.get(i)), k, images.labels);
            for (int j = 0; j < k; j++) {
                Prediction p = top.get(j);
                labels.add(p.label());
                probabilities[i * k + j] = p.probability();
                classes[i * k + j] = p.index();
            }
        }
        long[] shape = {n, k};
        return new InferResponse(name, request.id(), List.of(
                new InferResponse.Output(LABELS_OUTPUT, "BYTES", shape, null, null, labels,
                        outputBinary(request, LABELS_OUTPUT)),
                new InferResponse.Output(PROBABILITIES_OUTPUT, "FP32", shape, probabilities, null, null,
                        outputBinary(request, PROBABILITIES_OUTPUT)),
                new InferResponse.Output(CLASSES_OUTPUT, "INT64", shape, null, classes, null,
                        outputBinary(request, CLASSES_OUTPUT))));
    }

    /** Whether an output goes out as binary data; refuses names the response does not have. */
    private boolean outputBinary(InferRequest request, String outputName) {
        if (request.outputs().isEmpty()) {
            return request.binaryOutput();
        }
        for (InferRequest.RequestedOutput o : request.outputs()) {
            if (o.name().equals(outputName)) {
                return o.binary();
            }
        }
        return request.binaryOutput();
    }

    /**
     * Checks the outputs a request asks for against those the response will have.
     *
     * @param request the request
     * @throws ServingException 400 naming an unknown output
     */
    private void checkRequestedOutputs(InferRequest request) {
        List<String> known = request.inputs().size() == 1 && request.inputs().get(0).name().equals(IMAGE_INPUT)
                && !input.name().equals(IMAGE_INPUT)
                ? List.of(LABELS_OUTPUT, PROBABILITIES_OUTPUT, CLASSES_OUTPUT) : List.of(output.name());
        for (InferRequest.RequestedOutput o : request.outputs()) {
            if (!known.contains(o.name())) {
                throw ServingException.badRequest("model '" + name + "' has no output '" + o.name() + "' for this "
                        + "request (outputs: " + String.join(", ", known) + ")");
            }
        }
    }

    private static List<float[]> await(CompletableFuture<List<float[]>> result) throws OrtException {
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServingException(503, "the request was interrupted (the server is shutting down)");
        } catch (ExecutionException | CompletionException e) {
            Throwable c = e.getCause();
            if (c instanceof ServingException s) {
                throw s;
            }
            if (c instanceof OrtException o) {
                throw o;
            }
            if (c instanceof IllegalArgumentException a) {
                throw ServingException.badRequest(a.getMessage());
            }
            if (c instanceof RuntimeException r) {
                throw r;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(c);
        }
    }

    /**
     * Stops taking requests and runs those queued.
     *
     * @param timeout how long queued requests may take; those left then fail with 503
     * @return true if every queued request ran
     */
    boolean drain(Duration timeout) {
        return batcher.drain(timeout);
    }

    /**
     * Drains the queue (30 s at most) and closes the model.
     *
     * @throws OrtException if ONNX Runtime fails to release the model
     */
    @Override
    public void close() throws OrtException {
        try {
            batcher.drain(Duration.ofSeconds(30));
        } finally {
            model.close();
        }
    }

    @Override
    public String toString() {
        return name + " (" + file + ", input " + input.name() + " " + input.shapeText() + ", output " + output.name()
                + " " + output.shapeText() + (images != null ? ", images " + images.labels.size() + " classes" : "")
                + ")";
    }
}
