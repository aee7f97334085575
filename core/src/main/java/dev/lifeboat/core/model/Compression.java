package dev.lifeboat.core.model;

import dev.lifeboat.core.error.InvalidInputException;
import java.util.Locale;

/**
 * How a dump is compressed, recorded in its manifest: {@code gzip:1} (the default: level 1 takes about a third of
 * the time of pg_dump's default level for a few percent more bytes, docs/performance.md), {@code gzip:0..9},
 * {@code zstd:1..22} and {@code lz4:1..12} (PostgreSQL 16 or newer clients built with them: detected, never assumed),
 * or {@code none} for data that does not compress.
 */
public record Compression(Codec codec, int level) {
    public static final Compression DEFAULT = new Compression(Codec.GZIP, 1);
    public static final Compression NONE = new Compression(Codec.NONE, 0);

    public enum Codec {
        GZIP(0, 9),
        ZSTD(1, 22),
        LZ4(1, 12),
        NONE(0, 0);

        private final int min;
        private final int max;

        Codec(int min, int max) {
            this.min = min;
            this.max = max;
        }

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public Compression {
        if (codec == null || level < codec.min || level > codec.max) {
            throw new InvalidInputException(
                    "compression " + (codec == null ? "?" : codec.label()) + " level " + level + " is out of range",
                    codec == null ? "use gzip:1" : codec.label() + " takes levels " + codec.min + " to " + codec.max);
        }
    }

    /** {@code gzip}, {@code gzip:1}, {@code zstd:3}, {@code lz4}, {@code none}; null or blank: the default. */
    public static Compression parse(String text) {
        if (text == null || text.isBlank()) {
            return DEFAULT;
        }
        String t = text.trim().toLowerCase(Locale.ROOT);
        int colon = t.indexOf(':');
        String name = colon < 0 ? t : t.substring(0, colon);
        Codec codec;
        try {
            codec = Codec.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(
                    "compression '" + text + "' is not one Lifeboat knows",
                    "use gzip:1 (the default), gzip:0 to gzip:9, zstd:N or lz4:N (PostgreSQL 16+ clients), or none");
        }
        if (codec == Codec.NONE) {
            if (colon >= 0) {
                throw new InvalidInputException("compression '" + text + "' takes no level", "write none");
            }
            return NONE;
        }
        if (colon < 0) {
            return new Compression(codec, codec == Codec.GZIP ? 1 : codec == Codec.ZSTD ? 3 : 1);
        }
        try {
            return new Compression(codec, Integer.parseInt(t.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new InvalidInputException(
                    "compression '" + text + "' has no number for its level",
                    codec.label() + ":N, N from " + codec.min + " to " + codec.max);
        }
    }

    /** Compressed at all: gzip level 0 stores, like none. */
    public boolean compresses() {
        return codec != Codec.NONE && !(codec == Codec.GZIP && level == 0);
    }

    @Override
    public String toString() {
        return codec == Codec.NONE ? "none" : codec.label() + ":" + level;
    }
}
