package dev.fakeetcd.junit;

import dev.fakeetcd.testing.ApiListing;
import org.junit.jupiter.api.Test;

/** The extension's public API is what api/fake-etcd-junit5.api lists. */
class ApiListingTest {

  @Test
  void publicApi_isTheCommittedListing() {
    ApiListing.check("api/fake-etcd-junit5.api", ApiListing.comment(
        "The public API of fake-etcd-junit5: package dev.fakeetcd.junit.",
        "Checked by ApiListingTest; after a meant change:",
        "  mvn -B -ntp -o -pl junit-extension -am test",
        "  -Dtest=ApiListingTest -Dsurefire.failIfNoSpecifiedTests=false -Dapi.update=true"),
        ApiListing.render(EtcdTest.class, "dev.fakeetcd.junit"));
  }
}
