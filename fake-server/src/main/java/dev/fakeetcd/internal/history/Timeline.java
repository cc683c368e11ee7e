package dev.fakeetcd.internal.history;

import dev.fakeetcd.internal.sim.Trace;
import java.util.List;

/**
 * PLACEHOLDER (branch hist-record): the HTML timeline is written on another branch; this stand-in
 * has its agreed signature only, so that the front door compiles.
 */
public final class Timeline {

  private Timeline() {
  }

  /** PLACEHOLDER: a page that only counts what it was given. */
  public static String html(HistoryLog log, List<Trace.Event> traceEvents) {
    return "<!DOCTYPE html><title>fake-etcd history</title><p>" + log.operations().size()
        + " operations, " + traceEvents.size() + " trace events</p>";
  }
}
