"use strict";
// The admin dashboard. Everything it shows comes from the query API (docs/api.md); the range and filters live in the
// page's URL so a view can be shared and reloaded; the admin key stays in this tab's sessionStorage, never in the URL.
(() => {
  // The view's reading, its window and its questions are defined in the page itself (index.html, MetricsView), which
  // asks them before this script has loaded.
  const { keyStorage, hour, readView, windowOf, questions, ask } = window.MetricsView;
  const maxDays = 90;
  const $ = (id) => document.getElementById(id);

  const { count, money, percent, localTime, clock, duration } = window.MetricsFormat;

  // ---- the view: range and filters, read from and written to the URL ----

  function writeView(view) {
    const q = new URLSearchParams();
    if (view.range === "custom") { q.set("from", view.from); if (view.to) q.set("to", view.to); } else q.set("range", view.range);
    if (view.service) q.set("service", view.service);
    if (view.endpoint) q.set("endpoint", view.endpoint);
    if (view.org) q.set("org", view.org);
    if (view.model) q.set("model", view.model);
    if (view.by !== "service") q.set("by", view.by);
    if (!view.includeAnonymous) q.set("includeAnonymous", "false");
    if (view.refresh) q.set("refresh", String(view.refresh));
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

  /** usageShown: false while the page is kept to one org or model (browser beacons carry neither, so there is no usage to draw). */
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
    if (usageShown && view.includeAnonymous) MetricsCharts.draw("chart-usage", { name: "Usage", times, format: (v) => count.format(v), series: usage });
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
    ], endpoints, { label: "endpoints", empty: "No requests in this range.", defaultSort: 2, // slowest first, as the API answers
      onPick: (e) => filter({ service: e.service, endpoint: e.endpoint }) });
  }

  function showBreakdown(answer) {
    const by = answer.by;
    const pick = by === "service" ? (r) => filter({ service: r.key })
      : by === "endpoint" ? (r) => { const [service, , ...path] = r.key.split(" "); filter({ service, endpoint: path.join(" ") }); }
      : by === "org" ? (r) => filter({ org: r.key })
      : by === "model" ? (r) => filter({ model: r.key })
      : null;
    MetricsTables.render("breakdown", [
      { title: by, value: (r) => r.key, text: (r) => r.key, numeric: false },
      num("Requests", (r) => r.requests, (v) => count.format(v)),
      num("Error rate", (r) => r.errorRate, (v) => percent.format(v)), num("5xx rate", (r) => r.serverErrorRate, (v) => percent.format(v)),
      num("Avg", (r) => r.avgMs, duration), num("p95", (r) => r.p95Ms, duration),
      num("Units", (r) => r.units, (v) => count.format(v)), num("Spend", (r) => r.spend, (v) => money.format(v)),
      num("Users", (r) => r.users, (v) => count.format(v)), num("Share", (r) => r.share, (v) => percent.format(v)),
    ], answer.rows, { label: by, empty: "No requests in this range.", defaultSort: 1,
      // Requests without an org or model are the row (none): there is nothing to filter by.
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

  /** The usage section, or why it is not shown: usage events carry no org and no model. */
  function showUsageSection(usage) {
    $("usage-report").hidden = !usage;
    const kept = view.org ? `the org ${view.org}: browser beacons carry no org; clear the org filter` : `the model ${view.model}: browser beacons carry no model; clear the model filter`;
    // The time series counts every visitor: without anonymous ones only the cards and tables can be shown.
    $("usage-note").textContent = !usage ? `(not shown for ${kept} to see usage)` : view.includeAnonymous ? "(browser beacons, all services)"
      : "(browser beacons, all services; signed-in users only, so the chart over time, which counts every visitor, is not shown)";
    $("chart-usage").closest("section").hidden = !view.includeAnonymous;
    if (!usage) return;
    MetricsCards.showUsage($("usage"), usage.summary, undefined);
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
    $("model").value = view.model;
    $("by").value = view.by;
    $("include-anonymous").checked = view.includeAnonymous;
    $("auto-refresh").value = String(view.refresh);
    const chips = [];
    for (const name of ["service", "endpoint", "org", "model"]) {
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
  const librariesLoaded = window.MetricsCharts && window.MetricsTables && window.MetricsExports ? Promise.resolve()
    : new Promise((resolve) => document.addEventListener("DOMContentLoaded", resolve, { once: true }));

  let refreshTimer; // the next automatic refresh, counted from the start of this one

  /** Keeps the page to one hour (a reliability chart's or spike's), no later than now: the API refuses a future end. */
  const pickHour = (at) => update({ range: "custom", from: new Date(at).toISOString(), to: new Date(Math.min(at + hour, Date.now())).toISOString() });

  /** An incident export's service and window: the page's, ending now at the latest. */
  function incident() {
    const span = windowOf(view);
    return { service: view.service, from: new Date(span.from).toISOString(), to: new Date(Math.min(span.to, Date.now())).toISOString() };
  }

  /** The reliability section, or why it is missing: it is not a reason to fail the page. */
  const reliabilityOf = (current, filters) => query("/api/metrics/reliability", { ...current, service: filters.service, org: filters.org, model: filters.model })
    .catch((error) => ({ error }));

  function showReliability(answer) {
    if (answer.error) { MetricsReliability.unavailable(`could not be read: ${explain(answer.error).text}`); return; }
    MetricsReliability.show(answer, pickHour);
    if (view.endpoint) $("reliability-note").textContent += " (all endpoints of the service: reliability is not kept per endpoint)";
  }

  async function show() {
    const run = ++shown;
    clearTimeout(refreshTimer);
    if (view.refresh) refreshTimer = setTimeout(show, view.refresh * 1000);
    showControls();
    const asked = questions(view);
    const { current, filters, interval, metric, usageShown } = asked;
    const signedIn = view.includeAnonymous ? {} : { includeAnonymous: "false" }; // the usage questions without anonymous visitors
    const span = windowOf(view);
    const before = { from: new Date(span.from - (span.to - span.from)).toISOString(), to: new Date(span.from).toISOString() };
    $("report").setAttribute("aria-busy", "true");
    say("Loading…");
    try {
      // This period first: every section is drawn from its overview. The previous period's answers only add the
      // changes and the faint lines, so they are asked for afterwards rather than competing with it.
      const [overview, signedInUsage] = await Promise.all([query(...asked.overview),
        usageShown && !view.includeAnonymous ? query("/api/metrics/usage", { ...current, ...signedIn }) : null, librariesLoaded]);
      if (run !== shown) return;
      // The overview's parts, each with the range, sources and freshness, as the four queries answer them.
      const context = { range: overview.range, sources: overview.sources, freshness: overview.freshness };
      const [performance, series, breakdown] = [overview.performance, overview.series, overview.breakdown].map((part) => ({ ...context, ...part }));
      const usage = signedInUsage ?? (overview.usage && { ...context, ...overview.usage });
      $("prompt").hidden = true;
      const range = `${localTime.format(new Date(performance.range.from))} – ${localTime.format(new Date(performance.range.to))}`;
      if (performance.summary.requests === 0 && (usage?.summary.events ?? 0) === 0) {
        prompt("No data in this range", [
          `Nothing was received from ${localTime.format(new Date(performance.range.from))} to ${localTime.format(new Date(performance.range.to))}` +
            `${view.service || view.endpoint || view.org || view.model ? " for these filters" : ""}.`,
          "Services send request metrics to POST /api/ingest/requests (with an ingestion key, or through Metrics.Client's middleware); " +
            "web pages send usage beacons with the tracker script /api/tracker.js. Try a longer range, or clear the filters.",
        ]);
        say(range);
        $("coverage").textContent = "";
        $("refreshed").textContent = `Updated ${clock.format(new Date())}`;
        return;
      }
      $("report").hidden = false;
      MetricsCards.showRequests($("summary"), performance.summary, undefined);
      showUsageSection(usage);
      showCharts(series, null, usageShown);
      showEndpoints(performance.endpoints);
      showBreakdown(breakdown);
      remember("known-services", performance.endpoints.map((e) => e.service));
      remember("known-endpoints", performance.endpoints.map((e) => e.endpoint));
      if (breakdown.by === "model") remember("known-models", breakdown.rows.map((r) => r.key).filter((key) => key !== "(none)"));
      showCoverage([overview]);
      $("refreshed").textContent = `Updated ${clock.format(new Date())}`;
      say(`${range}; comparing with the previous period…`);
      document.documentElement.dataset.drawn = String(run);
      window.performance.mark("dashboard-drawn");

      const [priorPerformance, priorSeries, priorUsage, reliability] = await Promise.all([
        previous(query("/api/metrics/performance", { ...before, ...filters })),
        previous(query("/api/metrics/timeseries", { ...before, ...filters, metric, interval })),
        usageShown ? previous(query("/api/metrics/usage", { ...before, ...signedIn })) : null,
        reliabilityOf(current, filters),
      ]);
      if (run !== shown) return;
      MetricsCards.showRequests($("summary"), performance.summary, priorPerformance);
      if (usage) MetricsCards.showUsage($("usage"), usage.summary, priorUsage);
      showReliability(reliability);
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
      // After this view's answers, not competing with them; also when they were refused (finance may export, not query).
      if (run === shown) librariesLoaded.then(() => MetricsExports.load());
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
    filter({ service: $("service").value.trim(), endpoint: $("endpoint").value.trim(), model: $("model").value.trim() });
  });
  $("by").addEventListener("change", () => update({ by: $("by").value }));
  $("include-anonymous").addEventListener("change", () => update({ includeAnonymous: $("include-anonymous").checked }));
  $("auto-refresh").addEventListener("change", () => update({ refresh: Number($("auto-refresh").value) }));
  $("refresh").addEventListener("click", () => show());
  librariesLoaded.then(() => MetricsExports.start({ key: () => $("key").value.trim(), incident }));
  window.addEventListener("popstate", () => { view = readView(); show(); });
  show();
})();
