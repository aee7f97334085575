package dev.lifeboat.adapters.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.core.port.Vault;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The resume's own rules, against an S3 client that answers as scripted (S3FaultsIT proves the resume against moto
 * through a proxy that cuts bodies): what S3 documents for a ranged GET (Content-Range {@code bytes first-last/length},
 * 412 PreconditionFailed to an If-Match that no longer matches) decides whether an answer is spliced in.
 */
class ResumingObjectStreamTest {
    private static final byte[] OBJECT = new byte[1000];

    static {
        for (int i = 0; i < OBJECT.length; i++) {
            OBJECT[i] = (byte) (i * 31);
        }
    }

    private final List<GetObjectRequest> requests = new ArrayList<>();
    private final Deque<Function<GetObjectRequest, ResponseInputStream<GetObjectResponse>>> answers =
            new ArrayDeque<>();

    private final S3Client s3 = new S3Client() {
        @Override
        public ResponseInputStream<GetObjectResponse> getObject(GetObjectRequest request) {
            requests.add(request);
            return answers.removeFirst().apply(request);
        }

        @Override
        public String serviceName() {
            return "s3";
        }

        @Override
        public void close() {}
    };

    /** The object from {@code from}, cut after {@code cutAfter} bytes (a reset), answered as S3 would. */
    private static ResponseInputStream<GetObjectResponse> body(
            int from, int cutAfter, String etag, String contentRange) {
        byte[] rest = Arrays.copyOfRange(OBJECT, from, OBJECT.length);
        InputStream in = new ByteArrayInputStream(rest) {
            private int given;

            @Override
            public synchronized int read(byte[] b, int off, int len) {
                if (given >= cutAfter) {
                    throw new java.io.UncheckedIOException(new IOException("Connection reset"));
                }
                int n = super.read(b, off, Math.min(len, cutAfter - given));
                given += Math.max(n, 0);
                return n;
            }
        };
        GetObjectResponse response = GetObjectResponse.builder()
                .contentLength((long) rest.length)
                .eTag(etag)
                .contentRange(contentRange)
                .build();
        return new ResponseInputStream<>(response, AbortableInputStream.create(unchecked(in)));
    }

    /** An UncheckedIOException from the scripted body read as the IOException a broken connection throws. */
    private static InputStream unchecked(InputStream in) {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                try {
                    return in.read(b, off, len);
                } catch (java.io.UncheckedIOException e) {
                    throw e.getCause();
                }
            }
        };
    }

    private static String rangeFrom(int from) {
        return "bytes " + from + "-" + (OBJECT.length - 1) + "/" + OBJECT.length;
    }

    private InputStream open() {
        return ResumingObjectStream.open(
                s3, GetObjectRequest.builder().bucket("b").key("k").build(), "s3://b/k");
    }

    @Test
    void aBodyCutShort_resumesAtTheFirstMissingByte_ofTheSameObject_andDeliversEveryByte() throws IOException {
        answers.add(r -> body(0, 300, "\"e1\"", null));
        answers.add(r -> body(300, 400, "\"e1\"", rangeFrom(300)));
        answers.add(r -> body(700, Integer.MAX_VALUE, "\"e1\"", rangeFrom(700)));

        try (InputStream in = open()) {
            assertThat(in.readAllBytes()).isEqualTo(OBJECT);
        }
        assertThat(requests).extracting(GetObjectRequest::range).containsExactly(null, "bytes=300-", "bytes=700-");
        assertThat(requests.subList(1, 3)).extracting(GetObjectRequest::ifMatch).containsOnly("\"e1\"");
    }

    /** A resumed answer that ignored the Range (200, the whole object) would splice byte 0 in at byte 300. */
    @Test
    void aResumedAnswerThatIsNotTheRestOfTheObject_isNeverSplicedIn() {
        answers.add(r -> body(0, 300, "\"e1\"", null));
        for (int i = 0; i < ResumingObjectStream.ATTEMPTS; i++) {
            answers.add(r -> body(0, Integer.MAX_VALUE, "\"e1\"", null)); // Range ignored
        }

        assertThatThrownBy(() -> {
                    try (InputStream in = open()) {
                        in.readAllBytes();
                    }
                })
                .isInstanceOf(Vault.TransferInterrupted.class)
                .hasMessageContaining("after 300 of 1000 bytes")
                .hasMessageContaining("not the backup")
                .satisfies(e -> assertThat(Arrays.toString(e.getCause().getSuppressed()))
                        .contains("answered 'null', not 'bytes 300-999/1000'"));
    }

    @Test
    void anObjectReplacedWhileRead_isSaidToBe_andNotSpliced() {
        answers.add(r -> body(0, 300, "\"e1\"", null));
        answers.add(r -> {
            throw (S3Exception) S3Exception.builder()
                    .statusCode(412)
                    .message("At least one of the pre-conditions you specified did not hold")
                    .build();
        });

        assertThatThrownBy(() -> {
                    try (InputStream in = open()) {
                        in.readAllBytes();
                    }
                })
                .isInstanceOf(Vault.TransferInterrupted.class)
                .hasMessageContaining("was replaced meanwhile");
    }

    @Test
    void anObjectWithoutAnEtag_isNotResumed() {
        answers.add(r -> body(0, 300, null, null));

        assertThatThrownBy(() -> {
                    try (InputStream in = open()) {
                        in.readAllBytes();
                    }
                })
                .isInstanceOf(Vault.TransferInterrupted.class);
        assertThat(requests).hasSize(1);
    }

    /** A body that answers with no byte and no end: a failure each time, so the read ends instead of spinning. */
    @Test
    void aBodyThatGivesNoByte_isAFailure_notASpin() {
        for (int i = 0; i <= ResumingObjectStream.ATTEMPTS; i++) {
            answers.add(r -> {
                ResponseInputStream<GetObjectResponse> real =
                        body(0, Integer.MAX_VALUE, "\"e1\"", r.range() == null ? null : rangeFrom(0));
                return new ResponseInputStream<>(real.response(), AbortableInputStream.create(new InputStream() {
                    @Override
                    public int read() {
                        return 0;
                    }

                    @Override
                    public int read(byte[] b, int off, int len) {
                        return 0;
                    }
                }));
            });
        }

        assertThatThrownBy(() -> {
                    try (InputStream in = open()) {
                        in.read(new byte[10]);
                    }
                })
                .isInstanceOf(Vault.TransferInterrupted.class)
                .hasMessageContaining("gave no byte");
    }
}
