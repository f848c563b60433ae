package com.clinic.tokenworker.crypto;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The row identity bound into a ciphertext as AES-GCM associated data. A ciphertext copied to another user's row,
 * or from the refresh column to the access column, fails to decrypt instead of handing out someone else's token.
 * The natural key is used (not the generated id) because it is known before the row is inserted. Encodings per
 * format version: see docs/ciphertext.md.
 */
public record TokenBinding(String region, String resourceOwnerType, String resourceOwnerId, TokenField field) {

    private static final String SEPARATOR = "|";

    private List<String> parts() {
        return List.of("oauth_token", region, resourceOwnerType, resourceOwnerId, field.label());
    }

    /**
     * Format 2: each part as a 4-byte big-endian length and its UTF-8 bytes. Unambiguous whatever the values
     * hold: no two different rows encode alike.
     */
    byte[] associatedData() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String part : parts()) {
            byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
            out.writeBytes(ByteBuffer.allocate(Integer.BYTES).putInt(bytes.length).array());
            out.writeBytes(bytes);
        }
        return out.toByteArray();
    }

    /**
     * Format 1, kept to read rows written before format 2: {@code oauth_token|<region>|<type>|<id>|<field>}. The
     * join is ambiguous once a value holds {@code |} ("a|b" + "c" and "a" + "b|c" encode alike), so a binding whose
     * values hold one has no format-1 encoding at all; Fullscript's ids and types never hold one.
     */
    byte[] legacyAssociatedData() {
        if (parts().stream().anyMatch(p -> p.contains(SEPARATOR))) {
            throw new TokenDecryptionException("a format-1 ciphertext cannot be bound to a row whose natural key "
                    + "holds '|'");
        }
        return String.join(SEPARATOR, parts()).getBytes(StandardCharsets.UTF_8);
    }
}
