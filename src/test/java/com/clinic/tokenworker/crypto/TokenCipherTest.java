package com.clinic.tokenworker.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class TokenCipherTest {

    private static final TokenBinding ACCESS = new TokenBinding("us", "Practitioner", "p-1", TokenField.ACCESS_TOKEN);

    @Test
    void decryptWhenBindingMatchesThenThePlaintextComesBack() {
        TokenCipher cipher = new TokenCipher(EncryptionKey.generate(), List.of());

        byte[] sealed = cipher.encrypt("access-token-value", ACCESS);

        assertThat(cipher.decrypt(sealed, cipher.currentKeyId(), ACCESS)).isEqualTo("access-token-value");
        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("access-token-value");
    }

    @Test
    void encryptTwiceThenFreshNonceEachTime() {
        TokenCipher cipher = new TokenCipher(EncryptionKey.generate(), List.of());

        byte[] first = cipher.encrypt("same", ACCESS);
        byte[] second = cipher.encrypt("same", ACCESS);

        assertThat(Arrays.copyOfRange(first, 1, 13)).isNotEqualTo(Arrays.copyOfRange(second, 1, 13));
    }

    @Test
    void decryptWhenCiphertextWasMovedToAnotherRowOrFieldThenRefused() {
        TokenCipher cipher = new TokenCipher(EncryptionKey.generate(), List.of());
        byte[] sealed = cipher.encrypt("token", ACCESS);

        assertThatThrownBy(() -> cipher.decrypt(sealed, cipher.currentKeyId(),
                new TokenBinding("us", "Practitioner", "p-2", TokenField.ACCESS_TOKEN)))
                .isInstanceOf(TokenDecryptionException.class).hasMessageContaining("does not authenticate");
        assertThatThrownBy(() -> cipher.decrypt(sealed, cipher.currentKeyId(),
                new TokenBinding("us", "Practitioner", "p-1", TokenField.REFRESH_TOKEN)))
                .isInstanceOf(TokenDecryptionException.class);
    }

    @Test
    void decryptWhenOneByteIsTamperedThenRefused() {
        TokenCipher cipher = new TokenCipher(EncryptionKey.generate(), List.of());
        byte[] sealed = cipher.encrypt("token", ACCESS);
        sealed[sealed.length - 1] ^= 1;

        assertThatThrownBy(() -> cipher.decrypt(sealed, cipher.currentKeyId(), ACCESS))
                .isInstanceOf(TokenDecryptionException.class);
    }

    @Test
    void rotateWhenOldKeyIsKeptAsPreviousThenOldRowsDecryptAndNewRowsUseTheNewKey() {
        EncryptionKey oldKey = EncryptionKey.generate();
        EncryptionKey newKey = EncryptionKey.generate();
        byte[] oldRow = new TokenCipher(oldKey, List.of()).encrypt("old-token", ACCESS);

        TokenCipher rotated = new TokenCipher(newKey, List.of(oldKey));

        assertThat(rotated.decrypt(oldRow, oldKey.id(), ACCESS)).isEqualTo("old-token");
        assertThat(rotated.currentKeyId()).isEqualTo(newKey.id()).isNotEqualTo(oldKey.id());
        assertThatThrownBy(() -> new TokenCipher(newKey, List.of()).decrypt(oldRow, oldKey.id(), ACCESS))
                .hasMessageContaining(oldKey.id()).hasMessageContaining("TOKEN_ENCRYPTION_PREVIOUS_KEYS");
    }

    /** Another service, following only docs/ciphertext.md, can decrypt a stored token. */
    @Test
    void documentedFormatDecryptsWithPlainJce() throws Exception {
        EncryptionKey key = EncryptionKey.generate();
        byte[] stored = new TokenCipher(key, List.of()).encrypt("shared-token", ACCESS);

        byte[] raw = Base64.getDecoder().decode(key.toBase64());
        assertThat(stored[0]).isEqualTo((byte) 2);
        Cipher jce = Cipher.getInstance("AES/GCM/NoPadding");
        jce.init(Cipher.DECRYPT_MODE, new SecretKeySpec(raw, "AES"), new GCMParameterSpec(128, stored, 1, 12));
        jce.updateAAD(lengthPrefixed("oauth_token", "us", "Practitioner", "p-1", "access_token"));
        byte[] plain = jce.doFinal(stored, 13, stored.length - 13);

        assertThat(new String(plain, StandardCharsets.UTF_8)).isEqualTo("shared-token");
        assertThat(key.id()).hasSize(16).matches("[0-9a-f]+");
    }

    @Test
    void decryptWhenTheRowWasWrittenInFormatOneThenItIsStillRead() throws Exception {
        EncryptionKey key = EncryptionKey.generate();
        byte[] legacy = sealFormatOne(key, "old-token", "oauth_token|us|Practitioner|p-1|access_token");

        assertThat(new TokenCipher(key, List.of()).decrypt(legacy, key.id(), ACCESS)).isEqualTo("old-token");
    }

    @Test
    void decryptWhenAValueHoldsTheOldSeparatorThenAnotherRowWithTheSameJoinIsRefused() throws Exception {
        EncryptionKey key = EncryptionKey.generate();
        TokenCipher cipher = new TokenCipher(key, List.of());
        TokenBinding sealedFor = new TokenBinding("us", "Practitioner|x", "p-1", TokenField.ACCESS_TOKEN);
        TokenBinding lookalike = new TokenBinding("us", "Practitioner", "x|p-1", TokenField.ACCESS_TOKEN);
        byte[] current = cipher.encrypt("token", sealedFor);
        byte[] legacy = sealFormatOne(key, "token", "oauth_token|us|Practitioner|x|p-1|access_token");

        assertThat(cipher.decrypt(current, key.id(), sealedFor)).isEqualTo("token");
        assertThatThrownBy(() -> cipher.decrypt(current, key.id(), lookalike))
                .isInstanceOf(TokenDecryptionException.class);
        assertThatThrownBy(() -> cipher.decrypt(legacy, key.id(), lookalike))
                .isInstanceOf(TokenDecryptionException.class);
        assertThatThrownBy(() -> cipher.decrypt(legacy, key.id(), sealedFor))
                .isInstanceOf(TokenDecryptionException.class);
    }

    @Test
    void decryptWhenTheVersionByteIsUnknownThenRefusedNamingTheFormat() {
        TokenCipher cipher = new TokenCipher(EncryptionKey.generate(), List.of());
        byte[] sealed = cipher.encrypt("token", ACCESS);
        sealed[0] = 3;

        assertThatThrownBy(() -> cipher.decrypt(sealed, cipher.currentKeyId(), ACCESS))
                .isInstanceOf(TokenDecryptionException.class).hasMessageContaining("unknown format");
    }

    /** What TokenCipher wrote before format 2, with plain JCE, as docs/ciphertext.md describes format 1. */
    private static byte[] sealFormatOne(EncryptionKey key, String plaintext, String joinedAad) throws Exception {
        byte[] nonce = new byte[12];
        new java.security.SecureRandom().nextBytes(nonce);
        Cipher jce = Cipher.getInstance("AES/GCM/NoPadding");
        jce.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(Base64.getDecoder().decode(key.toBase64()), "AES"),
                new GCMParameterSpec(128, nonce));
        jce.updateAAD(joinedAad.getBytes(StandardCharsets.UTF_8));
        byte[] sealed = jce.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
        return java.nio.ByteBuffer.allocate(1 + 12 + sealed.length).put((byte) 1).put(nonce).put(sealed).array();
    }

    private static byte[] lengthPrefixed(String... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (String part : parts) {
            byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
            out.writeBytes(java.nio.ByteBuffer.allocate(4).putInt(bytes.length).array());
            out.writeBytes(bytes);
        }
        return out.toByteArray();
    }
}
