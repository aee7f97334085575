package dev.lifeboat.adapters.s3;

import dev.lifeboat.core.port.Vault;
import java.io.IOException;
import java.io.InputStream;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * An S3 object's body that either delivers every byte S3 said the object has, or throws: it never ends early.
 *
 * <p>A body cut short on the way (a reset, a timeout, a connection closed mid-body) is a transport failure, not a
 * damaged backup: the HTTP client throws once, and the stream it leaves then reads as ended, so the bytes counted
 * were fewer than the manifest's and the restore called a good backup corrupt (issue 38, item 3). Here a read that
 * fails, or an end before the object's Content-Length, asks S3 again for the rest of the same version (a Range
 * request from the first missing byte, with {@code If-Match} on the ETag so another object under the key can never
 * be spliced in), up to {@link #ATTEMPTS} times in a row without progress; after that it throws {@link
 * Vault.TransferInterrupted} (also after {@link #RESUMES} resumes in all), which callers report as "retry", never as
 * corruption. A resumed answer is taken only when its Content-Range starts at the first missing byte of an object of
 * the same length (an answer that ignored the Range, or a range of another object, is never spliced in); an object
 * without an ETag or a length is not resumed at all; an object replaced under its key while it is read (412 to the
 * If-Match) is said to be so. A body that answers a read with no byte and no end counts as a failure, so the read
 * never spins. The bytes that arrive are still checked against the manifest's size and SHA-256 by the restore: only
 * a real difference is corruption.
 */
final class ResumingObjectStream extends InputStream {
    /** Attempts in a row that deliver no byte before the read gives up. */
    static final int ATTEMPTS = 4;

    /** Resumes of one object in all, progress or not: a path that keeps breaking is reported, not ridden out. */
    static final int RESUMES = 10;

    private final S3Client s3;
    private final GetObjectRequest request;
    private final String where;
    private final long length;
    private final String etag;
    private InputStream current;
    private long position;
    private int failuresWithoutProgress;
    private int resumes;

    private ResumingObjectStream(
            S3Client s3, GetObjectRequest request, String where, ResponseInputStream<GetObjectResponse> first) {
        this.s3 = s3;
        this.request = request;
        this.where = where;
        this.current = first;
        this.length =
                first.response().contentLength() == null ? -1 : first.response().contentLength();
        this.etag = first.response().eTag();
    }

    /** Opens {@code request}'s object; the first request's failures are the caller's to report. */
    static InputStream open(S3Client s3, GetObjectRequest request, String where) {
        ResponseInputStream<GetObjectResponse> first = s3.getObject(request);
        return new ResumingObjectStream(s3, request, where, first);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (true) {
            IOException failure;
            try {
                int n = current.read(b, off, len);
                if (n > 0) {
                    position += n;
                    failuresWithoutProgress = 0;
                    return n;
                }
                if (n < 0 && (length < 0 || position >= length)) {
                    return -1;
                }
                failure = n < 0
                        ? new IOException("the body ended after " + position + " of " + length + " bytes")
                        : new IOException("the body gave no byte after " + position + " of " + length + " bytes");
            } catch (IOException | SdkException e) {
                failure = e instanceof IOException io ? io : new IOException(e.getMessage(), e);
            }
            resume(failure);
        }
    }

    private void resume(IOException failure) throws IOException {
        closeQuietly();
        while (true) {
            if (++failuresWithoutProgress > ATTEMPTS || ++resumes > RESUMES || length < 0 || etag == null) {
                throw new Vault.TransferInterrupted(
                        "reading " + where + " broke off " + resumes + " times, the last after " + position + " of "
                                + length + " bytes (" + failure.getMessage() + "); the transfer failed, not the backup",
                        failure);
            }
            ResponseInputStream<GetObjectResponse> next;
            try {
                next = s3.getObject(request.toBuilder()
                        .range("bytes=" + position + "-")
                        .ifMatch(etag)
                        .build());
            } catch (S3Exception e) {
                if (e.statusCode() == 412) {
                    throw new Vault.TransferInterrupted(
                            "reading " + where + " broke off after " + position + " of " + length
                                    + " bytes, and the object under that key was replaced meanwhile (its ETag no"
                                    + " longer matches); the transfer failed, not the backup",
                            e);
                }
                failure.addSuppressed(e);
                continue;
            } catch (SdkException e) {
                failure.addSuppressed(e);
                continue;
            }
            String range = next.response().contentRange();
            String expected = "bytes " + position + "-" + (length - 1) + "/" + length;
            if (expected.equals(range)) {
                current = next;
                return;
            }
            // Not the rest of this object (the Range ignored, another range, another length): never spliced in.
            try {
                next.close();
            } catch (IOException | RuntimeException e) {
                // only closing
            }
            failure.addSuppressed(new IOException("a resumed read answered '" + range + "', not '" + expected + "'"));
        }
    }

    private void closeQuietly() {
        try {
            current.close();
        } catch (IOException | RuntimeException e) {
            // The connection is already broken; the next request opens another.
        }
    }

    @Override
    public void close() throws IOException {
        current.close();
    }
}
