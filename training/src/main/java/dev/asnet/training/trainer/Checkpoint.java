package dev.asnet.training.trainer;

import dev.asnet.exporter.io.AtomicFiles;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * A training checkpoint: configuration, progress and every state tensor (parameters, momentum,
 * running statistics) in one file, {@value #FILE_NAME}. Layout: the magic {@code ASNETCKP}, a
 * format version, the length and bytes of a JSON manifest (configuration, progress, tensor names
 * and sizes), the tensors as little-endian float32, and a CRC32 of everything before it. It is
 * written to a temporary file and atomically moved into place, so an interrupted write leaves the
 * previous checkpoint intact; reading checks the length and checksum and says which is wrong.
 *
 * @param config the run's configuration
 * @param progress where the run stands
 * @param state every state tensor by name, in slot order
 */
public record Checkpoint(TrainConfig config, Progress progress, Map<String, float[]> state) {
    /** The checkpoint's file name inside the output folder. */
    public static final String FILE_NAME = "checkpoint.asnet";
    private static final byte[] MAGIC = "ASNETCKP".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();

    /** The manifest: everything but the tensor data. */
    record Manifest(TrainConfig config, Progress progress, List<String> names, List<Integer> sizes) {}

    /**
     * Writes the checkpoint atomically into a folder.
     *
     * @param dir the output folder (created if missing)
     * @return the file written
     * @throws IOException if writing fails
     */
    public Path write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Manifest m = new Manifest(config, progress, List.copyOf(state.keySet()),
                state.values().stream().map(v -> v.length).toList());
        byte[] manifest = JSON.writeValueAsBytes(m);
        int floats = state.values().stream().mapToInt(v -> v.length).sum();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(manifest.length + floats * 4 + 64);
        DataOutputStream out = new DataOutputStream(bytes);
        out.write(MAGIC);
        out.writeInt(VERSION);
        out.writeInt(manifest.length);
        out.write(manifest);
        ByteBuffer data = ByteBuffer.allocate(floats * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float[] v : state.values()) {
            data.asFloatBuffer().put(v);
            data.position(data.position() + v.length * 4);
        }
        out.write(data.array());
        CRC32 crc = new CRC32();
        crc.update(bytes.toByteArray());
        out.writeLong(crc.getValue());
        out.flush();
        Path file = dir.resolve(FILE_NAME);
        AtomicFiles.write(file, bytes.toByteArray());
        return file;
    }

    /**
     * Reads the checkpoint of a folder.
     *
     * @param dir the folder a run wrote its checkpoint into
     * @return the checkpoint
     * @throws CheckpointException if it is missing, truncated, corrupted or unreadable
     * @throws IOException if reading fails
     */
    public static Checkpoint read(Path dir) throws IOException {
        Path file = dir.resolve(FILE_NAME);
        byte[] all;
        try {
            all = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new CheckpointException(file, "not found (is " + dir + " the --out folder of a run that finished at"
                    + " least one epoch?)");
        }
        int header = MAGIC.length + 8;
        if (all.length < header + 8 || !java.util.Arrays.equals(java.util.Arrays.copyOf(all, MAGIC.length), MAGIC)) {
            throw new CheckpointException(file, all.length < MAGIC.length ? "truncated (" + all.length + " bytes)"
                    : "not an asnet checkpoint (bad magic)");
        }
        ByteBuffer b = ByteBuffer.wrap(all);
        b.position(MAGIC.length);
        int version = b.getInt();
        if (version != VERSION) {
            throw new CheckpointException(file, "format version " + version + " is not supported (expected " + VERSION + ")");
        }
        int manifestLength = b.getInt();
        if (manifestLength < 0 || header + (long) manifestLength + 8 > all.length) {
            throw new CheckpointException(file, "truncated: the manifest needs " + manifestLength + " bytes but the file has "
                    + all.length);
        }
        Manifest m;
        try {
            m = JSON.readValue(all, header, manifestLength, Manifest.class);
        } catch (JsonProcessingException e) {
            throw new CheckpointException(file, "corrupted manifest (" + e.getOriginalMessage() + ")", e);
        }
        long floats = m.sizes().stream().mapToLong(Integer::longValue).sum();
        long expected = header + (long) manifestLength + floats * 4 + 8;
        if (all.length != expected) {
            throw new CheckpointException(file, (all.length < expected ? "truncated" : "has trailing bytes") + ": expected "
                    + expected + " bytes, found " + all.length + " (partial or damaged copy?)");
        }
        CRC32 crc = new CRC32();
        crc.update(all, 0, all.length - 8);
        long stored = ByteBuffer.wrap(all, all.length - 8, 8).getLong();
        if (crc.getValue() != stored) {
            throw new CheckpointException(file, "corrupted: CRC32 mismatch (stored " + Long.toHexString(stored)
                    + ", computed " + Long.toHexString(crc.getValue()) + ")");
        }
        ByteBuffer data = ByteBuffer.wrap(all, header + manifestLength, (int) (floats * 4)).slice()
                .order(ByteOrder.LITTLE_ENDIAN);
        Map<String, float[]> state = new LinkedHashMap<>();
        for (int i = 0; i < m.names().size(); i++) {
            float[] v = new float[m.sizes().get(i)];
            data.asFloatBuffer().get(v);
            data.position(data.position() + v.length * 4);
            state.put(m.names().get(i), v);
        }
        return new Checkpoint(m.config(), m.progress(), state);
    }
}
