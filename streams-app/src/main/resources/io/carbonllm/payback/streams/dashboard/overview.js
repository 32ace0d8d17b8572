// The overview: every comparison (fetched in pages of 500), searched, sorted and paged in the browser, and kept
// current from GET /api/stream: a status event replaces the candidate's figures, an alert event opens or closes the
// alert. The winners (the verdicts) are read again, at most every 10 s, after changes.
"use strict";

(() => {
  const P = Payback;
  const PAGE = 50;
  const state = { items: new Map(), alerts: new Map(), page: 0, refreshTimer: null, lastRefresh: 0 };
  const $ = (id) => document.getElementById(id);

  async function loadAll() {
    const items = [];
    for (let offset = 0; ; offset += 500) {
      const page = await P.get("/api/comparisons?include=VERDICT&limit=500&offset=" + offset);
      items.push(...page.items);
      if (offset + page.items.length >= page.total || page.items.length === 0) {
        break;
      }
    }
    const alerts = await P.get("/api/alerts?state=FIRING");
    state.items = new Map(items.map((i) => [i.comparisonId, i]));
    state.alerts = new Map(alerts.items.map((a) => [alertKey(a), a]));
    state.lastRefresh = Date.now();
    render();
  }

  function alertKey(a) {
    return a.comparisonId + "/" + a.candidateId + "/" + a.rule;
  }

  async function start() {
    $("error").textContent = "";
    try {
      await loadAll();
    } catch (e) {
      if (e instanceof P.Unauthorized) {
        P.askForToken($("auth"), () => { $("auth").innerHTML = ""; start(); });
        return;
      }
      $("error").textContent = "Cannot read the comparisons: " + e.message + (e.retryAfter ? " (retrying in " + e.retryAfter + " s)" : "");
      setTimeout(start, Math.max(2, e.retryAfter || 5) * 1000);
      return;
    }
    if (!state.stream) {
      state.stream = P.follow("/api/stream", onEvent, (s, detail) => P.setLive($("live"), s, detail));
    }
  }

  function onEvent(name, data) {
    if (name === "hello" && !state.connected) {
      // The list was read before the stream opened: read it once more, for a change in between (a reconnect replays
      // from the last id instead, or says reset). Then body[data-synced] says the page follows the stream.
      state.connected = true;
      loadAll().then(() => { document.body.dataset.synced = "true"; },
        (e) => { $("error").textContent = "Cannot refresh: " + e.message; });
      return;
    }
    if (name === "status") {
      const item = state.items.get(data.comparisonId);
      if (!item) {
        scheduleRefresh(0); // a comparison this page has not seen yet
        return;
      }
      const i = item.candidates.findIndex((c) => c.candidateId === data.candidateId);
      if (i >= 0) {
        const c = item.candidates[i];
        item.candidates[i] = Object.assign({ candidateId: c.candidateId, modelId: c.modelId, kind: c.kind,
          openAlerts: c.openAlerts }, data);
        recompute(item);
      }
      scheduleRefresh(10000);
      render();
    } else if (name === "alert") {
      if (data.state === "FIRING") {
        state.alerts.set(alertKey(data), data);
      } else {
        state.alerts.delete(alertKey(data));
      }
      render();
    } else if (name === "status-removed" || name === "reset") {
      scheduleRefresh(0);
    }
  }

  /** The comparison's status is its most urgent candidate's, its ratio its best candidate's (as the API says). */
  function recompute(item) {
    let status = null;
    let best = null;
    for (const c of item.candidates) {
      if (c.status && (status === null || P.urgency(c.status) < P.urgency(status))) {
        status = c.status;
      }
      if (typeof c.paybackRatio === "number" && (best === null || c.paybackRatio > best)) {
        best = c.paybackRatio;
      }
    }
    item.status = status;
    item.paybackRatio = best;
  }

  function scheduleRefresh(minDelay) {
    if (state.refreshTimer) {
      return;
    }
    const wait = Math.max(minDelay, 10000 - (Date.now() - state.lastRefresh));
    state.refreshTimer = setTimeout(async () => {
      state.refreshTimer = null;
      try {
        await loadAll();
      } catch (e) {
        $("error").textContent = "Cannot refresh: " + e.message;
      }
    }, minDelay === 0 ? 0 : wait);
  }

  function alertsOf(comparisonId) {
    return [...state.alerts.values()].filter((a) => a.comparisonId === comparisonId);
  }

  function ratioIn(item, basis) {
    let best = null;
    for (const c of item.candidates) {
      const r = c.bases && c.bases[basis] ? c.bases[basis].paybackRatio : null;
      if (typeof r === "number" && (best === null || r > best)) {
        best = r;
      }
    }
    return best;
  }

  function visible() {
    const q = $("search").value.trim().toLowerCase();
    const filter = $("filter").value;
    const sort = $("sort").value;
    const basis = P.selectedBasis();
    let items = [...state.items.values()];
    if (q) {
      items = items.filter((i) => [i.comparisonId, i.useCase, i.baselineModel, ...i.candidates.flatMap((c) => [c.candidateId, c.modelId])]
        .some((s) => s && s.toLowerCase().includes(q)));
    }
    if (filter) {
      items = items.filter((i) => i.candidates.some((c) => c.status === filter));
    }
    const byId = (a, b) => a.comparisonId.localeCompare(b.comparisonId);
    const nullsLast = (x, y, cmp) => (x === null && y === null ? 0 : x === null ? 1 : y === null ? -1 : cmp(x, y));
    const comparators = {
      status: (a, b) => P.urgency(a.status) - P.urgency(b.status) || byId(a, b),
      "payback-asc": (a, b) => nullsLast(ratioIn(a, basis), ratioIn(b, basis), (x, y) => x - y) || byId(a, b),
      "payback-desc": (a, b) => nullsLast(ratioIn(a, basis), ratioIn(b, basis), (x, y) => y - x) || byId(a, b),
      alerts: (a, b) => alertsOf(b.comparisonId).length - alertsOf(a.comparisonId).length || byId(a, b),
      id: byId,
    };
    return items.sort(comparators[sort] || byId);
  }

  function winner(item) {
    const v = item.verdict;
    if (!v) {
      return P.el("span", { class: "small" }, "no verdict yet");
    }
    const node = P.el("div", { class: "winner", "data-winner": v.winner || "" });
    node.append(P.el("strong", {}, v.winner ? v.winnerLabel || v.winner : "No winner"));
    if (v.winner && typeof v.marginRelative === "number") {
      node.append(" by " + P.percent(v.marginRelative) + " less " + (P.BASES[v.basis] || P.BASES.ENERGY).words);
    }
    node.append(P.el("div", { class: "small" }, P.tierWord(v.weakestTier) + ", " + v.windows + (v.windows === 1 ? " window" : " windows")
      + ", energy " + P.coverage(v.lowestEnergyCoverage) + (v.provisional ? ", provisional" : "")));
    node.title = v.summary;
    return node;
  }

  function render() {
    const basis = P.selectedBasis();
    const table = $("comparisons");
    table.querySelectorAll("tbody").forEach((b) => b.remove());
    const items = visible();
    const pages = Math.max(1, Math.ceil(items.length / PAGE));
    state.page = Math.min(state.page, pages - 1);
    const shown = items.slice(state.page * PAGE, state.page * PAGE + PAGE);
    for (const item of shown) {
      const body = P.el("tbody", { class: "comparison", "data-comparison": item.comparisonId });
      const candidates = item.candidates.length ? item.candidates : [null];
      const open = alertsOf(item.comparisonId);
      candidates.forEach((c, index) => {
        const row = P.el("tr");
        if (index === 0) {
          const span = String(candidates.length);
          row.append(
            P.el("th", { scope: "rowgroup", rowspan: span },
              P.el("a", { href: "comparison.html?id=" + encodeURIComponent(item.comparisonId) }, item.comparisonId),
              P.el("div", { class: "small" }, "use case " + item.useCase + " \u00B7 baseline " + item.baselineModel
                + " \u00B7 driving basis " + (P.BASES[item.basis] || P.BASES.ENERGY).words)),
            P.el("td", { rowspan: span, class: "status" }, P.badge(item.status)),
            P.el("td", { rowspan: span }, winner(item)));
        }
        if (c === null) {
          row.append(P.el("td", { colspan: "3", class: "small" }, "no candidates"));
        } else {
          row.append(
            P.el("td", {}, c.candidateId, P.el("div", { class: "small" }, c.modelId + " \u00B7 " + (c.kind || "").toLowerCase()),
              P.el("div", {}, P.badge(c.status))),
            P.el("td", {}, P.paybackBar(c, basis)),
            P.el("td", {}, P.breakEven(c, basis, item.horizonEnd)));
        }
        if (index === 0) {
          const cell = P.el("td", { rowspan: String(candidates.length), class: "alerts", "data-open": String(open.length) });
          if (open.length === 0) {
            cell.append(P.el("span", { class: "small" }, "none"));
          } else {
            cell.append(P.el("span", { class: "badge alert" }, "\u26A0 " + open.length + " firing"));
            const list = P.el("ul", { class: "alerts" });
            open.forEach((a) => list.append(P.el("li", {}, a.candidateId + ": " + a.rule)));
            cell.append(list);
          }
          row.append(cell);
        }
        body.append(row);
      });
      table.append(body);
    }
    $("count").textContent = items.length + " of " + state.items.size + " comparisons";
    $("page").textContent = "page " + (state.page + 1) + " of " + pages;
    $("prev").disabled = state.page === 0;
    $("next").disabled = state.page >= pages - 1;
  }

  for (const id of ["search", "sort", "filter"]) {
    $(id).addEventListener("input", () => { state.page = 0; render(); });
  }
  document.querySelectorAll('input[name="basis"]').forEach((r) => r.addEventListener("change", render));
  $("prev").addEventListener("click", () => { state.page--; render(); });
  $("next").addEventListener("click", () => { state.page++; render(); });
  start();
})();
