package dev.asnet.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.onnxruntime.OrtException;
import dev.asnet.exporter.ops.AsnetDomain.AttributeSpec;
import dev.asnet.exporter.ops.AsnetDomain.OpSpec;
import dev.asnet.exporter.ops.AsnetDomain.Provider;
import dev.asnet.exporter.ops.AsnetDomain;
import dev.asnet.exporter.ir.DataType;
import dev.asnet.ops.testing.OneNodeModel;
import dev.asnet.ops.testing.OpSessions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The native library registers exactly the ops of the Java contract ({@link AsnetDomain}), with
 * the same providers, input and output counts, element types and attributes, and nothing else.
 *
 * <p>What the library registers comes from {@code registered-ops.txt}, written by the Maven build
 * of the library: {@code asnet_list_ops} (native/test/list_ops.cc) calls the built library's
 * {@code RegisterCustomOps} with a recording fake of ONNX Runtime's C API, prints every
 * registered op and creates each kernel once to record the attributes it reads (and which one it
 * cannot be created without: a required attribute). Both sides are
 * turned into one line per (op, provider) and compared as sets, so an op, input, output, attribute
 * or provider added, removed or renamed on one side only is reported by name. The CUDA
 * registrations are expected exactly when the library was built with nvcc.
 *
 * <p>The real ONNX Runtime then accepts a one-node model of every contract op and refuses an op
 * name the domain does not have.
 */
class RegisteredOpsTest {
    /** Where the Maven build writes the listing; the system property overrides it. */
    static final String LISTING_PROPERTY = "asnet.registeredOps";

    private static OpSessions sessions;

    @BeforeAll
    static void open() throws Exception {
        sessions = new OpSessions(1);
    }

    @AfterAll
    static void close() throws Exception {
        sessions.close();
    }

    /** The parsed listing: CUDA build or not, domains, one canonical line per registered op. */
    record Listing(boolean cudaBuilt, List<String> domains, int domainsAdded, TreeSet<String> ops) {}

    static Listing readListing() throws IOException {
        Path file = Path.of(System.getProperty(LISTING_PROPERTY, "target/native-build/registered-ops.txt"));
        if (!Files.isRegularFile(file)) {
            fail(file.toAbsolutePath() + " is missing: the Maven build of the native library writes it "
                    + "(onnx-ops/native/build.sh runs asnet_list_ops); build with 'mvn -pl onnx-ops test'");
        }
        return parse(Files.readAllLines(file));
    }

    /** Parses asnet_list_ops output (see native/test/list_ops.cc). */
    static Listing parse(List<String> lines) {
        Boolean cuda = null;
        int added = -1;
        List<String> domains = new ArrayList<>();
        TreeSet<String> ops = new TreeSet<>();
        String op = null;
        String inputs = null;
        String outputs = null;
        String opset = null;
        List<String> required = new ArrayList<>();
        for (String raw : lines) {
            String line = raw.strip();
            String[] w = line.split("\\s+");
            switch (w[0]) {
                case "cuda-ops" -> cuda = w[1].equals("built");
                case "domains-added" -> added = Integer.parseInt(w[1]);
                case "domain" -> domains.add(w[1]);
                case "op" -> {
                    op = w[1] + " @ " + w[2];
                    inputs = outputs = opset = null;
                    required = new ArrayList<>();
                }
                case "required" -> required.add(w[1]);
                case "opset" -> opset = w[1];
                case "inputs" -> inputs = types(w);
                case "outputs" -> outputs = types(w);
                case "attributes" -> {
                    // The last line of an op: complete it.
                    List<String> attrs = new ArrayList<>();
                    for (String a : List.of(w).subList(1, w.length)) {
                        attrs.add(required.contains(a.split(":")[0]) ? a + ":required" : a);
                    }
                    Collections.sort(attrs);
                    ops.add(op + " | opset " + opset + " | inputs " + inputs + " | outputs " + outputs
                            + " | attributes " + attrs);
                }
                default -> { }
            }
        }
        assertTrue(cuda != null && added >= 0, "not an asnet_list_ops listing: " + lines);
        return new Listing(cuda, domains, added, ops);
    }

    /** "float:optional:default float:optional:cpu-input" -> "float,float": the element types. */
    private static String types(String[] words) {
        List<String> t = new ArrayList<>();
        for (int i = 1; i < words.length; i++) {
            t.add(words[i].split(":")[0]);
        }
        return String.join(",", t);
    }

    /** The same canonical lines from the Java contract. */
    static TreeSet<String> expected(boolean cudaBuilt) {
        TreeSet<String> ops = new TreeSet<>();
        for (OpSpec op : AsnetDomain.ops()) {
            List<String> attrs = new ArrayList<>();
            for (AttributeSpec a : op.attributes()) {
                attrs.add(a.name() + ":" + a.type().name().toLowerCase(Locale.ROOT) + (a.required() ? ":required" : ""));
            }
            Collections.sort(attrs);
            for (Provider p : op.providers()) {
                if (p == Provider.CUDA && !cudaBuilt) {
                    continue;
                }
                ops.add(op.name() + " @ " + p.ortName() + " | opset " + AsnetDomain.VERSION
                        + " | inputs " + typeNames(op.inputTypes()) + " | outputs " + typeNames(op.outputTypes())
                        + " | attributes " + attrs);
            }
        }
        return ops;
    }

    /** "uint8,float": element types as asnet_list_ops prints them. */
    private static String typeNames(List<DataType> types) {
        List<String> names = new ArrayList<>();
        for (DataType t : types) {
            names.add(t.name().toLowerCase(Locale.ROOT));
        }
        return String.join(",", names);
    }

    /** Empty when equal; otherwise which lines only one side has. */
    static String difference(TreeSet<String> registered, TreeSet<String> contract) {
        TreeSet<String> onlyNative = new TreeSet<>(registered);
        onlyNative.removeAll(contract);
        TreeSet<String> onlyJava = new TreeSet<>(contract);
        onlyJava.removeAll(registered);
        if (onlyNative.isEmpty() && onlyJava.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder("the native library and AsnetDomain disagree:");
        onlyNative.forEach(s -> sb.append("\n  registered by the library only: ").append(s));
        onlyJava.forEach(s -> sb.append("\n  in AsnetDomain only:           ").append(s));
        return sb.toString();
    }

    @Test
    void libraryRegistersExactlyTheContract() throws IOException {
        Listing listing = readListing();
        assertEquals(List.of(AsnetDomain.DOMAIN), listing.domains(), "registered domains");
        assertEquals(1, listing.domainsAdded(), "domains added to the session options");
        String diff = difference(listing.ops(), expected(listing.cudaBuilt()));
        assertTrue(diff.isEmpty(), diff);
    }

    /** The comparison itself reports drift on either side (so a broken parser cannot pass silently). */
    @Test
    void comparisonNamesDriftOnEitherSide() throws IOException {
        Listing listing = readListing();
        TreeSet<String> contract = expected(listing.cudaBuilt());
        TreeSet<String> fewer = new TreeSet<>(listing.ops());
        String removed = fewer.pollFirst();
        assertTrue(difference(fewer, contract).contains("in AsnetDomain only:           " + removed));
        TreeSet<String> more = new TreeSet<>(listing.ops());
        String extra = "NoSuchOp @ CPUExecutionProvider | opset 1 | inputs float | outputs float | attributes []";
        more.add(extra);
        assertTrue(difference(more, contract).contains("registered by the library only: " + extra));
    }

    @Test
    void sessionAcceptsEveryContractOp() throws OrtException {
        for (OpSpec op : AsnetDomain.ops()) {
            OneNodeModel m = OneNodeModel.op(AsnetDomain.DOMAIN, op.name());
            for (AttributeSpec a : op.attributes()) {
                if (a.required()) {  // the only required attribute so far: block_size (an int)
                    assertEquals(AsnetDomain.BLOCK_SIZE, a.name(), "a required attribute this test cannot fill");
                    m.integer(a.name(), 8);
                }
            }
            for (int i = 0; i < op.inputs().size(); i++) {
                m.input(op.inputs().get(i), op.inputTypes().get(i).onnxCode(), (Object[]) null);
            }
            for (int i = 0; i < op.outputs().size(); i++) {
                m.output(op.outputs().get(i), op.outputTypes().get(i).onnxCode());
            }
            OpSessions.ENV.createSession(m.bytes(), sessions.options()).close();
        }
    }

    @Test
    void sessionRefusesAnOpTheDomainLacks() {
        byte[] model = OneNodeModel.op(AsnetDomain.DOMAIN, "NoSuchOp").input("X", OneNodeModel.FLOAT, (Object[]) null)
                .output("Y", OneNodeModel.FLOAT).bytes();
        OrtException e = assertThrows(OrtException.class,
                () -> OpSessions.ENV.createSession(model, sessions.options()).close());
        assertTrue(e.getMessage().contains("NoSuchOp"), e.getMessage());
    }
}
