package dev.lifeboat.protocol.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The backup function's requests (issue 35): what its schedules, its state machine and a person send it. */
class BackupRequestTest {
    private static BackupRequest read(String json) {
        return BackupRequest.read(Requests.tree(json));
    }

    @Test
    void eachFormTheFunctionIsSent_readsAsItsRequest_andWritesBackTheSame() {
        assertThat(read("{\"database\": \"orders\"}")).isEqualTo(DumpRun.of(List.of("orders"), null));
        assertThat(read("{\"database\": \"orders\", \"runId\": \"2026-11-25T03:00:00Z\"}"))
                .isEqualTo(DumpRun.of(List.of("orders"), "2026-11-25T03:00:00Z"));
        DumpRun two = (DumpRun) read("{\"databases\": [\"billing\", \"orders\", \"billing\"], \"runId\": \"r\"}");
        assertThat(two.ids()).containsExactly("billing", "orders");
        assertThat(read("{\"route\": true, \"database\": \"big\"}")).isEqualTo(RouteQuery.of("big"));
        for (BackupRequest r : List.of(
                DumpRun.of(List.of("orders"), "r"), DumpRun.of(List.of("a", "b"), null), RouteQuery.of("big"))) {
            assertThat(read(Requests.json(r))).as("%s", r).isEqualTo(r);
        }
        assertThat(Requests.json(DumpRun.of(List.of("orders"), "r")))
                .isEqualTo("{\"database\":\"orders\",\"runId\":\"r\"}");
    }

    /** The CDK app writes its state machine's payloads from the records, around Step Functions paths. */
    @Test
    void aRequestsFields_carryPlaceholdersAsTheyAre_sorted() {
        assertThat(Requests.fields(RouteQuery.of("$.database")))
                .containsExactly(Map.entry("database", "$.database"), Map.entry("route", true));
        assertThat(Requests.fields(new DumpRun(null, List.of("#{Token[1]}"), "$.runId")))
                .containsExactly(Map.entry("databases", List.of("#{Token[1]}")), Map.entry("runId", "$.runId"));
    }

    @Test
    void badInput_isRefusedNamingTheField() {
        assertThatThrownBy(() -> read("{\"databse\": \"orders\"}"))
                .isInstanceOf(BadRequest.class)
                .hasMessage("field 'databse' does not apply to a dump request");
        assertThatThrownBy(() -> read("{}")).hasMessage("field 'database' is missing");
        assertThatThrownBy(() -> read("{\"database\": \"a\", \"databases\": [\"b\"]}"))
                .hasMessageContaining("both given");
        assertThatThrownBy(() -> read("{\"databases\": \"orders\"}"))
                .hasMessageStartingWith("field 'databases' must be a list of strings");
        assertThatThrownBy(() -> read("{\"databases\": [\"orders\", \"\"]}"))
                .hasMessage("field 'databases' holds an empty entry");
        assertThatThrownBy(() -> read("{\"databases\": [\"orders\", null]}"))
                .hasMessage("field 'databases' holds an empty entry");
        assertThatThrownBy(() -> read("{\"database\": 5}")).hasMessageStartingWith("field 'database' must be a string");
        assertThatThrownBy(() -> read("{\"route\": \"yes\", \"database\": \"big\"}"))
                .hasMessageStartingWith("field 'route' must be true or false");
        assertThatThrownBy(() -> read("{\"route\": false, \"database\": \"big\"}"))
                .hasMessageStartingWith("field 'route' must be true");
        assertThatThrownBy(() -> read("{\"route\": true}")).hasMessage("field 'database' is missing");
        assertThatThrownBy(() -> read("{\"route\": true, \"database\": \"big\", \"runId\": \"r\"}"))
                .hasMessage("field 'runId' does not apply to a route request");
        assertThatThrownBy(() -> read("[]")).hasMessage("the input is not a JSON object");
    }
}
