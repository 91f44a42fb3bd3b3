package dev.asnet.cli;

import dev.asnet.serving.ModelServer;
import dev.asnet.serving.ServedModel;
import dev.asnet.serving.ServerConfig;
import dev.asnet.serving.TritonRepository;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code asnet serve}: serves models over HTTP with the KServe v2 / Triton protocol (module serving). */
@Command(name = "serve", sortOptions = false,
        description = {"Serve models over HTTP with the Open Inference Protocol (KServe v2 REST, as Triton speaks it), "
                + "batching concurrent requests. Each model is served under its file name without .onnx. "
                + "Ctrl-C (or SIGTERM) shuts down gracefully: queued requests are answered first. "
                + "With --triton-repo, writes a Triton model repository for the models instead of serving."},
        footer = {"%nExamples:%n  asnet serve as-resnet20.onnx --port 8000",
            "  curl -s localhost:8000/v2/models/as-resnet20",
            "  asnet serve as-resnet20.onnx --triton-repo triton-models"})
public final class ServeCommand implements Callable<Integer> {
    /** Jetty's and Javalin's loggers, kept so that the level set on them stays (JUL holds loggers weakly). */
    private static final List<Logger> QUIET = List.of(Logger.getLogger("org.eclipse.jetty"),
            Logger.getLogger("io.javalin"));

    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "MODEL", description = "The .onnx files.")
    List<Path> models;

    @Option(names = "--port", paramLabel = "N", defaultValue = "" + ServerConfig.DEFAULT_PORT,
            description = "Port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--host", paramLabel = "ADDR", defaultValue = ServerConfig.DEFAULT_HOST,
            description = "Address to bind (default: ${DEFAULT-VALUE}, this machine only; 0.0.0.0 for every "
                    + "interface).")
    String host;

    @Option(names = "--max-batch", paramLabel = "N", defaultValue = "" + ServerConfig.DEFAULT_MAX_BATCH,
            description = "Most rows (images) one model call gathers from queued requests; 1 turns batching off "
                    + "(default: ${DEFAULT-VALUE}).")
    int maxBatch;

    @Option(names = "--max-delay-ms", paramLabel = "T", defaultValue = "" + ServerConfig.DEFAULT_MAX_DELAY_MS,
            description = "Longest wait, in ms, for requests still being received before a batch runs; with none "
                    + "on the way a batch runs at once (default: ${DEFAULT-VALUE}).")
    int maxDelayMs;

    @Option(names = "--queue", paramLabel = "N", defaultValue = "" + ServerConfig.DEFAULT_QUEUE,
            description = "Requests each model's queue holds; more get 503 (default: ${DEFAULT-VALUE}).")
    int queue;

    @Option(names = "--max-body-mb", paramLabel = "MB", defaultValue = "32",
            description = "Largest request body in MiB; larger get 413 (default: ${DEFAULT-VALUE}).")
    int maxBodyMb;

    @Option(names = "--triton-repo", paramLabel = "DIR",
            description = "Write a Triton model repository for the models into DIR (new or empty) and exit.")
    Path tritonRepo;

    @Option(names = "--overwrite",
            description = "With --triton-repo: replace DIR if it is a repository asnet wrote before.")
    boolean overwrite;

    @Option(names = "--triton-op-library", paramLabel = "PATH",
            description = "With --triton-repo: the op library's path as the Triton server sees it (default: the "
                    + "absolute path of the copy written into DIR).")
    String tritonOpLibrary;

    @Mixin
    RuntimeOptionsMixin runtime;

    /** Creates the command. */
    public ServeCommand() {}

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (tritonRepo != null) {
            return writeTritonRepository(out);
        }
        ServerConfig config;
        try {
            config = ServerConfig.builder().optHost(host).optPort(port).optMaxBatch(maxBatch)
                    .optMaxDelay(Duration.ofMillis(maxDelayMs)).optQueue(queue)
                    .optMaxBodyBytes((long) maxBodyMb << 20).optRuntimeOptions(ModelServer.servingOptions(runtime.toRuntimeOptions()))
                    .build();
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage(), e);
        }
        for (Logger l : QUIET) {
            l.setLevel(Level.WARNING);
        }
        ModelServer server;
        try {
            server = ModelServer.start(models, config);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage(), e);
        }
        Thread hook = new Thread(server::close, "asnet-serve-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        for (ServedModel m : server.models().values()) {
            out.println("asnet serve: " + server.baseUrl() + "/v2/models/" + m.name() + "  " + m);
        }
        out.println("asnet serve: listening on " + server.baseUrl() + " (max batch " + config.maxBatch() + ", max delay "
                + config.maxDelay().toMillis() + " ms, queue " + config.queue() + "); Ctrl-C stops");
        out.flush();
        server.awaitShutdown();
        return ExitCodes.OK;
    }

    private int writeTritonRepository(PrintWriter out) throws Exception {
        TritonRepository.Settings settings;
        try {
            runtime.toRuntimeOptions();  // checks --threads
            ServerConfig.builder().optMaxBatch(maxBatch).optMaxDelay(Duration.ofMillis(maxDelayMs)).optQueue(queue)
                    .build();
            settings = new TritonRepository.Settings(models, maxBatch, maxDelayMs * 1000L, queue, runtime.threads,
                    tritonOpLibrary);
            for (String name : TritonRepository.write(tritonRepo, settings, overwrite).keySet()) {
                out.println("asnet serve: wrote " + tritonRepo.resolve(name).resolve("config.pbtxt") + " and "
                        + tritonRepo.resolve(name).resolve("1").resolve("model.onnx"));
            }
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage(), e);
        }
        out.println("asnet serve: Triton repository written to " + tritonRepo + " (generated, not run by asnet)");
        return ExitCodes.OK;
    }
}
