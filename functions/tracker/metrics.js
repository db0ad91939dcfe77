/* Metrics usage tracker (functions/tracker/README.md). Include it with
 *   <script defer src="https://HOST/api/tracker.js" data-site="SITE_KEY"></script>
 * and optionally data-api="https://HOST/api" (default: the script's own origin + /api).
 * It sends nothing when the browser asks not to be tracked (navigator.doNotTrack === "1").
 * The app serves it minified; this is the source. */
(() => {
  "use strict";
  const script = document.currentScript;
  const noop = () => {};
  if (window.metrics) return;
  window.metrics = { track: noop, identify: noop };
  const site = script && script.dataset.site;
  if (!site || navigator.doNotTrack === "1") return;

  const api = (script.dataset.api || new URL(script.src, document.baseURI).origin + "/api").replace(/\/+$/, "") + "/ingest/usage";
  const BATCH = 20; // events that leave together while the page is in use…
  const WAIT_MS = 10000; // …or after the first of them has waited this long
  const MAX_EVENTS = 1000; // the ingest limit per request, and what the outbox keeps at most
  const MAX_BYTES = 60000; // browsers refuse beacons and keepalive requests over 64 KiB in flight
  const ATTEMPTS = 3;
  const OUTBOX = "metrics.outbox.";
  const IGNORE = "[data-metrics-ignore]";
  let queue = [];
  let timer = 0;
  let userId;
  let lastPath;
  let lastClick;
  let lastClickAt = 0;
  let depth = 0;

  // randomUUID needs a secure context; plain-http pages get 128 random bits in hex.
  const uuid = () => crypto.randomUUID ? crypto.randomUUID()
    : Array.from(crypto.getRandomValues(new Uint8Array(16)), b => (b + 256).toString(16).slice(1)).join("");

  // The session is this tab's (sessionStorage); the outbox outlives it (localStorage, this site). Where storage is
  // blocked (sandboxed frames) nothing is kept.
  const load = (store, key) => {
    try {
      return window[store].getItem(key);
    } catch (e) { /* blocked */ }
  };
  const save = (store, key, value) => {
    try {
      value ? window[store].setItem(key, value) : window[store].removeItem(key);
    } catch (e) { /* blocked or full: the events stay in memory only */ }
  };
  const parse = json => {
    try {
      return JSON.parse(json) || [];
    } catch (e) {
      return [];
    }
  };

  const sessionId = load("sessionStorage", "metrics.sid") || uuid();
  save("sessionStorage", "metrics.sid", sessionId);

  // The outbox holds every event sent and not yet acknowledged: what a page could not deliver, the next page of the
  // site sends again, in this tab or another, now or on a later visit (a closing tab can hand the browser only
  // 64 KiB). Each page writes its own key, so pages open side by side never overwrite each other's events.
  // Event ids make a repeat count once.
  const mine = OUTBOX + uuid();
  const outbox = () => parse(load("localStorage", mine));
  const keep = events => save("localStorage", mine, events.length && JSON.stringify(events.slice(-MAX_EVENTS)));
  // What other pages left (closed, or still open: then both send it, and it counts once) becomes this page's.
  const adopt = () => {
    let left = [];
    try {
      for (const key of Object.keys(localStorage)) {
        if (!key.startsWith(OUTBOX) || key === mine) continue;
        left = left.concat(parse(localStorage.getItem(key)));
        localStorage.removeItem(key);
      }
    } catch (e) { /* blocked */ }
    keep(outbox().concat(left));
  };
  const settle = events => {
    const done = new Set(events.map(e => e.id));
    keep(outbox().filter(e => !done.has(e.id)));
  };

  // One request's worth from the front of a list: at most MAX_EVENTS and MAX_BYTES, halving until it fits.
  const chunk = events => {
    let n = Math.min(events.length, MAX_EVENTS), body;
    while (new Blob([body = JSON.stringify({ site, events: events.slice(0, n) })]).size > MAX_BYTES && n > 1) n = Math.ceil(n / 2);
    return [events.slice(0, n), body];
  };

  // Flushed events wait here for the one request in flight, so a burst leaves in a few large requests, in order.
  let pending = [];
  let sending = false;
  const pump = () => {
    if (sending || !pending.length) return;
    const [batch, body] = chunk(pending);
    pending = pending.slice(batch.length);
    sending = true;
    post(batch, body, 1, () => {
      sending = false;
      pump();
    });
  };

  // Sent with fetch, whose answer can be read: 429, 408, 5xx and network failures are tried again (waiting what
  // Retry-After asks, else about 1 s, then 2 s), ATTEMPTS times in all; any other answer settles the events.
  // Given up, they stay in the outbox for the next page.
  const post = (events, body, attempt, done, keepalive) => fetch(api, { method: "POST", body, keepalive, headers: { "Content-Type": "text/plain" } })
    .then(r => r.status < 500 && r.status !== 429 && r.status !== 408 ? (settle(events), done())
      : retry(events, body, attempt, done, r.headers.get("Retry-After")), () => retry(events, body, attempt, done));
  const retry = (events, body, attempt, done, after) => attempt < ATTEMPTS
    ? setTimeout(() => post(events, body, attempt + 1, done), Math.min(after * 1000 || 1000 * 2 ** (attempt - 1) * (0.5 + Math.random()), 60000))
    : done();

  function flush() {
    clearTimeout(timer);
    timer = 0;
    keep(outbox().concat(queue));
    pending = pending.concat(queue.splice(0));
    pump();
  }

  // Hidden or leaving, the page may not live to read an answer: everything not yet acknowledged also goes in
  // beacons (the browser sends them after the page is gone) and stays in the outbox for the next page. Beacons share
  // 64 KiB in flight; what they cannot carry, and what a browser refuses, goes as a keepalive fetch.
  const leave = () => {
    flush();
    for (let rest = outbox(); rest.length;) {
      const [batch, body] = chunk(rest);
      rest = rest.slice(batch.length);
      try {
        if (navigator.sendBeacon(api, new Blob([body], { type: "text/plain" }))) continue;
      } catch (e) { /* fall back to fetch */ }
      post(batch, body, ATTEMPTS, noop, true);
    }
  };

  const track = (type, name, properties, elementId) => {
    queue.push({
      id: uuid(),
      type,
      timestamp: new Date().toISOString(),
      page: location.pathname, // never the query string: it can carry emails and tokens
      name: name ? String(name).slice(0, 100) : undefined,
      elementId: elementId || undefined,
      userId,
      sessionId,
      properties: properties || undefined,
    });
    if (queue.length >= BATCH) flush();
    else timer = timer || setTimeout(flush, WAIT_MS);
  };

  // One page_view per path: query-only and hash-only changes stay on the same page.
  const pageView = () => {
    if (location.pathname === lastPath) return;
    lastPath = location.pathname;
    depth = 0;
    track("page_view");
  };

  const pushState = history.pushState;
  history.pushState = function () {
    const result = pushState.apply(this, arguments);
    pageView();
    return result;
  };
  addEventListener("popstate", pageView);

  // getAttribute, not .id or .name: a form's field named "id" or "name" hides those properties.
  const attr = (el, name) => el.getAttribute(name);
  const label = el => el.dataset.metricsClick || attr(el, "id") || attr(el, "name") ||
    (el.innerText || el.value || attr(el, "aria-label") || "").replace(/\s+/g, " ").trim();

  // Every link and button, no markup needed; data-metrics-ignore on it or around it opts out. A second click on
  // the same element within a second is the same intent. Capture phase: page handlers cannot hide clicks.
  document.addEventListener("click", e => {
    const el = e.target.closest && e.target.closest("a[href],button,[role=button],input[type=submit],input[type=button],[data-metrics-click]");
    if (!el || el.closest(IGNORE) || (el === lastClick && e.timeStamp - lastClickAt < 1000)) return;
    lastClick = el;
    lastClickAt = e.timeStamp;
    // A link says where it goes, without its query string.
    const to = /^https?:/.test(el.href) && new URL(el.href);
    track("button_click", label(el), to && { to: to.host + to.pathname }, attr(el, "id"));
  }, true);

  // Whether a submit went through: "submitted" (the browser sends it), "prevented" (the page's script took it
  // over), "invalid" (the browser's validation stopped it). Page handlers run after this one, so look after them.
  const submitted = (form, outcome) => form && !form.closest(IGNORE) &&
    track("form_submit", form.dataset.metricsForm || attr(form, "id") || attr(form, "name") || "form", { outcome }, attr(form, "id"));
  document.addEventListener("submit", e => setTimeout(() => submitted(e.target, e.defaultPrevented ? "prevented" : "submitted")), true);
  let invalidForm;
  document.addEventListener("invalid", e => {
    const form = e.target.form;
    // One submit attempt fires "invalid" on every bad field: count the attempt once.
    if (form === invalidForm) return;
    invalidForm = form;
    setTimeout(() => { invalidForm = 0; });
    submitted(form, "invalid");
  }, true);

  // Scroll depth, once the scrolling has stopped for a second: 25, 50, 75 or 100 % of the page seen, each once.
  let scrolled = 0;
  addEventListener("scroll", () => {
    clearTimeout(scrolled);
    scrolled = setTimeout(() => {
      const root = document.documentElement;
      const seen = Math.floor(4 * Math.min(1, (scrollY + innerHeight) / root.scrollHeight)) * 25;
      if (seen > depth) track("custom", "scroll", { depth: depth = seen });
    }, 1000);
  }, { passive: true });

  document.addEventListener("visibilitychange", () => document.visibilityState === "hidden" && leave());
  addEventListener("pagehide", leave);

  window.metrics = {
    track: (type, name, properties) => track(type, name, properties),
    identify: id => { userId = id == null ? undefined : String(id); },
  };

  // What earlier pages could not deliver leaves first.
  adopt();
  pending = outbox();
  pump();
  pageView();
})();
