"use strict";
// The admin dashboard. Everything it shows comes from the query API (docs/api.md); the range and filters live in the
// page's URL so a view can be shared and reloaded; the admin key stays in this tab's sessionStorage, never in the URL.
(() => {
  // The view's reading, its window and its questions are defined in the page itself (index.html, MetricsView), which
  // asks them before this script has loaded.
  const { keyStorage, hour, readView, windowOf, questions, ask } = window.MetricsView;
  const maxDays = 90;
  const $ = (id) => document.getElementById(id);

  const count = new Intl.NumberFormat("en");
  const decimal = new Intl.NumberFormat("en", { maximumFractionDigits: 1 });
  const money = new Intl.NumberFormat("en", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const percent = new Intl.NumberFormat("en", { style: "percent", maximumFractionDigits: 2 });
  const change = new Intl.NumberFormat("en", { style: "percent", maximumFractionDigits: 0, signDisplay: "exceptZero" });
  const localTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
  const duration = (ms) => (ms >= 1000 ? `${decimal.format(ms / 1000)} s` : `${decimal.format(ms)} ms`);

  // ---- the view: range and filters, read from and written to the URL ----

  function writeView(view) {
    const q = new URLSearchParams();
    if (view.range === "custom") { q.set("from", view.from); if (view.to) q.set("to", view.to); } else q.set("range", view.range);
    if (view.service) q.set("service", view.service);
    if (view.endpoint) q.set("endpoint", view.endpoint);
    if (view.org) q.set("org", view.org);
    if (view.by !== "service") q.set("by", view.by);
    const url = `${location.pathname}?${q}`;
    if (url !== `${location.pathname}${location.search}`) history.pushState(null, "", url);
  }

  let view = readView();

  /** .NET's round-trip ("O") format, as the API writes times in its messages. */
  const roundTrip = (ms) => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$10000+00:00");

  /** The API's rules for a custom range (Metrics.Core QueryRange), with its messages, checked before asking it. */
  function rangeProblem(fromText, toText) {
    if (!fromText) return "'from' is required when 'to' is given.";
    const from = Date.parse(fromText), to = toText ? Date.parse(toText) : Date.now(), now = Date.now();
    if (Number.isNaN(from)) return `'from' is not an ISO-8601 date and time: '${fromText}'.`;
    if (Number.isNaN(to)) return `'to' is not an ISO-8601 date and time: '${toText}'.`;
    if (from >= to) return `'from' (${roundTrip(from)}) must be before 'to' (${roundTrip(to)}).`;
    if (to > now + 60_000) return `'to' (${roundTrip(to)}) is in the future; the latest possible is now (${roundTrip(now)}).`;
    const days = (to - from) / (24 * hour);
    if (days > maxDays) return `The range spans ${Number(days.toFixed(3))} days; at most ${maxDays} days can be queried at once.`;
    return null;
  }

  // ---- the API ----

  class QueryError extends Error {
    constructor(status, detail, retryAfter) { super(detail); this.status = status; this.retryAfter = retryAfter; }
  }

  async function query(path, params) {
    const response = await ask([path, params], $("key").value.trim());
    if (!response.ok) {
      let detail = response.statusText;
      try { const problem = await response.json(); detail = problem.detail || problem.title || detail; } catch { /* not problem+json */ }
      throw new QueryError(response.status, detail, response.headers.get("Retry-After"));
    }
    return response.json();
  }

  /** The previous period's answer, or null when it cannot be had (e.g. it lies before the retention window). */
  const previous = (promise) => promise.catch((error) => (error instanceof QueryError && error.status === 400 ? null : Promise.reject(error)));

  // ---- what the page says ----

  function say(text, isError = false) {
    $("status").textContent = text;
    $("status").className = isError ? "error" : "";
  }

  function prompt(title, lines) {
    const section = $("prompt");
    const heading = document.createElement("h2");
    heading.textContent = title;
    section.replaceChildren(heading, ...lines.map((text) => { const p = document.createElement("p"); p.textContent = text; return p; }));
    section.hidden = false;
    $("report").hidden = true;
  }

  function explain(error) {
    if (!(error instanceof QueryError)) return { text: `The dashboard could not reach the API: ${error.message}` };
    switch (error.status) {
      case 401: return $("key").value.trim()
        ? { title: "This key was not accepted", text: `This key was not accepted. Check it, or sign in through the platform. (${error.message})` }
        : { title: "Sign in", text: "Sign in: enter an admin key, or open the dashboard through the platform sign-in." };
      case 403: return { title: "Admin access required", text: `Admin access required: ${error.message}` };
      case 503: return { text: `Storage is unavailable; try again in ${error.retryAfter || "a few"} seconds. (${error.message})` };
      default: return { text: `${error.status}: ${error.message}` };
    }
  }

  function showCoverage(answers) {
    const notes = [];
    for (const answer of answers) {
      for (const source of answer.sources) {
        const begins = /begins at (\S+?);/.exec(source.detail);
        if (source.status === "partial" && begins) notes.push(`${source.name} data starts ${localTime.format(new Date(begins[1]))}`);
      }
    }
    const lag = answers[0].freshness.requests;
    if (lag && lag.lastEventAt) notes.push(`last request ${localTime.format(new Date(lag.lastEventAt))}`);
    $("coverage").textContent = notes.length ? `${notes.join("; ")}.` : "";
  }

  /** A card: the value, and its change from the previous period of the same length. */
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

  function showCards(summary, before) {
    const b = (field) => priorOf(before, field);
    $("summary").replaceChildren(
      card("Requests", count.format(summary.requests), summary.requests, b("requests"), null),
      card("Error rate", percent.format(summary.errorRate), summary.errorRate, b("errorRate"), true, "Error rate (4xx + 5xx)"),
      card("Server errors", percent.format(summary.serverErrorRate), summary.serverErrorRate, b("serverErrorRate"), true, "Server errors (5xx)"),
      card("p50", duration(summary.p50Ms), summary.p50Ms, b("p50Ms"), true),
      card("p95", duration(summary.p95Ms), summary.p95Ms, b("p95Ms"), true),
      card("p99", duration(summary.p99Ms), summary.p99Ms, b("p99Ms"), true),
      card("Active users", count.format(summary.activeUsers), summary.activeUsers, b("activeUsers"), false));
  }

  function showUsageCards(summary, before) {
    const b = (field) => priorOf(before, field);
    $("usage").replaceChildren(
      card("Events", count.format(summary.events), summary.events, b("events"), false),
      card("Visitors", count.format(summary.uniqueUsers), summary.uniqueUsers, b("uniqueUsers"), false),
      card("Signed-in users", count.format(summary.activeUsers), summary.activeUsers, b("activeUsers"), false));
  }

  /** usageShown: false while the page is kept to one org (browser beacons carry no org, so there is no usage to draw). */
  function showCharts(series, before, usageShown) {
    const times = series.points.map((p) => Date.parse(p.at));
    const prior = (field) => series.points.map((_, i) => before?.points[i]?.[field] ?? null);
    const has = before != null;
    const errors = (p, rate) => Math.round(p.requests * rate);
    const requests = [
      { label: "Requests", color: "--c1", values: series.points.map((p) => p.requests), fill: true },
      { label: "Client errors (4xx)", color: "--c2", values: series.points.map((p) => errors(p, p.errorRate) - errors(p, p.serverErrorRate)) },
      { label: "Server errors (5xx)", color: "--c3", values: series.points.map((p) => errors(p, p.serverErrorRate)) },
    ];
    if (has) requests.push({ label: "Requests, previous period", color: "--faint", faint: true, values: prior("requests") });
    MetricsCharts.draw("chart-requests", { name: "Requests", times, format: (v) => `${count.format(v)} req`, series: requests });

    const latency = [
      { label: "p50", color: "--c5", values: series.points.map((p) => p.p50Ms) },
      { label: "p95", color: "--c1", values: series.points.map((p) => p.p95Ms) },
      { label: "p99", color: "--c4", values: series.points.map((p) => p.p99Ms) },
    ];
    if (has) latency.push({ label: "p95, previous period", color: "--faint", faint: true, values: prior("p95Ms") });
    MetricsCharts.draw("chart-latency", { name: "Latency", times, format: duration, series: latency });

    const usage = [
      { label: "Events", color: "--c1", values: series.points.map((p) => p.events), fill: true },
      { label: "Visitors", color: "--c4", values: series.points.map((p) => p.users) },
    ];
    if (has) usage.push({ label: "Events, previous period", color: "--faint", faint: true, values: prior("events") });
    if (usageShown) MetricsCharts.draw("chart-usage", { name: "Usage", times, format: (v) => count.format(v), series: usage });
    $("interval-note").textContent = `per ${series.interval}, local time`;
  }

  const num = (title, value, text) => ({ title, value, text: (r) => text(value(r)) });

  function showEndpoints(endpoints) {
    MetricsTables.render("endpoints", [
      { title: "Endpoint", value: (e) => `${e.method} ${e.endpoint} (${e.service})`, text: (e) => `${e.method} ${e.endpoint} (${e.service})`, numeric: false },
      num("Requests", (e) => e.requests, (v) => count.format(v)),
      num("Avg", (e) => e.avgMs, duration), num("p50", (e) => e.p50Ms, duration), num("p95", (e) => e.p95Ms, duration),
      num("p99", (e) => e.p99Ms, duration),
      num("Error rate", (e) => e.errorRate, (v) => percent.format(v)), num("5xx rate", (e) => e.serverErrorRate, (v) => percent.format(v)),
    ], endpoints, { label: "endpoints", empty: "No requests in this range.", defaultSort: 1,
      onPick: (e) => filter({ service: e.service, endpoint: e.endpoint }) });
  }

  function showBreakdown(answer) {
    const by = answer.by;
    const pick = by === "service" ? (r) => filter({ service: r.key })
      : by === "endpoint" ? (r) => { const [service, , ...path] = r.key.split(" "); filter({ service, endpoint: path.join(" ") }); }
      : by === "org" ? (r) => filter({ org: r.key })
      : null;
    MetricsTables.render("breakdown", [
      { title: by, value: (r) => r.key, text: (r) => r.key, numeric: false },
      num("Requests", (r) => r.requests, (v) => count.format(v)),
      num("Error rate", (r) => r.errorRate, (v) => percent.format(v)), num("5xx rate", (r) => r.serverErrorRate, (v) => percent.format(v)),
      num("Avg", (r) => r.avgMs, duration), num("p95", (r) => r.p95Ms, duration),
      num("Units", (r) => r.units, (v) => count.format(v)), num("Spend", (r) => r.spend, (v) => money.format(v)),
      num("Users", (r) => r.users, (v) => count.format(v)), num("Share", (r) => r.share, (v) => percent.format(v)),
    ], answer.rows, { label: by, empty: "No requests in this range.", defaultSort: 1,
      // Requests without an org are the row (none): there is no org to filter by.
      onPick: pick, canPick: (r) => r.key !== "(none)" });
    // What the answer says a person must know before trusting the rows: unpriced units, requests without the dimension.
    const notes = view.endpoint ? ["(service filter only: breakdowns are not kept per endpoint)"] : [];
    if (by === "country") notes.push("(country rows do not filter the page: the request queries have no country filter)");
    for (const source of answer.sources) {
      if (source.name === "prices" && source.status === "partial") notes.push(source.detail);
      const caveat = source.name === "requests" && /(\d[\d,]* requests have no \w+; they are the row \(none\)\.|No roster is set[^.]*\.)/.exec(source.detail);
      if (caveat) notes.push(caveat[1]);
    }
    $("breakdown-note").textContent = notes.join(" ");
  }

  function showUsage(usage) {
    MetricsTables.render("pages", [
      { title: "Page", value: (p) => p.page, text: (p) => p.page, numeric: false },
      num("Views", (p) => p.views, (v) => count.format(v)), num("Visitors", (p) => p.visitors, (v) => count.format(v)),
    ], usage.pages, { label: "pages", empty: "No page views in this range.", defaultSort: 1 });
    MetricsTables.render("event-types", [
      { title: "Type", value: (t) => t.type, text: (t) => t.type, numeric: false },
      num("Events", (t) => t.count, (v) => count.format(v)),
    ], usage.eventTypes, { label: "event types", empty: "No events in this range.", defaultSort: 1 });
    MetricsTables.render("names", [
      { title: "Name", value: (n) => n.name, text: (n) => n.name, numeric: false },
      { title: "Type", value: (n) => n.type, text: (n) => n.type, numeric: false },
      num("Events", (n) => n.events, (v) => count.format(v)), num("Visitors", (n) => n.visitors, (v) => count.format(v)),
    ], usage.names, { label: "features", empty: "No named clicks, forms or features in this range.", defaultSort: 2 });
  }

  /** The usage section, or why it is not shown: usage events carry no org. */
  function showUsageSection(usage) {
    $("usage-report").hidden = !usage;
    $("usage-note").textContent = usage ? "(browser beacons, all services)"
      : `(not shown for the org ${view.org}: browser beacons carry no org; clear the org filter to see usage)`;
    if (!usage) return;
    showUsageCards(usage.summary, undefined);
    showUsage(usage);
  }

  function remember(list, values) {
    const known = new Set([...$(list).options].map((o) => o.value));
    for (const value of values) if (!known.has(value)) { const o = document.createElement("option"); o.value = value; $(list).append(o); known.add(value); }
  }

  // ---- controls ----

  function showControls() {
    for (const button of $("ranges").querySelectorAll("button")) button.setAttribute("aria-pressed", String(button.dataset.range === view.range));
    $("custom").hidden = view.range !== "custom";
    const local = (iso) => { if (!iso) return ""; const d = new Date(iso); return new Date(d - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16); };
    if (view.range === "custom") { $("from").value = local(view.from); $("to").value = local(view.to); }
    $("service").value = view.service;
    $("endpoint").value = view.endpoint;
    $("by").value = view.by;
    const chips = [];
    for (const name of ["service", "endpoint", "org"]) {
      if (!view[name]) continue;
      const item = document.createElement("li");
      item.textContent = `${name}: ${view[name]}`;
      const clear = document.createElement("button");
      clear.type = "button";
      clear.textContent = "×";
      clear.setAttribute("aria-label", `Clear the ${name} filter`);
      clear.addEventListener("click", () => filter({ [name]: "" }));
      item.append(clear);
      chips.push(item);
    }
    $("active-filters").replaceChildren(...chips);
  }

  function update(changes) {
    view = { ...view, ...changes };
    writeView(view);
    show();
  }

  const filter = (changes) => update(changes);

  let shown = 0; // the latest show(): an older one still in flight must not overwrite what it shows

  // The charting library and the table code are deferred scripts after this one: it draws once they have run
  // (DOMContentLoaded follows every deferred script).
  const librariesLoaded = window.MetricsCharts && window.MetricsTables ? Promise.resolve()
    : new Promise((resolve) => document.addEventListener("DOMContentLoaded", resolve, { once: true }));

  async function show() {
    const run = ++shown;
    showControls();
    const asked = questions(view);
    const { filters, interval, metric, usageShown } = asked;
    const span = windowOf(view);
    const before = { from: new Date(span.from - (span.to - span.from)).toISOString(), to: new Date(span.from).toISOString() };
    $("report").setAttribute("aria-busy", "true");
    say("Loading…");
    try {
      // This period first: every section is drawn from its overview. The previous period's answers only add the
      // changes and the faint lines, so they are asked for afterwards rather than competing with it.
      const [overview] = await Promise.all([query(...asked.overview), librariesLoaded]);
      if (run !== shown) return;
      // The overview's parts, each with the range, sources and freshness, as the four queries answer them.
      const context = { range: overview.range, sources: overview.sources, freshness: overview.freshness };
      const [performance, series, breakdown] = [overview.performance, overview.series, overview.breakdown].map((part) => ({ ...context, ...part }));
      const usage = overview.usage && { ...context, ...overview.usage };
      $("prompt").hidden = true;
      const range = `${localTime.format(new Date(performance.range.from))} – ${localTime.format(new Date(performance.range.to))}`;
      if (performance.summary.requests === 0 && (usage?.summary.events ?? 0) === 0) {
        prompt("No data in this range", [
          `Nothing was received from ${localTime.format(new Date(performance.range.from))} to ${localTime.format(new Date(performance.range.to))}` +
            `${view.service || view.endpoint || view.org ? " for these filters" : ""}.`,
          "Services send request metrics to POST /api/ingest/requests (with an ingestion key, or through Metrics.Client's middleware); " +
            "web pages send usage beacons with the tracker script /api/tracker.js. Try a longer range, or clear the filters.",
        ]);
        say(range);
        $("coverage").textContent = "";
        return;
      }
      $("report").hidden = false;
      showCards(performance.summary, undefined);
      showUsageSection(usage);
      showCharts(series, null, usageShown);
      showEndpoints(performance.endpoints);
      showBreakdown(breakdown);
      remember("known-services", performance.endpoints.map((e) => e.service));
      remember("known-endpoints", performance.endpoints.map((e) => e.endpoint));
      showCoverage([overview]);
      say(`${range}; comparing with the previous period…`);
      document.documentElement.dataset.drawn = String(run);
      window.performance.mark("dashboard-drawn");

      const [priorPerformance, priorSeries, priorUsage] = await Promise.all([
        previous(query("/api/metrics/performance", { ...before, ...filters })),
        previous(query("/api/metrics/timeseries", { ...before, ...filters, metric, interval })),
        usageShown ? previous(query("/api/metrics/usage", before)) : null,
      ]);
      if (run !== shown) return;
      showCards(performance.summary, priorPerformance);
      if (usage) showUsageCards(usage.summary, priorUsage);
      showCharts(series, priorSeries, usageShown);
      say(priorPerformance ? `${range}; changes compare with the previous period of the same length.` : `${range} (no previous period within retention).`);
      document.documentElement.dataset.compared = String(run);
      window.performance.mark("dashboard-compared");
    } catch (error) {
      if (run !== shown) return;
      const { title, text } = explain(error);
      if (title) prompt(title, [text]);
      say(text, true);
    } finally {
      if (run === shown) $("report").setAttribute("aria-busy", "false");
    }
  }

  $("key").value = sessionStorage.getItem(keyStorage) || "";
  $("signin").addEventListener("submit", (event) => {
    event.preventDefault();
    sessionStorage.setItem(keyStorage, $("key").value.trim());
    show();
  });
  $("ranges").addEventListener("click", (event) => {
    const range = event.target.closest("button")?.dataset.range;
    if (!range) return;
    if (range === "custom") {
      $("custom").hidden = false;
      for (const b of $("ranges").querySelectorAll("button")) b.setAttribute("aria-pressed", String(b.dataset.range === "custom"));
      $("from").focus();
    } else update({ range, from: null, to: null });
  });
  $("custom").addEventListener("submit", (event) => {
    event.preventDefault();
    const iso = (value) => (value ? new Date(value).toISOString() : "");
    const from = iso($("from").value), to = iso($("to").value);
    const problem = rangeProblem(from, to);
    $("range-error").textContent = problem || "";
    if (!problem) update({ range: "custom", from, to: to || null });
  });
  $("filters").addEventListener("submit", (event) => {
    event.preventDefault();
    filter({ service: $("service").value.trim(), endpoint: $("endpoint").value.trim() });
  });
  $("by").addEventListener("change", () => update({ by: $("by").value }));
  window.addEventListener("popstate", () => { view = readView(); show(); });
  show();
})();
