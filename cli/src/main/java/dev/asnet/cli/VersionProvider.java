package dev.asnet.cli;

import ai.onnxruntime.OrtEnvironment;
import dev.asnet.exporter.AsnetVersion;
import dev.asnet.ops.OrtEnvironments;
import picocli.CommandLine.IVersionProvider;

/** {@code asnet --version}: asnet's version, ONNX Runtime's version and its execution providers. */
final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String ort;
        try {
            ort = OrtEnvironments.get().getVersion() + ", providers "
                    + OrtEnvironment.getAvailableProviders();
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            ort = "not loadable (" + e.getMessage() + ")";
        }
        return new String[] {
            "asnet " + AsnetVersion.VERSION,
            "ONNX Runtime " + ort,
            "Java " + System.getProperty("java.version") + " on " + System.getProperty("os.name") + " "
                    + System.getProperty("os.arch"),
        };
    }
}
