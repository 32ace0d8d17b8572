// The detail page of one comparison: the verdict sentence, each candidate's ledger in the chosen basis, and charts
// over its windows (uPlot). It follows GET /api/stream?comparisonId=... and reads the comparison again on each change.
"use strict";

(() => {
  const P = Payback;
  const id = new URLSearchParams(location.search).get("id");
  const $ = (x) => document.getElementById(x);
  /** How many of the latest windows the charts hold: 3,000 (50 h of 1-minute windows), or ?windows=N (1 to 10,000). */
  const MAX_WINDOWS = Math.min(10000, Math.max(1, parseInt(new URLSearchParams(location.search).get("windows"), 10) || 3000));
  /** Line styles: a dash pattern per series as well as a colour, so series differ without colour. */
  const STYLES = [
    { stroke: "#1a1a1a", dash: [] },
    { stroke: "#0a58a8", dash: [8, 4] },
    { stroke: "#b3261e", dash: [2, 3] },
    { stroke: "#1e7a3c", dash: [12, 4, 2, 4] },
    { stroke: "#6b3fa0", dash: [4, 4] },
  ];
  const state = { detail: null, windows: [], truncated: false, charts: {}, reloadTimer: null, historyTimer: null };
  window.paybackCharts = state.charts; // for the browser test, and for a curious reader in the console

  if (!id) {
    $("error").textContent = "No comparison id in the address (comparison.html?id=...).";
    return;
  }
  document.title = id + " \u00B7 carbon-llm payback tracker";
  $("title").textContent = "Comparison " + id;

  /**
   * Reads the comparison, and its windows: the newest MAX_WINDOWS at first, then only from a few windows before the
   * last one held (windows still open are revised; closed ones never change).
   */
  async function load() {
    const detail = await P.get("/api/comparisons/" + encodeURIComponent(id));
    const base = "/api/comparisons/" + encodeURIComponent(id) + "/windows";
    let windows;
    if (state.windows.length < 3) {
      const first = await P.get(base + "?newest=true&limit=" + MAX_WINDOWS);
      windows = first.windows;
      state.truncated = first.truncated;
    } else {
      const from = state.windows[state.windows.length - 3].windowStart;
      const recent = await P.get(base + "?newest=true&limit=" + MAX_WINDOWS + "&from=" + encodeURIComponent(from));
      windows = state.windows.filter((w) => w.windowStart < from).concat(recent.windows);
    }
    state.detail = detail;
    // Older windows than those held exist: the cumulative saving starts from the ledger's, not from zero
    state.truncated = state.truncated || windows.length > MAX_WINDOWS;
    state.windows = windows.slice(-MAX_WINDOWS);
    render();
  }

  async function start() {
    $("error").textContent = "";
    try {
      await load();
    } catch (e) {
      if (e instanceof P.Unauthorized) {
        P.askForToken($("auth"), () => { $("auth").innerHTML = ""; start(); });
        return;
      }
      $("error").textContent = "Cannot read comparison " + id + ": " + e.message;
      if (e.status !== 404) {
        setTimeout(start, Math.max(2, e.retryAfter || 5) * 1000);
      }
      return;
    }
    if (!state.stream) {
      state.stream = P.follow("/api/stream?comparisonId=" + encodeURIComponent(id), onEvent,
        (s, detail) => P.setLive($("live"), s, detail));
    }
  }

  function onEvent(name) {
    if (name === "hello") {
      if (!state.connected) {
        // The page was read before the stream opened: read it once more, for a change in between. Then
        // body[data-synced] says the page follows the stream. (A reconnect replays from the last id, or says reset.)
        state.connected = true;
        load().then(() => { document.body.dataset.synced = "true"; },
          (e) => { $("error").textContent = "Cannot refresh: " + e.message; });
      }
      return;
    }
    if (name === "reset") {
      state.windows = []; // changes were missed: read every window again
    }
    if (state.reloadTimer) {
      return;
    }
    state.reloadTimer = setTimeout(async () => {
      state.reloadTimer = null;
      try {
        await load();
      } catch (e) {
        $("error").textContent = "Cannot refresh: " + e.message;
      }
    }, 300);
  }

  function render() {
    const d = state.detail;
    const basis = P.selectedBasis();
    const def = d.definition;
    renderVerdict(d.verdict);
    const horizon = def.horizonEnd ? "horizon end " + P.date(def.horizonEnd) : "no horizon end";
    const tasks = def.horizonSuccessfulTasks ? ", or " + P.num(def.horizonSuccessfulTasks) + " successful tasks" : "";
    const bar = [];
    if (def.minSuccessRate !== null && def.minSuccessRate !== undefined) {
      bar.push("success rate at least " + P.percent(def.minSuccessRate));
    }
    if (def.maxSuccessRateDrop !== null && def.maxSuccessRateDrop !== undefined) {
      bar.push("at most " + P.percent(def.maxSuccessRateDrop) + " below the baseline's");
    }
    $("definition").textContent = "Use case " + def.useCase + " \u00B7 baseline " + def.baselineModel + " \u00B7 driving basis "
      + (P.BASES[def.basis] || P.BASES.ENERGY).words + " \u00B7 " + horizon + tasks + " \u00B7 quality bar: "
      + (bar.length ? bar.join(", ") : "none") + " \u00B7 alerts fire after " + def.fireAfterWindows
      + " closed windows, resolve after " + def.resolveAfterWindows;
    renderCandidates(d, basis);
    renderCharts(d, basis);
  }

  function renderVerdict(v) {
    if (!v) {
      $("verdict").textContent = "No verdict yet.";
      return;
    }
    $("verdict").textContent = v.summary;
    $("verdict").dataset.winner = v.winner || "";
    const basis = v.basis;
    const parts = ["in " + (P.BASES[basis] || P.BASES.ENERGY).words + " (" + (P.BASES[basis] || P.BASES.ENERGY).unit + ")",
      "weakest evidence: " + P.tierWord(v.weakestTier),
      "lowest energy " + P.coverage(v.lowestEnergyCoverage),
      v.windows.count + " closed windows" + (v.windows.from ? " from " + P.date(v.windows.from) + " to " + P.date(v.windows.to) : "")];
    if (v.provisional && v.provisionalReasons.length) {
      parts.push("provisional: " + v.provisionalReasons.join("; "));
    }
    $("verdict-detail").textContent = "Verdict " + parts.join(" \u00B7 ");
    const table = P.el("table", { class: "variants" },
      P.el("caption", { class: "sr-only" }, "The verdict per variant"),
      P.el("thead", {}, P.el("tr", {}, ...["Variant", "One-off footprint", "Per successful task", "Projected inference to horizon",
        "Total", "Evidence", "Quality"].map((h) => P.el("th", { scope: "col" }, h)))));
    const body = P.el("tbody");
    for (const variant of v.variants) {
      body.append(P.el("tr", { "data-variant": variant.id },
        P.el("th", { scope: "row" }, variant.label + (variant.id === v.winner ? " (winner)" : "")),
        P.el("td", { class: "num" }, P.amount(variant.footprint, basis) + (variant.footprintComplete ? "" : " (incomplete)")),
        P.el("td", { class: "num" }, variant.perSuccessfulTask === null ? "\u2013" : P.num(variant.perSuccessfulTask) + " " + v.unit),
        P.el("td", { class: "num" }, P.amount(variant.projectedInference, basis)),
        P.el("td", { class: "num" }, P.amount(variant.total, basis)),
        P.el("td", {}, P.tierWord(variant.tier) + ", " + P.coverage(variant.energyCoverage)),
        P.el("td", {}, variant.meetsQualityBar === false ? "below the bar" : variant.meetsQualityBar === true ? "meets the bar"
          : (variant.qualityNote || "no bar"))));
    }
    table.append(body);
    const old = document.querySelector("table.variants");
    if (old) {
      old.replaceWith(table);
    } else {
      $("verdict-detail").after(table);
    }
  }

  function summaryOf(ledger, candidate) {
    // The detail's ledger is the whole PaybackStatus: put it in the list's shape for the shared bar
    return Object.assign({}, ledger, { candidateId: candidate.candidateId,
      bases: { ENERGY: ledger.energy, CO2E_LOCATION: ledger.co2eLocation, CO2E_MARKET: ledger.co2eMarket } });
  }

  function renderCandidates(d, basis) {
    const container = $("candidates");
    container.innerHTML = "";
    for (const c of d.candidates) {
      const card = P.el("section", { class: "card", "data-candidate": c.candidateId, "aria-labelledby": "cand-" + c.candidateId });
      card.append(P.el("h3", { id: "cand-" + c.candidateId }, c.candidateId + " ",
        P.el("span", { class: "small" }, c.modelId + " \u00B7 " + (c.kind || "").toLowerCase())));
      const ledger = c.ledger;
      if (!ledger) {
        card.append(P.badge(null), P.el("p", { class: "small" }, "No ledger yet: no window of this candidate has been compared."));
        container.append(card);
        continue;
      }
      const s = summaryOf(ledger, c);
      card.append(P.badge(ledger.status), P.paybackBar(s, basis), P.breakEven(s, basis, ledger.horizonEnd));
      // Each column's evidence in its header, the same in every basis: the saving's tier and energy coverage, the
      // footprint's tier, and all of them for the ratio
      const header = (h, part) => P.el("th", { scope: "col" }, h, part ? P.el("div", { class: "small evidence" },
        P.evidence(s, part)) : null);
      const table = P.el("table", { class: "ledger" }, P.el("thead", {}, P.el("tr", {}, header("Basis"),
        header("Saved", "saving"), header("One-off", "footprint"), header("Ratio", "both"), header("Status"))));
      const body = P.el("tbody");
      for (const [key, figures] of Object.entries(s.bases)) {
        body.append(P.el("tr", { "data-basis": key }, P.el("th", { scope: "row" }, P.BASES[key].words),
          P.el("td", { class: "num" }, figures ? P.amount(figures.saved, key) : "\u2013"),
          P.el("td", { class: "num" }, figures ? P.amount(figures.footprint, key) : "\u2013"),
          P.el("td", { class: "num" }, figures ? P.percent(figures.paybackRatio) : "\u2013"),
          P.el("td", {}, figures ? P.STATUS[figures.status] ? P.STATUS[figures.status].text : figures.status : "\u2013")));
      }
      table.append(body);
      card.append(table);
      const notes = [P.num(ledger.successfulTasks) + " successful tasks in " + ledger.windowsCounted + " windows",
        "closed through " + P.date(ledger.closedThrough)];
      if (ledger.unpricedSuccessfulTasks) {
        notes.push(P.num(ledger.unpricedSuccessfulTasks) + " successful tasks in unpriced windows (not counted)");
      }
      if (ledger.runIdsMissing && ledger.runIdsMissing.length) {
        notes.push("runs missing: " + ledger.runIdsMissing.join(", "));
      }
      if (ledger.marketFallback) {
        notes.push("some market-based figures fell back to location-based ones");
      }
      if (ledger.qualityNote) {
        notes.push(ledger.qualityNote);
      }
      card.append(P.el("p", { class: "small" }, notes.join(" \u00B7 ")));
      const open = d.openAlerts.filter((a) => a.candidateId === c.candidateId);
      if (open.length) {
        const list = P.el("ul", { class: "alerts" });
        open.forEach((a) => list.append(P.el("li", {}, P.el("span", { class: "badge alert" }, "\u26A0 " + a.rule + " firing"), " " + a.message)));
        card.append(list);
      }
      container.append(card);
    }
  }

  // Charts

  function seconds(iso) {
    return Math.round(new Date(iso).getTime() / 1000);
  }

  function weakest(tiers) {
    const order = ["ESTIMATED", "BENCHMARKED", "METERED"];
    let w = null;
    for (const t of tiers) {
      if (t && (w === null || order.indexOf(t) < order.indexOf(w))) {
        w = t;
      }
    }
    return w;
  }

  function minimum(values) {
    const v = values.filter((x) => typeof x === "number");
    return v.length ? Math.min(...v) : null;
  }

  /** Per variant: label, and a function from a window to its VariantWindow (or null). */
  function variants(d) {
    const list = [{ id: "baseline", label: "baseline " + d.definition.baselineModel, of: (w) => w.baseline }];
    for (const c of d.definition.candidates) {
      list.push({ id: c.candidateId, label: c.candidateId + " " + c.modelId, of: (w) => {
        const cw = w.candidates.find((x) => x.candidateId === c.candidateId);
        return cw ? cw.window : null;
      } });
    }
    return list;
  }

  function evidence(d, field) {
    const parts = variants(d).map((v) => {
      const own = state.windows.map(v.of).filter((x) => x);
      return v.id + ": " + (field === "energy" ? P.tierWord(weakest(own.map((x) => x.energyTier))) + ", "
        + P.coverage(minimum(own.map((x) => x.energyCoverage))) : own.length + " windows");
    });
    return parts.join(" \u00B7 ");
  }

  function renderCharts(d, basis) {
    const xs = state.windows.map((w) => seconds(w.windowStart));
    const vs = variants(d);
    const series = (pick) => vs.map((v) => state.windows.map((w) => {
      const x = v.of(w);
      const value = x ? pick(x) : null;
      return value === undefined ? null : value;
    }));
    chart("tokens", "tokens", xs, vs.map((v) => v.label), series((x) => x.tokensPerSuccessfulTask), (v) => P.num(v),
      "Input and output tokens of all requests (failed ones too) per successful task. Requests: " + evidence(d, "count") + ".");
    chart("wh", "Wh", xs, vs.map((v) => v.label), series((x) => x.whPerSuccessfulTask), (v) => P.num(v) + " Wh",
      "Facility energy (PUE included) per successful task. Evidence and lowest coverage: " + evidence(d, "energy") + ".");
    const success = series((x) => (x.successRate === null ? null : x.successRate * 100));
    const labels = vs.map((v) => v.label);
    if (d.definition.minSuccessRate !== null && d.definition.minSuccessRate !== undefined) {
      success.push(xs.map(() => d.definition.minSuccessRate * 100));
      labels.push("quality bar");
    }
    chart("success", "%", xs, labels, success, (v) => P.num(v) + "%", "Successful tasks / tasks, per window.");
    savingChart(d, basis, xs);
    alertChart(d, xs);
  }

  function savingChart(d, basis, xs) {
    const b = P.BASES[basis];
    const field = { ENERGY: "savingWh", CO2E_LOCATION: "savingGCo2eLocation", CO2E_MARKET: "savingGCo2eMarket" }[basis];
    const ledgerField = { ENERGY: "energy", CO2E_LOCATION: "co2eLocation", CO2E_MARKET: "co2eMarket" }[basis];
    const labels = [];
    const data = [];
    const notes = [];
    for (const c of d.candidates) {
      const epoch = c.ledger && c.ledger.epochStart ? new Date(c.ledger.epochStart).getTime() : 0;
      const counts = (w, cw) => cw && cw.priced && typeof cw[field] === "number"
        && new Date(w.windowStart).getTime() >= epoch;
      const ledgerSaved = c.ledger && c.ledger[ledgerField] ? c.ledger[ledgerField].saved : null;
      // Windows older than those shown: start from what they saved, the ledger's total (its closed windows and its
      // open ones as last revised) less the windows shown
      let sum = 0;
      if (state.truncated && ledgerSaved !== null) {
        sum = ledgerSaved;
        for (const w of state.windows) {
          const cw = w.candidates.find((x) => x.candidateId === c.candidateId);
          if (counts(w, cw)) {
            sum -= cw[field];
          }
        }
        notes.push(c.candidateId + " starts at " + P.amount(sum, basis) + ", saved in the windows before those shown");
      }
      let any = false;
      const tiers = [];
      data.push(state.windows.map((w) => {
        const cw = w.candidates.find((x) => x.candidateId === c.candidateId);
        if (counts(w, cw)) {
          sum += cw[field];
          any = true;
          tiers.push(cw.savingTier);
        }
        return any ? sum * b.scale : null;
      }));
      labels.push(c.candidateId + " saved");
      const footprint = c.ledger && c.ledger[ledgerField] ? c.ledger[ledgerField].footprint : null;
      data.push(xs.map(() => (footprint === null ? null : footprint * b.scale)));
      labels.push(c.candidateId + " one-off footprint");
      notes.push(c.candidateId + ": saving " + P.tierWord(weakest(tiers)) + ", footprint "
        + P.tierWord(c.ledger ? c.ledger.footprintTier : null) + ", energy "
        + P.coverage(c.ledger ? c.ledger.energyCoverage : null) + ", ledger total " + (c.ledger && c.ledger[ledgerField]
          ? P.amount(c.ledger[ledgerField].saved, basis) : "\u2013"));
    }
    chart("saving", b.unit, xs, labels, data, (v) => P.num(v) + " " + b.unit,
      "In " + b.words + ": the running sum of the priced windows shown (this epoch), against each candidate's one-off "
      + "footprint (flat). " + notes.join(" \u00B7 ") + ".", true);
  }

  /** What the API says is missing from the alert history, in words; null when it holds every transition. */
  const HISTORY_GAPS = {
    TRUNCATED: "Incomplete: over 200 transitions, only the latest 200 are held.",
    EVICTED: "Incomplete: this instance dropped this comparison's older transitions (it holds the timelines of at most "
      + "10,000 comparisons).",
  };

  function alertChart(d, xs) {
    const figure = $("chart-alerts");
    const gap = d.alertHistoryComplete === false ? (d.alertHistoryIncompleteReason || "INCOMPLETE") : null;
    figure.dataset.history = gap ? gap.toLowerCase() : "complete";
    if (gap === "LOADING") {
      // The instance is still reading payback-alerts since it started: an empty timeline would say "no alert" when it
      // does not know yet. Say so, and read again shortly (no stream event comes when the reading is done)
      if (state.charts.alerts) {
        state.charts.alerts.destroy();
        delete state.charts.alerts;
      }
      figure.querySelectorAll(".uplot, figcaption, details, p.pending").forEach((n) => n.remove());
      figure.append(P.el("p", { class: "pending small", role: "status" }, "Loading the alert timeline: this instance is "
        + "still reading the alert transitions since it started. " + (d.openAlerts.length ? d.openAlerts.length
        + " alert" + (d.openAlerts.length === 1 ? " is" : "s are") + " firing now (on the cards above)." : "No alert is firing now.")));
      if (!state.historyTimer) {
        state.historyTimer = setTimeout(() => {
          state.historyTimer = null;
          load().catch((e) => { $("error").textContent = "Cannot refresh: " + e.message; });
        }, 3000);
      }
      return;
    }
    // Transitions read back from payback-alerts, paired into spells of firing; the firing ones (which the history may
    // predate) are spells still open
    const transitions = d.alertHistory.slice();
    const spells = P.alertSpells(transitions, d.openAlerts);
    for (const a of d.openAlerts) {
      if (!transitions.some((t) => t.candidateId === a.candidateId && t.rule === a.rule && t.firedAt === a.firedAt)) {
        transitions.push(a);
      }
    }
    const keys = [...new Set(spells.map((t) => t.candidateId + " " + t.rule))].sort();
    const end = xs.length ? xs[xs.length - 1] + 60 : Math.round(Date.now() / 1000);
    const times = new Set(xs);
    spells.forEach((t) => {
      times.add(seconds(t.firedAt));
      if (t.resolvedAt) {
        times.add(seconds(t.resolvedAt));
      }
    });
    times.add(end);
    const ts = [...times].sort((a, b) => a - b);
    const data = keys.map((key, lane) => {
      const mine = spells.filter((t) => t.candidateId + " " + t.rule === key);
      return ts.map((x) => {
        const firing = mine.some((t) => seconds(t.firedAt) <= x && (!t.resolvedAt || x < seconds(t.resolvedAt)));
        return lane * 2 + (firing ? 1 : 0);
      });
    });
    const rows = transitions.slice().sort((a, b) => (a.resolvedAt || a.firedAt).localeCompare(b.resolvedAt || b.firedAt))
      .map((t) => [P.date(t.resolvedAt || t.firedAt), t.candidateId, t.rule, t.state === "FIRING" ? "\u26A0 firing" : "\u2714 resolved", t.message]);
    const incomplete = gap ? (HISTORY_GAPS[gap] || "Incomplete: some transitions are not held.") + " " : "";
    chart("alerts", "", ts, keys.map((k) => k + " (high: firing)"), data, (v) => (v % 2 === 1 ? "firing" : "not firing"),
      incomplete + (keys.length ? "Each line is one alert: up while it fires, down once resolved (event time)."
        : (gap ? "No alert transition held." : "No alert transition on payback-alerts.")), false, { stepped: true, rows, lanes: Math.max(1, keys.length) });
  }

  /** One uPlot chart in figure#chart-{name}, with its caption and its data as a table. */
  function chart(name, unit, xs, labels, data, format, caption, dashedPairs, extra) {
    const figure = $("chart-" + name);
    const width = Math.max(300, figure.clientWidth - 24);
    const opts = {
      width, height: 220,
      scales: { x: { time: true } },
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"), // the axis in UTC, as labelled
      axes: [{ label: "window start (UTC)" }, extra && extra.lanes
        // One lane per alert, two levels each: say what a level means, not a number
        ? { label: "", size: 60, splits: () => [...Array(extra.lanes * 2).keys()],
          values: (u, splits) => splits.map((v) => (v % 2 === 1 ? "firing" : "off")) }
        : { label: unit, size: 60 }],
      legend: { live: true },
      series: [{ label: "time", value: (u, v) => (v === null ? "\u2013" : P.date(new Date(v * 1000).toISOString())) }]
        .concat(labels.map((label, i) => {
          const style = STYLES[(dashedPairs ? Math.floor(i / 2) + 1 : i) % STYLES.length];
          const footprintLine = dashedPairs && i % 2 === 1;
          return {
            label, stroke: style.stroke, width: footprintLine ? 1.5 : 2, dash: footprintLine ? [3, 3] : style.dash,
            value: (u, v) => (v === null || v === undefined ? "\u2013" : format(v)),
            points: { show: xs.length < 60 },
            paths: extra && extra.stepped ? uPlot.paths.stepped({ align: 1 }) : undefined,
          };
        })),
    };
    const plotData = [xs].concat(data);
    if (state.charts[name]) {
      state.charts[name].destroy();
    }
    figure.querySelectorAll(".uplot, figcaption, details, p.pending").forEach((n) => n.remove());
    state.charts[name] = new uPlot(opts, plotData, figure);
    figure.dataset.points = String(xs.length);
    figure.append(P.el("figcaption", {}, caption));
    const details = P.el("details", {}, P.el("summary", {}, "Data (" + (extra && extra.rows ? extra.rows.length : xs.length) + " rows)"));
    const table = P.el("table", { class: "data", "data-chart": name });
    if (extra && extra.rows) {
      table.append(P.el("tr", {}, ...["at (event time)", "candidate", "rule", "transition", "message"].map((h) => P.el("th", { scope: "col" }, h))));
      extra.rows.forEach((r) => table.append(P.el("tr", {}, ...r.map((c) => P.el("td", {}, c)))));
    } else {
      table.append(P.el("tr", {}, P.el("th", { scope: "col" }, "window start"), ...labels.map((l) => P.el("th", { scope: "col" }, l + (unit ? " (" + unit + ")" : "")))));
      xs.forEach((x, i) => table.append(P.el("tr", {}, P.el("td", {}, P.date(new Date(x * 1000).toISOString())),
        ...data.map((s) => P.el("td", { class: "num" }, s[i] === null || s[i] === undefined ? "\u2013" : P.num(s[i]))))));
    }
    details.append(table);
    figure.append(details);
  }

  document.querySelectorAll('input[name="basis"]').forEach((r) => r.addEventListener("change", () => {
    if (state.detail) {
      render();
    }
  }));
  start();
})();
