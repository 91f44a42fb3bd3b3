package dev.asnet.spark;

import dev.asnet.runtime.Device;
import dev.asnet.runtime.RuntimeOptions;
import java.io.Serializable;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Which model an executor opens, and how: the SHA-256 of the model's bytes with the session
 * settings. Computed on the driver and sent with every task (a few dozen bytes), so that an
 * executor that already holds the model never fetches the broadcast bytes again.
 *
 * @param sha256 the model bytes' SHA-256, hex
 * @param intraOpThreads ONNX Runtime intra-op threads of the executor's session (0 = ONNX Runtime's choice)
 * @param device where the session runs, as {@link Device#parse(String)} reads it
 */
public record ModelKey(String sha256, int intraOpThreads, String device) implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * Validates the fields.
     *
     * @param sha256 the model bytes' SHA-256, hex
     * @param intraOpThreads the session's intra-op threads
     * @param device the device
     */
    public ModelKey {
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(device, "device");
        RuntimeOptions.checkThreads("intra-op threads", intraOpThreads, true);
        device = Device.parse(device).toString();
    }

    /**
     * The key of a model's bytes.
     *
     * @param model the serialized ONNX model
     * @param intraOpThreads the session's intra-op threads
     * @param device the device
     * @return the key
     */
    public static ModelKey of(byte[] model, int intraOpThreads, String device) {
        try {
            String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(model));
            return new ModelKey(sha, intraOpThreads, device);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /**
     * The session settings this key stands for.
     *
     * @return the options executors open the model with
     */
    public RuntimeOptions runtimeOptions() {
        return RuntimeOptions.builder().optIntraOpThreads(intraOpThreads).optDevice(Device.parse(device)).build();
    }

    @Override
    public String toString() {
        return sha256.substring(0, 12) + " (threads " + intraOpThreads + ", " + device + ")";
    }
}
