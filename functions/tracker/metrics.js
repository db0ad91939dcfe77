/* Metrics usage tracker (functions/tracker/README.md). Include it with
 *   <script defer src="https://HOST/api/tracker.js" data-site="SITE_KEY"></script>
 * and optionally data-api="https://HOST/api" (default: the script's own origin + /api).
 * It sends nothing when the browser asks not to be tracked (navigator.doNotTrack === "1"). */
(() => {
  "use strict";
  const script = document.currentScript;
  const noop = () => {};
  if (window.metrics) return;
  window.metrics = { track: noop, identify: noop };
  const site = script && script.dataset.site;
  if (!site || navigator.doNotTrack === "1") return;

  const api = (script.dataset.api || new URL(script.src, document.baseURI).origin + "/api").replace(/\/+$/, "") + "/ingest/usage";
  const MAX_EVENTS = 1000; // the ingest limit per batch
  const MAX_BYTES = 60000; // browsers refuse beacons and keepalive fetches over 64 KiB in flight
  const FLUSH_MS = 2000;
  let queue = [];
  let timer = 0;
  let userId;
  let lastPath;

  // randomUUID needs a secure context; plain-http pages get 128 random bits in hex.
  const uuid = () => crypto.randomUUID ? crypto.randomUUID()
    : Array.from(crypto.getRandomValues(new Uint8Array(16)), b => (b + 256).toString(16).slice(1)).join("");

  // A session lasts as long as the tab; where storage is blocked (sandboxed frames) it lasts the page.
  const sessionId = (() => {
    try {
      let id = sessionStorage.getItem("metrics.sid");
      if (!id) sessionStorage.setItem("metrics.sid", id = uuid());
      return id;
    } catch (e) {
      return uuid();
    }
  })();

  const track = (type, name, properties, elementId) => {
    queue.push({
      id: uuid(),
      type,
      timestamp: new Date().toISOString(),
      page: location.pathname, // never the query string: it can carry emails and tokens
      name: name ? String(name) : undefined,
      elementId: elementId || undefined,
      userId,
      sessionId,
      properties: properties || undefined,
    });
    timer = timer || setTimeout(flush, FLUSH_MS);
  };

  const send = (body, blob) => {
    try {
      if (navigator.sendBeacon(api, blob)) return;
    } catch (e) { /* fall back to fetch */ }
    fetch(api, { method: "POST", body, keepalive: true, headers: { "Content-Type": "text/plain" } }).catch(noop);
  };

  function flush() {
    clearTimeout(timer);
    timer = 0;
    while (queue.length) {
      let n = Math.min(queue.length, MAX_EVENTS), body, blob;
      // Halve the batch until it fits in one beacon.
      while ((blob = new Blob([body = JSON.stringify({ site, events: queue.slice(0, n) })], { type: "text/plain" })).size > MAX_BYTES && n > 1) n = Math.ceil(n / 2);
      queue = queue.slice(n);
      send(body, blob);
    }
  }

  // One page_view per path: query-only and hash-only changes stay on the same page.
  const pageView = () => {
    if (location.pathname === lastPath) return;
    lastPath = location.pathname;
    track("page_view");
  };

  const pushState = history.pushState;
  history.pushState = function () {
    const result = pushState.apply(this, arguments);
    pageView();
    return result;
  };
  addEventListener("popstate", pageView);

  // Capture phase, so page handlers that stop propagation do not hide clicks and submits.
  document.addEventListener("click", e => {
    const el = e.target.closest && e.target.closest("[data-metrics-click]");
    if (el) track("button_click", el.dataset.metricsClick || el.id, null, el.id);
  }, true);
  document.addEventListener("submit", e => {
    const form = e.target;
    if (form.dataset && "metricsForm" in form.dataset) track("form_submit", form.dataset.metricsForm || form.id, null, form.id);
  }, true);

  document.addEventListener("visibilitychange", () => document.visibilityState === "hidden" && flush());
  addEventListener("pagehide", flush);

  window.metrics = {
    track: (type, name, properties) => track(type, name, properties),
    identify: id => { userId = id == null ? undefined : String(id); },
  };
  pageView();
})();
