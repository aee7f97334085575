package dev.lifeboat.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SoftwareVersionTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)|15.18.0",
                "pg_restore (PostgreSQL) 17.2|17.2.0",
                "16.4 (Ubuntu 16.4-1.pgdg22.04+1)|16.4.0",
                "10.11.19-MariaDB-0+deb12u1|10.11.19",
                "11.4.2-MariaDB-log|11.4.2",
                "8.0.35|8.0.35",
                "mariadb-dump  Ver 10.19 Distrib 10.11.19-MariaDB, for debian-linux-gnu (x86_64)|10.11.19",
                "mariadb-dump from 11.4.2-MariaDB, client 10.19 for Linux (x86_64)|11.4.2",
                "mysqldump  Ver 8.0.35 for Linux on x86_64 (MySQL Community Server - GPL)|8.0.35",
                "mariadb  Ver 15.1 Distrib 10.11.19-MariaDB, for debian-linux-gnu (x86_64) using  EditLine wrapper|10.11.19",
            })
    void parsesWhatServersAndToolsPrint(String reported, String expected) {
        assertThat(SoftwareVersion.parse(reported).shortForm()).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"16.1, 15.9, 1", "15.9, 15.10, -1", "10.11.2, 10.11.2, 0"})
    void comparesNumerically(String a, String b, int sign) {
        assertThat(Integer.signum(SoftwareVersion.parse(a).compareTo(SoftwareVersion.parse(b))))
                .isEqualTo(sign);
    }

    @ParameterizedTest
    @CsvSource({"no digits here"})
    void refusesTextWithoutAVersion(String text) {
        assertThatThrownBy(() -> SoftwareVersion.parse(text)).hasMessageContaining("cannot read a version");
    }

    /** Issue 35: what holds no version number is empty, for the caller to say what to do; never an exception. */
    @org.junit.jupiter.api.Test
    void tryParse_isEmptyForWhatHoldsNoVersion_andTheVersionOtherwise() {
        for (String none : new String[] {null, "", "pg_dump (PostgreSQL) development build", "99999999999.1"}) {
            org.assertj.core.api.Assertions.assertThat(SoftwareVersion.tryParse(none))
                    .as("%s", none)
                    .isEmpty();
        }
        org.assertj.core.api.Assertions.assertThat(SoftwareVersion.tryParse("pg_dump (PostgreSQL) 16.2"))
                .contains(SoftwareVersion.parse("pg_dump (PostgreSQL) 16.2"));
    }
}
