"use strict";
// Finance and incident exports (docs/api.md, "Exports"), for callers with the finance or admin role: the section shows
// when GET /api/exports answers. An export is asked for, followed until it is produced, and downloaded through a signed
// link asked for at the moment of the click (links expire; the list holds none).
window.MetricsExports = (() => {
  const { count, localTime } = window.MetricsFormat;
  const $ = (id) => document.getElementById(id);
  const pollMs = 1000;
  let options; // { key(), incident() -> { service, from, to } }
  let exports = []; // the list, newest first, as the API answers it

  async function call(method, path, body) {
    const headers = { Accept: "application/json" };
    const key = options.key();
    if (key) headers.Authorization = `Bearer ${key}`;
    if (body) headers["Content-Type"] = "application/json";
    const response = await fetch(path, { method, headers, credentials: "same-origin", body: body && JSON.stringify(body) });
    const answer = await response.json().catch(() => ({}));
    return { ok: response.ok, status: response.status, answer };
  }

  const say = (text, isError = false) => { $("export-status").textContent = text; $("export-status").className = isError ? "error" : ""; };
  const problem = ({ status, answer }) => `${status}: ${answer.detail || answer.title || "the export could not be asked for"}`;

  function describe(e) {
    if (e.kind === "incident") return `Incident, ${e.service}`;
    if (e.kind === "finance-month") return `Finance, ${e.range.from.slice(0, 7)}`;
    return e.kind === "finance-mtd" ? "Finance, month to date" : `Breakdown by ${e.by}`;
  }

  const progress = (e) => (e.status === "succeeded" ? `succeeded, ${count.format(e.rows)} rows`
    : e.status === "failed" ? `failed: ${e.error ?? "see the log"}` : `${e.status}…`);

  function cell(row, content) {
    const td = row.insertCell();
    td.className = "text";
    td.append(content);
  }

  function render() {
    const table = document.createElement("table");
    const head = table.createTHead().insertRow();
    for (const title of ["Export", "Range", "Asked", "Status", "File"]) {
      const th = document.createElement("th");
      th.scope = "col";
      th.className = "text";
      th.textContent = title;
      head.append(th);
    }
    const body = table.createTBody();
    if (exports.length === 0) { cell(body.insertRow(), "No exports yet."); body.rows[0].cells[0].colSpan = 5; }
    for (const e of exports) {
      const row = body.insertRow();
      row.dataset.id = e.id;
      cell(row, describe(e));
      cell(row, `${localTime.format(new Date(e.range.from))} – ${localTime.format(new Date(e.range.to))}`);
      cell(row, localTime.format(new Date(e.createdAt)));
      cell(row, progress(e));
      if (e.status !== "succeeded") { cell(row, ""); continue; }
      const download = document.createElement("button");
      download.type = "button";
      download.className = "download";
      download.textContent = "Download CSV";
      download.addEventListener("click", () => downloadOf(e.id));
      cell(row, download);
    }
    const scroll = document.createElement("div");
    scroll.className = "scroll";
    scroll.append(table);
    $("export-list").replaceChildren(scroll);
  }

  /** A fresh signed link, then the browser downloads from it (the file is served as an attachment). */
  async function downloadOf(id) {
    const got = await call("GET", `/api/exports/${encodeURIComponent(id)}`);
    if (!got.ok || !got.answer.url) { say(got.ok ? "The export has no file yet." : problem(got), true); return; }
    say(`Downloading ${id}; the link is valid until ${localTime.format(new Date(got.answer.expiresAt))}.`);
    location.assign(got.answer.url);
  }

  /** Follows one export until it is produced or has failed, showing each status in its row. */
  async function follow(id) {
    const got = await call("GET", `/api/exports/${encodeURIComponent(id)}`);
    if (!got.ok) { say(problem(got), true); return; }
    exports = [got.answer, ...exports.filter((e) => e.id !== id)];
    render();
    if (got.answer.status === "succeeded" || got.answer.status === "failed") {
      say(`Export ${describe(got.answer).toLowerCase()}: ${progress(got.answer)}.`, got.answer.status === "failed");
      return;
    }
    setTimeout(() => follow(id), pollMs);
  }

  async function create(event) {
    event.preventDefault();
    const kind = $("export-kind").value;
    let body = { kind };
    if (kind === "finance-month") body.month = $("export-month").value;
    if (kind === "incident") {
      const incident = options.incident();
      if (!incident.service) { say("An incident export holds one service's requests: filter the page by a service first.", true); return; }
      body = { kind, ...incident };
    }
    const asked = await call("POST", "/api/exports", body);
    if (!asked.ok) { say(problem(asked), true); return; }
    say(`Export ${asked.answer.id} is ${asked.answer.status}…`);
    follow(asked.answer.id);
  }

  /** Shows the section and the earlier exports when this caller may export; hides it otherwise. */
  async function load() {
    const listed = await call("GET", "/api/exports").catch(() => ({ ok: false }));
    $("exports").hidden = !listed.ok;
    if (!listed.ok) return;
    exports = listed.answer.exports;
    render();
  }

  function start(given) {
    options = given;
    const now = new Date();
    $("export-month").value = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)).toISOString().slice(0, 7); // the latest closed month
    $("export-kind").addEventListener("change", () => { $("export-month-label").hidden = $("export-kind").value !== "finance-month"; });
    $("export-form").addEventListener("submit", create);
  }

  return { start, load };
})();
