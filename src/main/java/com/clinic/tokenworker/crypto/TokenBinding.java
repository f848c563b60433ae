package com.clinic.tokenworker.crypto;

import java.nio.charset.StandardCharsets;

/**
 * The row identity bound into a ciphertext as AES-GCM associated data. A ciphertext copied to another user's row,
 * or from the refresh column to the access column, fails to decrypt instead of handing out someone else's token.
 * The natural key is used (not the generated id) because it is known before the row is inserted.
 */
public record TokenBinding(String region, String resourceOwnerType, String resourceOwnerId, TokenField field) {

    /** {@code oauth_token|<region>|<resource_owner_type>|<resource_owner_id>|<access_token or refresh_token>}. */
    public byte[] associatedData() {
        return String.join("|", "oauth_token", region, resourceOwnerType, resourceOwnerId, field.label())
                .getBytes(StandardCharsets.UTF_8);
    }
}
