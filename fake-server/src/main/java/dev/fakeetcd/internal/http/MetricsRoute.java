package dev.fakeetcd.internal.http;

import dev.fakeetcd.internal.server.Cluster;
import dev.fakeetcd.internal.server.MemberMetrics;
import dev.fakeetcd.internal.server.MemberServer;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.handler.codec.http.FullHttpRequest;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpResponseStatus;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * etcd's {@code /metrics} in Prometheus' text format, with a few of its families (names, types and
 * help as etcd 3.4.23 writes them), computed from the member's simulated state: read under the
 * cluster lock, written outside it.
 */
public final class MetricsRoute implements HttpRoute {

  private static final PrometheusTextFormatWriter WRITER = PrometheusTextFormatWriter.create();

  private final Cluster cluster;
  private final MemberServer member;
  private final GrpcHandled handled;

  public MetricsRoute(Cluster cluster, MemberServer member, GrpcHandled handled) {
    this.cluster = cluster;
    this.member = member;
    this.handled = handled;
  }

  @Override
  public boolean serves(String path) {
    return path.equals("/metrics");
  }

  @Override
  public void serve(ChannelHandlerContext ctx, FullHttpRequest request) {
    MemberMetrics m = cluster.query(member::metrics);
    MetricSnapshots families = MetricSnapshots.of(
        gauge("etcd_server_has_leader",
            "Whether or not a leader exists. 1 is existence, 0 is not.", m.hasLeader() ? 1 : 0),
        counter("etcd_server_leader_changes_seen", "The number of leader changes seen.",
            m.leaderChanges()),
        gauge("etcd_server_proposals_committed_total",
            "The total number of consensus proposals committed.", m.committed()),
        gauge("etcd_server_proposals_applied_total",
            "The total number of consensus proposals applied.", m.applied()),
        gauge("etcd_server_proposals_pending",
            "The current number of pending proposals to commit.", m.pending()),
        counter("etcd_server_proposals_failed", "The total number of failed proposals seen.",
            m.failed()),
        gauge("etcd_mvcc_db_total_size_in_bytes",
            "Total size of the underlying database physically allocated in bytes.", m.dbSize()),
        gauge("etcd_mvcc_db_total_size_in_use_in_bytes",
            "Total size of the underlying database logically in use in bytes.", m.dbSizeInUse()),
        gauge("etcd_debugging_mvcc_keys_total", "Total number of keys.", m.keys()),
        handled.snapshot());
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    try {
      WRITER.write(text, families);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
    }
    HttpResponses.send(ctx, request, HttpResponseStatus.OK, WRITER.getContentType(),
        text.toString(StandardCharsets.UTF_8));
  }

  private static MetricSnapshot gauge(String name, String help, double value) {
    return GaugeSnapshot.builder().name(name).help(help)
        .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(value).build()).build();
  }

  /** A counter: the text format adds {@code _total} to {@code name}. */
  private static MetricSnapshot counter(String name, String help, double value) {
    return CounterSnapshot.builder().name(name).help(help)
        .dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().value(value).build())
        .build();
  }
}
