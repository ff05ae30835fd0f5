package dev.portcullis.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The verifier against AWS's published SigV4 test suite (aws-sig-v4-test-suite, 2015-08-30). */
class SigV4VerifierTest {

  private static final String SUITE_KEY = "AKIDEXAMPLE";
  private static final String SUITE_SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  private static final String SUITE_DATE = "20150830T123600Z";
  private static final String EMPTY_BODY_HASH = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

  private final SigV4Verifier verifier = new SigV4Verifier(SUITE_KEY, SUITE_SECRET, "us-east-1", "service");

  private static MultiMap suiteHeaders(String signature) {
    return MultiMap.caseInsensitiveMultiMap()
        .add("Host", "example.amazonaws.com")
        .add("X-Amz-Date", SUITE_DATE)
        .add("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            + "SignedHeaders=host;x-amz-date, Signature=" + signature);
  }

  @Test
  void getVanillaFromTheAwsTestSuiteMatches() {
    String signature = "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";

    SigV4Verifier.Result result = verifier.verify("GET", "/", null, suiteHeaders(signature), Buffer.buffer());

    assertThat(result.matches()).as(result.reason()).isTrue();
    assertThat(verifier.canonicalRequest("GET", "/", null, suiteHeaders(signature), List.of("host", "x-amz-date"),
        EMPTY_BODY_HASH)).isEqualTo("GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
            + "host;x-amz-date\n" + EMPTY_BODY_HASH);
  }

  @Test
  void postVanillaFromTheAwsTestSuiteMatches() {
    String signature = "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b";

    SigV4Verifier.Result result = verifier.verify("POST", "/", "", suiteHeaders(signature), Buffer.buffer());

    assertThat(result.matches()).as(result.reason()).isTrue();
  }

  @Test
  void queryIsSortedByNameFromTheAwsTestSuite() {
    String signature = "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500";

    SigV4Verifier.Result result =
        verifier.verify("GET", "/", "Param2=value2&Param1=value1", suiteHeaders(signature), Buffer.buffer());

    assertThat(result.matches()).as(result.reason()).isTrue();
  }

  @Test
  void anyChangeToTheSignedRequestIsDetected() {
    String getVanilla = "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";

    assertThat(verifier.verify("POST", "/", null, suiteHeaders(getVanilla), Buffer.buffer()).matches()).isFalse();
    assertThat(verifier.verify("GET", "/x", null, suiteHeaders(getVanilla), Buffer.buffer()).matches()).isFalse();
    assertThat(verifier.verify("GET", "/", "a=b", suiteHeaders(getVanilla), Buffer.buffer()).matches()).isFalse();
    assertThat(verifier.verify("GET", "/", null, suiteHeaders(getVanilla), Buffer.buffer("x")).matches()).isFalse();
    assertThat(verifier.verify("GET", "/", null, suiteHeaders(getVanilla).set("Host", "other.amazonaws.com"),
        Buffer.buffer()).matches()).isFalse();
    assertThat(new SigV4Verifier(SUITE_KEY, "another-secret", "us-east-1", "service")
        .verify("GET", "/", null, suiteHeaders(getVanilla), Buffer.buffer()).matches()).isFalse();
    assertThat(new SigV4Verifier(SUITE_KEY, SUITE_SECRET, "us-west-2", "service")
        .verify("GET", "/", null, suiteHeaders(getVanilla), Buffer.buffer()).reason()).contains("Credential");
  }

  @Test
  void missingOrUnexpectedSessionTokenIsDetected() {
    String getVanilla = "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";

    SigV4Verifier expectingToken = new SigV4Verifier(SUITE_KEY, SUITE_SECRET, "token", "us-east-1", "service");
    assertThat(expectingToken.verify("GET", "/", null, suiteHeaders(getVanilla), Buffer.buffer()).reason())
        .contains("X-Amz-Security-Token");
    assertThat(verifier.verify("GET", "/", null, suiteHeaders(getVanilla).add("X-Amz-Security-Token", "token"),
        Buffer.buffer()).reason()).contains("X-Amz-Security-Token");
  }

  @Test
  void pathIsEncodedASecondTimeInTheCanonicalRequest() {
    String canonical = verifier.canonicalRequest("POST", "/model/us.anthropic.claude-x-v1%3A0/converse", "",
        suiteHeaders("x"), List.of("host"), EMPTY_BODY_HASH);

    assertThat(canonical).startsWith("POST\n/model/us.anthropic.claude-x-v1%253A0/converse\n\n");
  }

  @Test
  void queryValuesAreReEncodedTheSigV4Way() {
    String canonical = verifier.canonicalRequest("GET", "/", "b=x%2Fy&a=1+2&a=0&c=%7e&d",
        suiteHeaders("x"), List.of("host"), EMPTY_BODY_HASH);

    assertThat(canonical.split("\n")[2]).isEqualTo("a=0&a=1%2B2&b=x%2Fy&c=~&d=");
  }
}
