package dev.lifeboat.protocol.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Review of ec5fb28 (issue 35): each test here fails against that commit and names a finding. */
class RestoreRequestHostileTest {
    private static final String DUMP =
            "{\"database\":\"orders\",\"from\":\"dump\",\"targetSecretArn\":\"arn:aws:secretsmanager:eu-central-1:1:secret:t\"";

    /**
     * Every other field treats null as absent (Fields.name, FAIL_ON_NULL_FOR_PRIMITIVES off, NON_NULL when written),
     * but Requests.restore picks the kind by payload.has("createInstance"): a dump payload with "createInstance": null
     * becomes a new-instance restore and its own targetSecretArn is then refused as not applying.
     */
    @Test
    void createInstanceNull_isAbsent_likeEveryOtherNull() {
        RestoreRequest r = RestoreRequest.read(Requests.tree(DUMP + ",\"createInstance\":null}"));
        assertThat(r).isInstanceOf(DumpRestore.class);
    }

    /** "at most 2147483647, not -99999999999": the refusal of a number too small says it is too large. */
    @Test
    void aNumberTooSmallForItsField_isNotCalledTooLarge() {
        assertThatThrownBy(() -> RestoreRequest.read(Requests.tree(DUMP + ",\"jobs\":-99999999999}")))
                .isInstanceOf(BadRequest.class)
                .message()
                .doesNotContain("at most " + Integer.MAX_VALUE + ", not -");
    }

    /** The command line's URL target is in the record: its generated toString prints the password. */
    @Test
    void aCommandLineDumpRestore_doesNotPrintTheUrlsPassword() {
        DumpRestore r = DumpRestore.builder()
                .database("orders")
                .target("postgresql://app:hunter2@orders.example:5432/orders")
                .build();
        assertThat(r.toString()).doesNotContain("hunter2");
    }

    /**
     * RestoreRequest.json promises "what read reads back to an equal request"; for the command line's URL target it
     * silently drops the target and writes a payload that read refuses ("field 'targetSecretArn' is missing").
     */
    @Test
    void json_ofARequestWithAUrlTarget_isRefusedRatherThanWrittenWithoutItsTarget() {
        DumpRestore r = DumpRestore.builder()
                .database("orders")
                .target("postgresql://app@orders.example:5432/orders")
                .build();
        String written;
        try {
            written = RestoreRequest.json(r);
        } catch (RuntimeException refused) {
            return; // refusing is fine
        }
        assertThat(RestoreRequest.read(Requests.tree(written))).isEqualTo(r);
    }

    /**
     * The function reads bytes (a UTF-8 BOM is skipped); the task reads LIFEBOAT_RESTORE as a String, where the same
     * payload with a BOM is "not JSON": the one reader reads one payload two ways.
     */
    @Test
    void aPayloadWithAByteOrderMark_readsTheSameAsBytesAndAsAString() {
        String payload = "\uFEFF" + DUMP + "}";
        RestoreRequest fromBytes =
                RestoreRequest.read(Requests.tree(new ByteArrayInputStream(payload.getBytes(StandardCharsets.UTF_8))));
        assertThat(fromBytes).isInstanceOf(DumpRestore.class);
        assertThat(RestoreRequest.read(Requests.tree(payload))).isEqualTo(fromBytes);
    }
}
