package dev.portcullis.database;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PostgresTlsTest {

  @Test
  void urlsWithoutRequiredTlsGetAWarningThatNamesTheSettingButNotThePassword() {
    for (String url : new String[] {"postgresql://portcullis:s3cr3t-pw@db:5432/portcullis",
        "postgresql://portcullis:s3cr3t-pw@db:5432/portcullis?sslmode=disable",
        "postgres://portcullis:s3cr3t-pw@db/portcullis?application_name=x&sslmode=prefer",
        "postgresql://portcullis:s3cr3t-pw@db/portcullis?SSLMODE=allow"}) {
      assertThat(PostgresTls.warning(url)).as(url).hasValueSatisfying(warning -> assertThat(warning)
          .startsWith("ARCHESTRA_DATABASE_URL").contains("sslmode").doesNotContain("s3cr3t-pw").doesNotContain("db:5432"));
    }
  }

  @Test
  void requiredOrVerifiedTlsIsQuiet() {
    for (String mode : new String[] {"require", "verify-ca", "verify-full"}) {
      assertThat(PostgresTls.warning("postgresql://u:p@db/x?sslmode=" + mode)).isEmpty();
    }
  }
}
