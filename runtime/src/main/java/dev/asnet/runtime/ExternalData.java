package dev.asnet.runtime;

import dev.asnet.exporter.onnx.Onnx.AttributeProto;
import dev.asnet.exporter.onnx.Onnx.FunctionProto;
import dev.asnet.exporter.onnx.Onnx.GraphProto;
import dev.asnet.exporter.onnx.Onnx.ModelProto;
import dev.asnet.exporter.onnx.Onnx.NodeProto;
import dev.asnet.exporter.onnx.Onnx.SparseTensorProto;
import dev.asnet.exporter.onnx.Onnx.StringStringEntryProto;
import dev.asnet.exporter.onnx.Onnx.TensorProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks tensors whose data lives in a separate file ({@code data_location = EXTERNAL}) before
 * ONNX Runtime reads those files: ONNX Runtime resolves a location against the model file's folder,
 * or, for a model given as bytes, against the process's working directory, and otherwise opens
 * whatever path the model names. A model is untrusted input, so it must not make asnet read files
 * outside its own folder (for example {@code /etc/passwd} into a weight tensor).
 */
final class ExternalData {
    private ExternalData() {}

    /** One tensor stored outside the model; {@code location} is null when the model names none. */
    record Reference(String tensor, String location) {}

    /**
     * Every tensor the model stores externally: initializers, sparse initializers and tensor
     * attributes (Constant nodes), in subgraphs and functions too.
     *
     * @param model the model
     * @return the references, in file order
     */
    static List<Reference> find(ModelProto model) {
        List<Reference> out = new ArrayList<>();
        graph(model.getGraph(), out);
        for (FunctionProto f : model.getFunctionsList()) {
            nodes(f.getNodeList(), out);
        }
        return out;
    }

    /**
     * Refuses external data in a model that has no folder (opened from bytes).
     *
     * @param model the model
     * @param source how the model is named in messages
     * @throws InvalidModelException if any tensor is stored externally
     */
    static void refuseAll(ModelProto model, String source) throws InvalidModelException {
        List<Reference> refs = find(model);
        if (!refs.isEmpty()) {
            Reference r = refs.get(0);
            throw new InvalidModelException(source + ": " + describe(r) + "; a model given as bytes has no folder "
                    + "to resolve external data against, so asnet refuses it (open the model from its file with "
                    + "AsnetModel.open(Path, RuntimeOptions), with the data file in the model's folder)");
        }
    }

    /**
     * Checks that every external data file of a model opened from a file lies inside the model's
     * folder: the location must be relative, must not leave the folder with {@code ..}, and must not
     * lead out of it through symbolic links; the file must exist and be a regular file.
     *
     * @param model the model
     * @param file the model file, as ONNX Runtime will be given it
     * @throws InvalidModelException naming the tensor and location of the first violation
     * @throws IOException if the folder cannot be resolved
     */
    static void checkInsideFolder(ModelProto model, Path file) throws IOException {
        List<Reference> refs = find(model);
        if (refs.isEmpty()) {
            return;
        }
        Path folder = file.toAbsolutePath().getParent();
        Path realFolder = folder.toRealPath();
        for (Reference r : refs) {
            String problem = problem(r.location(), folder, realFolder);
            if (problem != null) {
                throw new InvalidModelException(file + ": " + describe(r) + ", which " + problem
                        + "; external data must be a file inside the model's folder " + folder);
            }
        }
    }

    private static String problem(String location, Path folder, Path realFolder) {
        if (location == null || location.isEmpty()) {
            return "is not named (no 'location' entry)";
        }
        if (location.indexOf('\0') >= 0) {
            return "contains a NUL character";
        }
        Path rel;
        try {
            rel = Path.of(location);
        } catch (InvalidPathException e) {
            return "is not a valid path";
        }
        if (rel.isAbsolute() || location.startsWith("/") || location.startsWith("\\")) {
            return "is an absolute path";
        }
        Path target = folder.resolve(rel).normalize();
        if (!target.startsWith(folder)) {
            return "leads out of the folder through '..'";
        }
        if (!Files.exists(target)) {
            return "does not exist";
        }
        Path real;
        try {
            real = target.toRealPath();
        } catch (IOException e) {
            return "cannot be resolved (" + e.getMessage() + ")";
        }
        if (!real.startsWith(realFolder)) {
            return "leads out of the folder through a symbolic link (to " + real + ")";
        }
        if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
            return "is not a regular file";
        }
        return null;
    }

    private static String describe(Reference r) {
        return "tensor '" + r.tensor() + "' stores its data in an external file"
                + (r.location() == null ? "" : " '" + r.location() + "'");
    }

    // Recursion depth is bounded by protobuf's parse limit (100 nested messages).
    private static void graph(GraphProto g, List<Reference> out) {
        for (TensorProto t : g.getInitializerList()) {
            tensor(t, out);
        }
        for (SparseTensorProto t : g.getSparseInitializerList()) {
            sparse(t, out);
        }
        nodes(g.getNodeList(), out);
    }

    private static void nodes(List<NodeProto> nodes, List<Reference> out) {
        for (NodeProto n : nodes) {
            for (AttributeProto a : n.getAttributeList()) {
                if (a.hasT()) {
                    tensor(a.getT(), out);
                }
                for (TensorProto t : a.getTensorsList()) {
                    tensor(t, out);
                }
                if (a.hasSparseTensor()) {
                    sparse(a.getSparseTensor(), out);
                }
                for (SparseTensorProto t : a.getSparseTensorsList()) {
                    sparse(t, out);
                }
                if (a.hasG()) {
                    graph(a.getG(), out);
                }
                for (GraphProto sub : a.getGraphsList()) {
                    graph(sub, out);
                }
            }
        }
    }

    private static void sparse(SparseTensorProto t, List<Reference> out) {
        if (t.hasValues()) {
            tensor(t.getValues(), out);
        }
        if (t.hasIndices()) {
            tensor(t.getIndices(), out);
        }
    }

    private static void tensor(TensorProto t, List<Reference> out) {
        // ONNX Runtime treats a tensor as external when data_location says so; external_data
        // entries without it are refused too, since a reader could still follow them.
        if (t.getDataLocation() != TensorProto.DataLocation.EXTERNAL && t.getExternalDataCount() == 0) {
            return;
        }
        String location = null;
        for (StringStringEntryProto e : t.getExternalDataList()) {
            if (e.getKey().equals("location")) {
                location = e.getValue();
            }
        }
        out.add(new Reference(t.getName(), location));
    }
}
