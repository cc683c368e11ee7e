package dev.fakeetcd.internal.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fakeetcd.internal.rpctypes.EtcdError;
import dev.fakeetcd.internal.rpctypes.EtcdException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** etcd 3.5's downgrade version rules (convertToClusterVersion over go-semver). */
class DowngradeTest {

  @Test
  void cluster_isTheMajorAndMinorOfTheFakesVersion() {
    assertThat(Downgrade.CLUSTER).isEqualTo(new Downgrade.Version(3, 4));
    assertThat(Downgrade.CLUSTER).hasToString("3.4.0");
  }

  @ParameterizedTest
  @ValueSource(strings = {"3.3", "3.3.0", "3.3.9", "3.3.0-rc.1", "3.3.1+build.7", "3.3.0-",
      "03.003"})
  void target_semanticOrMajorMinorVersions_keepMajorAndMinor(String version) {
    assertThat(Downgrade.target(version)).isEqualTo(new Downgrade.Version(3, 3));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "3", "v3.3", "3.3.x", "3..3", "3.3.0.1", "3.3.0-rc..1",
      "3.3.0+bad!", "3.3-alpha", "+3.3.0", "3.3.", "3.99999999999999999999", "3.٣", " 3.3"})
  void target_otherText_failsWrongFormat(String version) {
    assertThatThrownBy(() -> Downgrade.target(version)).isInstanceOfSatisfying(
        EtcdException.class,
        e -> assertThat(e.error()).isEqualTo(EtcdError.WRONG_DOWNGRADE_VERSION_FORMAT));
  }

  @Test
  void requireAllowed_previousMinor_passes() {
    Downgrade.requireAllowed(new Downgrade.Version(3, 3));
  }

  @ParameterizedTest
  @ValueSource(strings = {"3.4", "3.2", "2.3", "4.3"})
  void requireAllowed_anyOtherVersion_failsInvalidTarget(String version) {
    Downgrade.Version target = Downgrade.target(version);

    assertThatThrownBy(() -> Downgrade.requireAllowed(target)).isInstanceOfSatisfying(
        EtcdException.class,
        e -> assertThat(e.error()).isEqualTo(EtcdError.INVALID_DOWNGRADE_TARGET_VERSION));
  }
}
