package dev.fakeetcd;

import dev.fakeetcd.testing.ApiListing;
import org.junit.jupiter.api.Test;

/** The front door's public API is what api/fake-etcd-server.api lists, and names no internals. */
class ApiListingTest {

  @Test
  void publicApi_isTheCommittedListing() {
    ApiListing.check("api/fake-etcd-server.api", ApiListing.comment(
        "The public API of fake-etcd-server: package dev.fakeetcd.",
        "Not API: dev.fakeetcd.internal.*.",
        "The generated protos (dev.fakeetcd.api, dev.fakeetcd.api.lock, dev.fakeetcd.api.election)",
        "ship in fake-etcd-proto and are not listed: they follow proto/src/main/proto/*.proto.",
        "Checked by ApiListingTest; after a meant change: mvn -B -ntp -o -pl fake-server -am test",
        "  -Dtest=ApiListingTest -Dsurefire.failIfNoSpecifiedTests=false -Dapi.update=true"),
        ApiListing.render(FakeEtcd.class, "dev.fakeetcd"));
  }
}
