package dev.asnet.runtime.nchwc;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Objects;

/**
 * What a cached rewritten model depends on, hashed: the model's bytes, ONNX Runtime's version, the
 * op library's hash, the NCHWc block size, the CPU's description and the rewrite code itself
 * ({@link RewriteCode}). Any change gives a new key, so an entry is never used for a different
 * model, runtime, library, machine or asnet rewrite.
 *
 * @param hex the SHA-256 as 64 lower-case hex digits
 */
public record CacheKey(String hex) {
    /**
     * Version of the key's recipe and the entry format; bump it when either changes. (A change of the
     * rewrites themselves changes the key through {@link RewriteCode}.)
     */
    static final String RECIPE = "asnet-nchwc-cache-v3";

    /**
     * Checks the digest.
     *
     * @throws IllegalArgumentException if it is not 64 hex digits
     */
    public CacheKey {
        Objects.requireNonNull(hex, "hex");
        if (!hex.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("a cache key is 64 lower-case hex digits, got '" + hex + "'");
        }
    }

    /**
     * Computes a key.
     *
     * @param model the model's bytes as opened
     * @param ortVersion ONNX Runtime's version
     * @param opLibraryHash the op library's SHA-256
     * @param blockSize the NCHWc block size
     * @param machine the CPU's description ({@link MachineIdentity#describe()})
     * @return the key
     */
    public static CacheKey of(byte[] model, String ortVersion, String opLibraryHash, int blockSize, String machine) {
        MessageDigest sha = NchwcSupport.sha256();
        // Each part is length-prefixed, so no two different tuples hash the same bytes.
        update(sha, RECIPE.getBytes(StandardCharsets.UTF_8));
        update(sha, model);
        update(sha, ortVersion.getBytes(StandardCharsets.UTF_8));
        update(sha, opLibraryHash.getBytes(StandardCharsets.UTF_8));
        update(sha, Integer.toString(blockSize).getBytes(StandardCharsets.UTF_8));
        update(sha, machine.getBytes(StandardCharsets.UTF_8));
        update(sha, RewriteCode.hash().getBytes(StandardCharsets.UTF_8));
        return new CacheKey(HexFormat.of().formatHex(sha.digest()));
    }

    private static void update(MessageDigest sha, byte[] part) {
        sha.update(ByteBuffer.allocate(Long.BYTES).putLong(part.length).array());
        sha.update(part);
    }

    @Override
    public String toString() {
        return hex;
    }
}
