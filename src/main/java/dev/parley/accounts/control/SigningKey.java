package dev.parley.accounts.control;

import dev.parley.platform.control.DataFolder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import java.util.Optional;

/**
 * The RSA key Parley signs its tokens with: a PKCS#8 PEM file named by
 * {@code parley.jwt.signing-key.location}, or else one generated on first start in the data
 * folder and reused after. Read from system properties and the environment, not MP Config,
 * because {@link JwtKeySource} needs it while MP Config is being built.
 */
public record SigningKey(RSAPrivateCrtKey privateKey, RSAPublicKey publicKey) {

    static final String LOCATION = "parley.jwt.signing-key.location";
    static final String EXTERNAL_KEYS = "mp.jwt.verify.publickey.location";

    /** Empty when tokens come from an external issuer: its keys are configured and no signing key is. */
    public static Optional<SigningKey> current() {
        String location = setting(LOCATION);
        if (location != null) {
            return Optional.of(read(Path.of(location)));
        }
        if (setting(EXTERNAL_KEYS) != null) {
            return Optional.empty();
        }
        return Optional.of(readOrCreate(DataFolder.path().resolve("keys").resolve("jwt-signing-key.pem")));
    }

    static String setting(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            value = System.getenv(name.toUpperCase().replaceAll("[^A-Z0-9]", "_"));
        }
        return value == null || value.isBlank() ? null : value;
    }

    static SigningKey readOrCreate(Path file) {
        if (Files.exists(file)) {
            return read(file);
        }
        try {
            Files.createDirectories(file.getParent());
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            var pair = generator.generateKeyPair();
            Path temp = Files.createTempFile(file.getParent(), "key", ".tmp");
            try {
                Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException notPosix) {
                // the folder's own permissions are all there is to protect it
            }
            Files.writeString(temp, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
            try {
                // no REPLACE_EXISTING: if another start won the race, its key stays and is read below
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException lostRace) {
                Files.deleteIfExists(temp);
            }
            return read(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the JWT signing key in " + file.getParent(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static SigningKey read(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.US_ASCII);
            String base64 = text.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            KeyFactory rsa = KeyFactory.getInstance("RSA");
            var privateKey = (RSAPrivateCrtKey) rsa.generatePrivate(
                    new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
            var publicKey = (RSAPublicKey)
                    rsa.generatePublic(new RSAPublicKeySpec(privateKey.getModulus(), privateKey.getPublicExponent()));
            return new SigningKey(privateKey, publicKey);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the JWT signing key " + file, e);
        } catch (GeneralSecurityException | IllegalArgumentException | ClassCastException e) {
            throw new IllegalStateException("the JWT signing key " + file + " is not an RSA PKCS#8 PEM key", e);
        }
    }

    public String publicKeyPem() {
        return pem("PUBLIC KEY", publicKey.getEncoded());
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
