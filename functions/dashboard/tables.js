"use strict";
// Sortable, searchable tables showing the top 10 rows until "Show all". Values are ingested data (endpoints, user ids),
// so they are only ever set as text, never as markup.
window.MetricsTables = (() => {
  const TOP = 10;
  const states = new Map(); // container id -> { sort, descending, search, all }: kept while the data is refreshed

  /**
   * columns: [ { title, value(row) (what sorts), text(row) (what shows), numeric } ]; the first column is the row's name.
   * options: { empty, defaultSort, onPick(row) (a row that filters the page when chosen), canPick(row) (whether this row can; default
   * every row), label }.
   */
  function render(id, columns, rows, options) {
    const container = document.getElementById(id);
    const state = states.get(id) ?? { sort: options.defaultSort ?? 1, descending: true, search: "", all: false };
    states.set(id, state);

    const search = document.createElement("input");
    search.type = "search";
    search.placeholder = `Search ${options.label}`;
    search.setAttribute("aria-label", `Search ${options.label}`);
    search.value = state.search;
    const count = document.createElement("span");
    count.className = "empty";
    const tools = document.createElement("div");
    tools.className = "tools";
    tools.append(search, count);

    const table = document.createElement("table");
    const scroll = document.createElement("div");
    scroll.className = "scroll";
    scroll.append(table);
    const more = document.createElement("button");
    more.type = "button";
    more.className = "more";

    function fill() {
      const needle = state.search.trim().toLowerCase();
      const column = columns[state.sort];
      const matching = rows.filter((r) => !needle || columns[0].text(r).toLowerCase().includes(needle));
      const sign = state.descending ? -1 : 1;
      matching.sort((a, b) => {
        const x = column.value(a), y = column.value(b);
        return sign * (typeof x === "number" ? x - y : String(x).localeCompare(String(y)));
      });
      const shown = state.all ? matching : matching.slice(0, TOP);

      const head = document.createElement("tr");
      columns.forEach((c, i) => {
        const th = document.createElement("th");
        th.scope = "col";
        if (c.numeric === false) th.className = "text";
        if (i === state.sort) th.setAttribute("aria-sort", state.descending ? "descending" : "ascending");
        const button = document.createElement("button");
        button.type = "button";
        button.textContent = c.title;
        button.addEventListener("click", () => {
          state.descending = state.sort === i ? !state.descending : c.numeric !== false;
          state.sort = i;
          fill();
          table.querySelectorAll("th button")[i].focus();
        });
        th.append(button);
        head.append(th);
      });
      table.replaceChildren(head);
      if (shown.length === 0) {
        const row = table.insertRow();
        const cell = row.insertCell();
        cell.colSpan = columns.length;
        cell.className = "empty";
        cell.textContent = needle ? `Nothing matches “${state.search.trim()}”.` : options.empty;
      }
      for (const item of shown) {
        const row = table.insertRow();
        columns.forEach((c, i) => {
          const cell = row.insertCell();
          if (c.numeric === false) cell.className = "text";
          if (i === 0 && options.onPick && (options.canPick?.(item) ?? true)) {
            const pick = document.createElement("button");
            pick.type = "button";
            pick.className = "filter";
            pick.title = "Filter the page by this";
            pick.textContent = c.text(item);
            pick.addEventListener("click", () => options.onPick(item));
            cell.append(pick);
          } else cell.textContent = c.text(item);
        });
      }
      count.textContent = matching.length > shown.length ? `top ${shown.length} of ${matching.length}` : `${matching.length} rows`;
      more.hidden = matching.length <= TOP;
      more.textContent = state.all ? "Show top 10" : `Show all ${matching.length}`;
    }

    search.addEventListener("input", () => { state.search = search.value; fill(); });
    more.addEventListener("click", () => { state.all = !state.all; fill(); });
    fill();
    container.replaceChildren(tools, scroll, more);
  }

  return { render };
})();
