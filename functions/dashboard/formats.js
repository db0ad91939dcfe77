"use strict";
// How the dashboard writes numbers, durations and times, shared by its scripts (English number formats, local time).
window.MetricsFormat = (() => {
  const decimal = new Intl.NumberFormat("en", { maximumFractionDigits: 1 });
  return {
    count: new Intl.NumberFormat("en"),
    decimal,
    money: new Intl.NumberFormat("en", { minimumFractionDigits: 2, maximumFractionDigits: 2 }),
    percent: new Intl.NumberFormat("en", { style: "percent", maximumFractionDigits: 2 }),
    change: new Intl.NumberFormat("en", { style: "percent", maximumFractionDigits: 0, signDisplay: "exceptZero" }),
    localTime: new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" }),
    clock: new Intl.DateTimeFormat(undefined, { timeStyle: "medium" }),
    duration: (ms) => (ms >= 1000 ? `${decimal.format(ms / 1000)} s` : `${decimal.format(ms)} ms`),
  };
})();
