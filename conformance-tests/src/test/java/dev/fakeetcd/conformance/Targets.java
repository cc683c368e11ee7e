package dev.fakeetcd.conformance;

/**
 * Every target a {@link ConformanceTest} runs against, in invocation order. Adding a target is
 * one constant here.
 */
enum Targets {
  FAKE_1("fake-1", 1, FakeEtcdTarget.factory(1)),
  FAKE_3("fake-3", 3, FakeEtcdTarget.factory(3)),
  REAL_1("real-1", 1, RealEtcdTarget.factory(1)),
  REAL_3("real-3", 3, RealEtcdTarget.factory(3));

  private final String displayName;
  private final int members;
  private final EtcdTargetFactory factory;

  Targets(String displayName, int members, EtcdTargetFactory factory) {
    this.displayName = displayName;
    this.members = members;
    this.factory = factory;
  }

  int members() {
    return members;
  }

  String displayName() {
    return displayName;
  }

  EtcdTargetFactory factory() {
    return factory;
  }
}
