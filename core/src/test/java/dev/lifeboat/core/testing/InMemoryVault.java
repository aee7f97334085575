package dev.lifeboat.core.testing;

import dev.lifeboat.core.port.Vault;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** A vault in memory that keeps the port's contract and records what happened, in order. */
public class InMemoryVault implements Vault {
    public final Map<String, byte[]> objects = new TreeMap<>();
    public final List<String> events = new ArrayList<>();
    public final Map<String, Boolean> openUploads = new ConcurrentHashMap<>();
    /** When set, a write to an upload fails after this many bytes. */
    public long failWritesAfterBytes = Long.MAX_VALUE;

    @Override
    public String describe() {
        return "memory:";
    }

    @Override
    public void checkWritable() {}

    @Override
    public synchronized Upload startUpload(String key) {
        events.add("start " + key);
        openUploads.put(key, true);
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        return new Upload() {
            private boolean done;
            private final OutputStream out = new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    if (buffer.size() + len > failWritesAfterBytes) {
                        throw new IOException("injected: the vault refused a part");
                    }
                    buffer.write(b, off, len);
                }
            };

            @Override
            public OutputStream stream() {
                return out;
            }

            @Override
            public StoredObject complete() {
                synchronized (InMemoryVault.this) {
                    done = true;
                    objects.put(key, buffer.toByteArray());
                    openUploads.remove(key);
                    events.add("complete " + key);
                    return new StoredObject(key, "v1", buffer.size());
                }
            }

            @Override
            public void abort() {
                synchronized (InMemoryVault.this) {
                    if (!done) {
                        done = true;
                        openUploads.remove(key);
                        events.add("abort " + key);
                    }
                }
            }

            @Override
            public void close() {
                abort();
            }
        };
    }

    @Override
    public synchronized boolean putIfAbsent(String key, byte[] content) {
        if (objects.containsKey(key)) {
            events.add("exists " + key);
            return false;
        }
        objects.put(key, content.clone());
        events.add("put " + key);
        return true;
    }

    @Override
    public synchronized Optional<StoredObject> stat(String key, String versionId) {
        return Optional.ofNullable(objects.get(key)).map(b -> new StoredObject(key, null, b.length));
    }

    /** How many small objects were read (manifests): what a reader costs on S3 besides its listings. */
    public int reads;

    @Override
    public synchronized Optional<byte[]> read(String key) {
        reads++;
        byte[] b = objects.get(key);
        if (b != null && b.length > SMALL_OBJECT_LIMIT) {
            throw new TooLarge("memory:" + key); // as the adapters do: the port's contract
        }
        return Optional.ofNullable(b).map(byte[]::clone);
    }

    @Override
    public synchronized InputStream open(String key, String versionId) {
        byte[] data = objects.get(key);
        if (data == null) {
            throw new IllegalStateException("no object " + key);
        }
        return new ByteArrayInputStream(data);
    }

    /** How many listings were asked for: what a reader costs on S3. */
    public int listings;

    @Override
    public synchronized List<String> list(String prefix) {
        listings++;
        return objects.keySet().stream()
                .filter(k -> k.startsWith(prefix))
                .sorted()
                .toList();
    }
}
