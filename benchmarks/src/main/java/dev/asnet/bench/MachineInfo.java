package dev.asnet.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the benchmark ran on, for reports: CPU model, cores, SIMD extensions, versions. */
public final class MachineInfo {
    private MachineInfo() {}

    /**
     * Describes this machine.
     *
     * @return CPU model, logical cores, the kernel ISA asnet uses, OS, Java and ONNX Runtime versions
     */
    public static Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        String model = "unknown";
        String flags = "";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name") && model.equals("unknown")) {
                    model = line.substring(line.indexOf(':') + 1).trim();
                }
                if (line.startsWith("flags") && flags.isEmpty()) {
                    flags = line.substring(line.indexOf(':') + 1);
                }
            }
        } catch (IOException e) {
            // not Linux: leave unknown
        }
        m.put("cpu", model);
        m.put("logicalCores", Runtime.getRuntime().availableProcessors());
        String padded = " " + flags + " ";
        String isa = padded.contains(" avx512f ") && padded.contains(" avx512bw ") && padded.contains(" avx512vl ")
                && padded.contains(" avx512dq ") ? "avx512"
                : padded.contains(" avx2 ") && padded.contains(" fma ") ? "avx2" : "sse2";
        // ASNET_ISA caps the op library's choice; "scalar" is the old name of sse2.
        String cap = "scalar".equals(System.getenv("ASNET_ISA")) ? "sse2" : System.getenv("ASNET_ISA");
        m.put("asnetKernelIsa", cap != null && List.of("sse2", "avx2").contains(cap) && !isa.equals("sse2")
                ? (cap.equals("avx2") && isa.equals("avx512") ? "avx2" : cap) : isa);
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        m.put("onnxruntime", ortVersion());
        return m;
    }

    /** The ONNX Runtime version on the class path. */
    public static String ortVersion() {
        Package p = ai.onnxruntime.OrtEnvironment.class.getPackage();
        String v = p == null ? null : p.getImplementationVersion();
        return v != null ? v : "1.29.0 (from the build)";
    }
}
