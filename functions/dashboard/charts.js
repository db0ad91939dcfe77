"use strict";
// Time charts for the dashboard, drawn by uPlot (served by the app from its pinned npm package). Times are shown in
// the browser's local time zone (uPlot's default); values carry their unit on the axis, in the legend and the tooltip.
window.MetricsCharts = (() => {
  const drawn = new Map(); // element id -> { plot, spec }, so a resize or a colour-scheme change redraws the same data

  const css = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  const stamp = new Intl.DateTimeFormat(undefined, { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short" });

  /** A point's bucket start time and every shown series' value there, as the legend would say them. */
  function pointLines(u, i, format) {
    const lines = [stamp.format(new Date(u.data[0][i] * 1000))];
    u.series.forEach((s, k) => { if (k > 0 && s.show && u.data[k][i] != null) lines.push(`${s.label}: ${format(u.data[k][i])}`); });
    return lines;
  }

  /** A tooltip beside the cursor: the bucket's exact start time, then every series' value as the legend would say it. */
  function tooltip(format) {
    let tip;
    return {
      hooks: {
        init: (u) => { tip = document.createElement("div"); tip.className = "tip"; tip.hidden = true; u.over.append(tip); },
        setCursor: (u) => {
          const i = u.cursor.idx;
          if (i == null || u.cursor.left < 0) { tip.hidden = true; return; }
          tip.replaceChildren(...pointLines(u, i, format).map((text, n) => {
            const line = document.createElement(n === 0 ? "b" : "div");
            line.textContent = text;
            return line;
          }));
          tip.hidden = false;
          const left = u.cursor.left + 12, width = tip.offsetWidth;
          tip.style.left = `${left + width > u.over.clientWidth ? Math.max(0, u.cursor.left - width - 12) : left}px`;
          tip.style.top = `${Math.max(0, u.cursor.top - tip.offsetHeight - 8)}px`;
        },
      },
    };
  }

  /**
   * uPlot's cursor follows the mouse only. A chart also takes the keyboard focus: the arrow keys (and Home, End) move the
   * cursor point by point through uPlot's setCursor, which shows the tooltip and the legend's values as the mouse would,
   * and a live region says the same point's values to a screen reader.
   */
  function keyboard(element, readout) {
    element.tabIndex = 0;
    let index = null; // the point the keyboard is on; null until a key or the focus chooses one
    const moveTo = (i) => {
      const { plot, spec } = drawn.get(element.id);
      const last = plot.data[0].length - 1;
      if (last < 0) return;
      index = Math.max(0, Math.min(last, i));
      plot.setCursor({ left: plot.valToPos(plot.data[0][index], "x"), top: plot.valToPos(plot.data[1][index] ?? 0, "y") });
      readout.textContent = pointLines(plot, index, spec.format).join("; ");
    };
    // Only a keyboard's focus moves the cursor: a mouse's (its click focuses the chart too) leaves it on the point clicked.
    element.addEventListener("focus", () => { if (element.matches(":focus-visible")) moveTo(index ?? drawn.get(element.id).plot.data[0].length - 1); });
    element.addEventListener("blur", () => drawn.get(element.id)?.plot.setCursor({ left: -10, top: -10 }));
    element.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && index != null) { drawn.get(element.id).spec.onPick?.(index); return; }
      const step = { ArrowRight: 1, ArrowLeft: -1, ArrowUp: 1, ArrowDown: -1 }[event.key];
      const last = drawn.get(element.id).plot.data[0].length - 1;
      const to = step != null ? (index ?? last) + step : event.key === "Home" ? 0 : event.key === "End" ? last : null;
      if (to == null) return;
      event.preventDefault();
      moveTo(to);
    });
    return { reset: () => { index = null; } };
  }

  /** A click on the plot chooses the point under the cursor. */
  const picker = (onPick) => ({
    hooks: { init: (u) => { u.over.style.cursor = "pointer"; u.over.addEventListener("click", () => { if (u.cursor.idx != null) onPick(u.cursor.idx); }); } },
  });

  const keyboards = new Map(); // element id -> its keyboard: added once, kept across redraws

  /**
   * spec: { name, times: [ms], unit, format(value), series: [ { label, color, values, faint?, fill?, marks? } ], onPick?(index) }.
   * Gaps arrive as zeros from the API and are drawn as zeros, never joined over. A marks series is drawn as dots, no line,
   * where its value is not null. With onPick, a click on a point (or Enter on the keyboard's point) chooses it.
   */
  function draw(id, spec) {
    const element = document.getElementById(id);
    drawn.get(id)?.plot.destroy();
    const text = css("--text"), line = css("--line");
    const axis = { stroke: text, grid: { stroke: line, width: 1 }, ticks: { stroke: line, width: 1 } };
    const options = {
      width: Math.max(240, element.clientWidth),
      height: element.clientWidth < 480 ? 200 : 240,
      cursor: { points: { size: 6 } },
      legend: { live: true },
      // One point (a range of one hour) gets an hour of room either side, not uPlot's span of years.
      scales: { x: { time: true, range: (u, min, max) => (min === max ? [min - 3600, max + 3600] : [min, max]) }, y: { range: (u, min, max) => [0, max > 0 ? max * 1.1 : 1] } },
      axes: [
        { ...axis },
        { ...axis, size: 64, values: (u, splits) => splits.map((v) => spec.format(v)) },
      ],
      series: [{ label: "Time", value: (u, v) => (v == null ? "–" : stamp.format(new Date(v * 1000))) },
        ...spec.series.map((s) => ({
          label: s.label,
          stroke: css(s.color) || s.color,
          width: s.faint ? 1 : 2,
          dash: s.faint ? [4, 4] : undefined,
          fill: s.fill ? `${css(s.color)}22` : undefined,
          // Drawn opaque: the previous period's dashed line keeps its colour's 3:1 contrast (functions/dashboard/README.md).
          ...(s.marks ? { paths: () => null, points: { show: true, size: 11, width: 2, fill: css(s.color) } } : { points: { show: false } }),
          value: (u, v) => (v == null ? "–" : spec.format(v)),
        }))],
      plugins: [tooltip(spec.format), ...(spec.onPick ? [picker(spec.onPick)] : [])],
    };
    const data = [spec.times.map((t) => t / 1000), ...spec.series.map((s) => s.values)];
    const plot = new uPlot(options, data, element);
    if (!keyboards.has(id)) {
      const readout = document.createElement("p");
      readout.className = "readout";
      readout.setAttribute("aria-live", "polite");
      element.after(readout);
      element.setAttribute("role", "group");
      element.setAttribute("aria-label", `${spec.name} chart: the arrow keys read it point by point${spec.onPick ? ", Enter chooses one" : ""}`);
      keyboards.set(id, keyboard(element, readout));
    }
    // New data (another view) starts again from the latest point; the same data redrawn keeps the point.
    if (drawn.get(id)?.spec.times.length !== spec.times.length || drawn.get(id)?.spec.times[0] !== spec.times[0]) keyboards.get(id).reset();
    // What the chart shows, for tests and for a person inspecting the page: its points and the first series' total.
    element.dataset.points = String(spec.times.length);
    element.dataset.total = String(spec.series[0]?.values.reduce((a, b) => a + (b ?? 0), 0) ?? 0);
    drawn.set(id, { plot, spec });
  }

  const redrawAll = () => { for (const [id, { spec }] of drawn) draw(id, spec); };
  // Only a change of width redraws: tables growing below the charts change the body's height, not the charts.
  let pending, width = document.body.clientWidth;
  new ResizeObserver(() => {
    if (document.body.clientWidth === width) return;
    width = document.body.clientWidth;
    clearTimeout(pending);
    pending = setTimeout(redrawAll, 100);
  }).observe(document.body);
  matchMedia("(prefers-color-scheme: dark)").addEventListener("change", redrawAll);

  return { draw };
})();
