package dev.lifeboat.adapters.local;

import dev.lifeboat.core.error.VaultException;
import dev.lifeboat.core.port.Vault;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A vault in a local directory: the default of the command line and of demos. Same layout and the
 * same guarantees as S3: an object is written under a hidden temporary name, fsynced, then renamed
 * into place; a manifest is linked into place only if none exists; finished files are read-only.
 */
public final class LocalDirectoryVault implements Vault {
    private static final String PARTIAL = ".partial-";
    private final Path root;

    public LocalDirectoryVault(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    @Override
    public String describe() {
        return "file:" + root;
    }

    private Path resolve(String key) {
        Path p = root.resolve(key).normalize();
        if (!p.startsWith(root)) {
            throw new IllegalArgumentException("key " + key + " leaves the vault");
        }
        return p;
    }

    @Override
    public void checkWritable() {
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new VaultException(
                    "cannot create vault directory " + root + ": " + e.getMessage(),
                    "choose a --vault directory you can write to",
                    e);
        }
        if (!Files.isWritable(root)) {
            throw new VaultException(
                    "vault directory " + root + " is not writable", "choose a --vault directory you can write to");
        }
    }

    @Override
    public Upload startUpload(String key) {
        Path target = resolve(key);
        try {
            Files.createDirectories(target.getParent());
            Path temp = target.resolveSibling("." + target.getFileName() + PARTIAL + UUID.randomUUID());
            FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            return new LocalUpload(key, target, temp, channel);
        } catch (IOException e) {
            throw new VaultException(
                    "cannot start writing " + target + ": " + e.getMessage(), "check the vault directory", e);
        }
    }

    private static final class LocalUpload implements Upload {
        private final String key;
        private final Path target;
        private final Path temp;
        private final FileChannel channel;
        private final OutputStream stream;
        private boolean done;

        LocalUpload(String key, Path target, Path temp, FileChannel channel) {
            this.key = key;
            this.target = target;
            this.temp = temp;
            this.channel = channel;
            this.stream = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 20);
        }

        @Override
        public OutputStream stream() {
            return stream;
        }

        @Override
        public StoredObject complete() {
            try {
                stream.flush();
                channel.force(true);
                long size = channel.size();
                channel.close();
                moveIntoPlace(temp, target);
                target.toFile().setReadOnly();
                syncDirectory(target.getParent());
                done = true;
                return new StoredObject(key, null, size);
            } catch (IOException e) {
                abort();
                throw new VaultException(
                        "cannot finish writing " + target + ": " + e.getMessage(),
                        "check free space in the vault directory",
                        e);
            }
        }

        @Override
        public void abort() {
            if (done) {
                return;
            }
            done = true;
            try {
                channel.close();
                Files.deleteIfExists(temp);
            } catch (IOException e) {
                throw new VaultException(
                        "cannot remove the partial file " + temp + ": " + e.getMessage(),
                        "delete it by hand; it is not a backup",
                        e);
            }
        }

        @Override
        public void close() {
            abort();
        }
    }

    private static void moveIntoPlace(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Override
    public boolean putIfAbsent(String key, byte[] content) {
        Path target = resolve(key);
        Path temp = target.resolveSibling("." + target.getFileName() + PARTIAL + UUID.randomUUID());
        try {
            Files.createDirectories(target.getParent());
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.wrap(content));
                ch.force(true);
            }
            try {
                Files.createLink(target, temp); // fails if the target exists: never replaces a manifest
            } catch (FileAlreadyExistsException e) {
                return false;
            } catch (UnsupportedOperationException e) {
                if (Files.exists(target)) {
                    return false;
                }
                Files.move(temp, target);
            }
            target.toFile().setReadOnly();
            syncDirectory(target.getParent());
            return true;
        } catch (IOException e) {
            throw new VaultException("cannot write " + target + ": " + e.getMessage(), "check the vault directory", e);
        } finally {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // a leftover hidden temp file is not a backup and is skipped by list()
            }
        }
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignored) {
            // some file systems cannot open directories; the rename itself is still atomic
        }
    }

    @Override
    public Optional<byte[]> read(String key) {
        try (InputStream in = Files.newInputStream(resolve(key))) {
            byte[] bytes = in.readNBytes((int) SMALL_OBJECT_LIMIT + 1);
            if (bytes.length > SMALL_OBJECT_LIMIT) {
                throw new TooLarge(resolve(key).toString());
            }
            return Optional.of(bytes);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new VaultException(
                    "cannot read " + resolve(key) + ": " + e.getMessage(), "check the vault directory", e);
        }
    }

    @Override
    public Optional<StoredObject> stat(String key, String versionId) {
        Path p = resolve(key);
        try {
            return Files.isRegularFile(p) ? Optional.of(new StoredObject(key, null, Files.size(p))) : Optional.empty();
        } catch (IOException e) {
            throw new VaultException("cannot look at " + p + ": " + e.getMessage(), "check the vault directory", e);
        }
    }

    @Override
    public InputStream open(String key, String versionId) {
        try {
            return Files.newInputStream(resolve(key));
        } catch (IOException e) {
            throw new VaultException(
                    "cannot open " + resolve(key) + ": " + e.getMessage(),
                    "the backup's data file is missing or unreadable; restore another backup",
                    e);
        }
    }

    @Override
    public List<String> list(String prefix) {
        Path start = resolve(prefix.isEmpty() ? "." : prefix);
        Path dir = Files.isDirectory(start) ? start : start.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .map(p -> root.relativize(p).toString().replace('\\', '/'))
                    .filter(k -> k.startsWith(prefix))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new VaultException("cannot list " + dir + ": " + e.getMessage(), "check the vault directory", e);
        }
    }
}
