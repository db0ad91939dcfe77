"use strict";
// Reliability (GET /api/metrics/reliability): each hour's error rate and p95/p99, with the hours the API calls spikes
// marked on both charts and listed; choosing an hour (a click, Enter on a chart, or a listed spike) keeps the page to it.
window.MetricsReliability = (() => {
  const { percent, duration, localTime } = window.MetricsFormat;

  /** answer: the API's reliability answer; onPick(hourStartMs) keeps the page to that hour. */
  function show(answer, onPick) {
    const hours = answer.hours;
    const times = hours.map((h) => Date.parse(h.at));
    const spikeOf = (value) => hours.map((h) => (h.spike ? value(h) : null));
    const pick = (i) => onPick(times[i]);
    MetricsCharts.draw("chart-errors", { name: "Error rate per hour", times, format: (v) => percent.format(v), onPick: pick, series: [
      { label: "Error rate", color: "--c3", values: hours.map((h) => h.errorRate) },
      { label: "Spike", color: "--bad", marks: true, values: spikeOf((h) => h.errorRate) },
    ] });
    MetricsCharts.draw("chart-tail", { name: "Tail latency per hour", times, format: duration, onPick: pick, series: [
      { label: "p95", color: "--c1", values: hours.map((h) => h.p95Ms) },
      { label: "p99", color: "--c4", values: hours.map((h) => h.p99Ms) },
      { label: "Spike", color: "--bad", marks: true, values: spikeOf((h) => h.p99Ms) },
    ] });

    const spikes = hours.map((h, i) => ({ h, i })).filter(({ h }) => h.spike).map(({ h, i }) => {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = `Spike ${localTime.format(new Date(times[i]))}`;
      button.addEventListener("click", () => pick(i));
      item.append(button, `${percent.format(h.errorRate)} errors, p99 ${duration(h.p99Ms)}`);
      return item;
    });
    document.getElementById("spikes").replaceChildren(...spikes);
    document.getElementById("reliability-note").textContent = spikes.length === 0
      ? "(per hour; no hour departs from its trailing baseline; choose an hour to see only it)"
      : `(per hour; ${spikes.length} ${spikes.length === 1 ? "hour departs" : "hours depart"} from the trailing baseline, marked; choose an hour to see only it)`;
  }

  /** Why there is nothing to show, in the section's note. */
  function unavailable(text) {
    for (const id of ["chart-errors", "chart-tail", "spikes"]) document.getElementById(id).replaceChildren();
    document.getElementById("reliability-note").textContent = `(${text})`;
  }

  return { show, unavailable };
})();
