"use strict";
// The summary cards: each value with its change from the previous period of the same length.
window.MetricsCards = (() => {
  const { count, percent, change, duration } = window.MetricsFormat;

  /** A card: the value, and its change from the previous period (worseWhenUp: null when neither way is worse). */
  function card(name, value, now, before, worseWhenUp, label = name) {
    const term = document.createElement("dt");
    term.textContent = label;
    const detail = document.createElement("dd");
    detail.textContent = value;
    const delta = document.createElement("span");
    delta.className = "change";
    if (before != null) {
      if (before === 0) delta.textContent = now === 0 ? "no change" : "none before";
      else {
        const ratio = (now - before) / before;
        delta.textContent = `${change.format(ratio)} vs previous`;
        if (worseWhenUp != null && Math.abs(ratio) >= 0.005) delta.classList.add((ratio > 0) === worseWhenUp ? "worse" : "better");
      }
    } else delta.textContent = before === undefined ? "comparing…" : "no previous period";
    detail.append(delta);
    const box = document.createElement("div");
    box.className = "card";
    box.dataset.measure = name;
    box.append(term, detail);
    return box;
  }

  /** A previous-period value: undefined while it is being asked for, null when there is none. */
  const priorOf = (before, field) => (before === undefined ? undefined : before?.summary?.[field] ?? null);

  function showRequests(element, summary, before) {
    const b = (field) => priorOf(before, field);
    element.replaceChildren(
      card("Requests", count.format(summary.requests), summary.requests, b("requests"), null),
      card("Error rate", percent.format(summary.errorRate), summary.errorRate, b("errorRate"), true, "Error rate (4xx + 5xx)"),
      card("Server errors", percent.format(summary.serverErrorRate), summary.serverErrorRate, b("serverErrorRate"), true, "Server errors (5xx)"),
      card("Average", duration(summary.avgMs), summary.avgMs, b("avgMs"), true, "Average response time"),
      card("p50", duration(summary.p50Ms), summary.p50Ms, b("p50Ms"), true),
      card("p95", duration(summary.p95Ms), summary.p95Ms, b("p95Ms"), true),
      card("p99", duration(summary.p99Ms), summary.p99Ms, b("p99Ms"), true),
      card("Active users", count.format(summary.activeUsers), summary.activeUsers, b("activeUsers"), false));
  }

  function showUsage(element, summary, before) {
    const b = (field) => priorOf(before, field);
    element.replaceChildren(
      card("Events", count.format(summary.events), summary.events, b("events"), false),
      card("Visitors", count.format(summary.uniqueUsers), summary.uniqueUsers, b("uniqueUsers"), false),
      card("Signed-in users", count.format(summary.activeUsers), summary.activeUsers, b("activeUsers"), false));
  }

  return { showRequests, showUsage };
})();
