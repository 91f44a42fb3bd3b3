package dev.asnet.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
        // Version and VM apart, so that summary() can say "Java 17.0.15" without parsing the VM name.
        m.put("java", System.getProperty("java.version"));
        m.put("javaVm", System.getProperty("java.vm.name"));
        m.put("onnxruntime", ortVersion());
        return m;
    }

    /**
     * A machine description as one readable line, such as {@code Intel(R) Xeon(R) Processor, 2
     * logical cores, asnet kernels avx512, Linux 6.18 amd64, Java 17.0.15, ONNX Runtime 1.29.0,
     * NCHWc block 16}, for reports and the console (the map stays as it is for JSON). Keys it does
     * not know are appended as {@code key value}, so that nothing a caller added is lost.
     *
     * @param machine a map from {@link #describe()}, possibly with entries added (such as
     *     {@code ortNchwcBlockSize})
     * @return the line
     */
    public static String summary(Map<String, Object> machine) {
        List<String> parts = new ArrayList<>();
        Map<String, Object> rest = new LinkedHashMap<>(machine);
        take(rest, "cpu").ifPresent(parts::add);
        take(rest, "logicalCores").ifPresent(n -> parts.add(n + (n.equals("1") ? " logical core" : " logical cores")));
        take(rest, "asnetKernelIsa").ifPresent(isa -> parts.add("asnet kernels " + isa));
        take(rest, "os").ifPresent(parts::add);
        take(rest, "java").ifPresent(v -> parts.add("Java " + v));
        take(rest, "javaVm");
        take(rest, "onnxruntime").ifPresent(v -> parts.add("ONNX Runtime " + v));
        take(rest, "ortNchwcBlockSize").ifPresent(b -> parts.add("NCHWc block " + b));
        rest.forEach((k, v) -> parts.add(k + " " + v));
        return String.join(", ", parts);
    }

    private static Optional<String> take(Map<String, Object> m, String key) {
        Object v = m.remove(key);
        return v == null ? Optional.empty() : Optional.of(v.toString());
    }

    /** The ONNX Runtime version on the class path. */
    public static String ortVersion() {
        Package p = ai.onnxruntime.OrtEnvironment.class.getPackage();
        String v = p == null ? null : p.getImplementationVersion();
        return v != null ? v : "1.29.0 (from the build)";
    }
}
