/**
 * The threads that follow real time, outside the simulation core: {@code DaemonTicker} (a daemon
 * thread running a task every few milliseconds) and {@code WallClockDriver} (virtual time following
 * real time in WALL_CLOCK mode). The stuck-call watchdog in transport ticks on a
 * {@code DaemonTicker} too. Not API.
 *
 * <p>May import sim (the clock it drives).
 */
package dev.fakeetcd.internal.wallclock;
