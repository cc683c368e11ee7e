package dev.fakeetcd.internal.raft;

/**
 * Configuration of one {@link RaftNode}. Start from {@link #of(long)} and adjust with the
 * {@code with*} methods.
 *
 * @param id              this node's id (not 0)
 * @param electionTicks   followers campaign after a randomized timeout in [electionTicks,
 *                        2*electionTicks) ticks without hearing from a leader; must exceed {@code
 *                        heartbeatTicks}
 * @param heartbeatTicks  the leader sends heartbeats every this many ticks
 * @param preVote         run a pre-vote round before bumping the term
 * @param checkQuorum     the leader steps down when it has not heard from a quorum for an election
 *                        timeout, and followers with a live leader ignore vote requests (leader
 *                        lease)
 * @param maxSizePerMsg   upper bound on the entry bytes of one append message (at least one entry
 *                        is always sent)
 * @param maxInflightMsgs how many append messages may be unacknowledged to one peer in replicate
 *                        mode
 * @param applied         on restart: the index up to which the host's state machine is already
 *                        applied (0 = the storage snapshot's index)
 */
public record RaftConfig(
    long id,
    int electionTicks,
    int heartbeatTicks,
    boolean preVote,
    boolean checkQuorum,
    long maxSizePerMsg,
    int maxInflightMsgs,
    long applied) {

  public RaftConfig {
    if (id == 0) {
      throw new IllegalArgumentException("node id 0 is reserved");
    }
    if (heartbeatTicks <= 0) {
      throw new IllegalArgumentException("heartbeatTicks must be positive: " + heartbeatTicks);
    }
    if (electionTicks <= heartbeatTicks) {
      throw new IllegalArgumentException("electionTicks (" + electionTicks
          + ") must exceed heartbeatTicks (" + heartbeatTicks + ")");
    }
    if (maxSizePerMsg <= 0 || maxInflightMsgs <= 0) {
      throw new IllegalArgumentException("maxSizePerMsg and maxInflightMsgs must be positive");
    }
    if (applied < 0) {
      throw new IllegalArgumentException("applied must not be negative");
    }
  }

  /**
   * etcd's defaults: election 10 ticks, heartbeat 1 tick, pre-vote and check-quorum on, 1 MiB
   * messages, 256 inflight.
   */
  public static RaftConfig of(long id) {
    return new RaftConfig(id, 10, 1, true, true, 1024 * 1024, 256, 0);
  }

  public RaftConfig withElectionTicks(int ticks) {
    return new RaftConfig(
        id, ticks, heartbeatTicks, preVote, checkQuorum, maxSizePerMsg, maxInflightMsgs, applied);
  }

  public RaftConfig withHeartbeatTicks(int ticks) {
    return new RaftConfig(
        id, electionTicks, ticks, preVote, checkQuorum, maxSizePerMsg, maxInflightMsgs, applied);
  }

  public RaftConfig withPreVote(boolean on) {
    return new RaftConfig(
        id, electionTicks, heartbeatTicks, on, checkQuorum, maxSizePerMsg, maxInflightMsgs,
        applied);
  }

  public RaftConfig withCheckQuorum(boolean on) {
    return new RaftConfig(
        id, electionTicks, heartbeatTicks, preVote, on, maxSizePerMsg, maxInflightMsgs, applied);
  }

  RaftConfig withMaxSizePerMsg(long bytes) {
    return new RaftConfig(
        id, electionTicks, heartbeatTicks, preVote, checkQuorum, bytes, maxInflightMsgs, applied);
  }

  RaftConfig withMaxInflightMsgs(int count) {
    return new RaftConfig(
        id, electionTicks, heartbeatTicks, preVote, checkQuorum, maxSizePerMsg, count, applied);
  }

  RaftConfig withApplied(long index) {
    return new RaftConfig(
        id, electionTicks, heartbeatTicks, preVote, checkQuorum, maxSizePerMsg, maxInflightMsgs,
        index);
  }
}
