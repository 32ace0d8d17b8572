// Shared by the overview and the detail page: the API (with a bearer token when reads need one), the live stream,
// and how figures are written (always with their unit and evidence).
"use strict";

const Payback = (() => {
  const TOKEN_KEY = "payback.token";

  /** The three bases: the API's amounts are Wh and gCO2e; the dashboard shows kWh and kg. */
  const BASES = {
    ENERGY: { label: "Energy", unit: "kWh", apiUnit: "Wh", scale: 1 / 1000, words: "energy" },
    CO2E_LOCATION: { label: "Location-based CO2e", unit: "kg CO2e", apiUnit: "gCO2e", scale: 1 / 1000, words: "location-based CO2e" },
    CO2E_MARKET: { label: "Market-based CO2e", unit: "kg CO2e", apiUnit: "gCO2e", scale: 1 / 1000, words: "market-based CO2e" },
  };

  /** Status words and symbols: the badge never relies on its colour. */
  const STATUS = {
    NOT_SAVING: { text: "Not saving", symbol: "\u2716" },
    WONT_PAY_BACK_IN_HORIZON: { text: "Won't pay back in horizon", symbol: "\u2716" },
    INSUFFICIENT_DATA: { text: "Insufficient data", symbol: "?" },
    PAYING_BACK: { text: "Paying back", symbol: "\u25B6" },
    PAID_BACK: { text: "Paid back", symbol: "\u2714" },
    NONE: { text: "No ledger yet", symbol: "\u2013" },
  };
  const URGENCY = ["NOT_SAVING", "WONT_PAY_BACK_IN_HORIZON", "INSUFFICIENT_DATA", "PAYING_BACK", "PAID_BACK"];

  class Unauthorized extends Error {}

  function token() {
    return sessionStorage.getItem(TOKEN_KEY);
  }

  function headers(extra) {
    const h = Object.assign({ Accept: "application/json" }, extra || {});
    const t = token();
    if (t) {
      h.Authorization = "Bearer " + t;
    }
    return h;
  }

  /** GET a JSON path of the API; throws Unauthorized on 401, an Error with the API's message otherwise. */
  async function get(path) {
    const res = await fetch(path, { headers: headers(), cache: "no-store" });
    if (res.status === 401) {
      throw new Unauthorized("this API needs a read token");
    }
    const body = await res.json().catch(() => null);
    if (!res.ok) {
      const message = body && body.error ? body.error.message : "HTTP " + res.status;
      const err = new Error(message);
      err.status = res.status;
      err.retryAfter = Number(res.headers.get("Retry-After") || 0);
      throw err;
    }
    return body;
  }

  /** Asks for a token in a form inside {@code container}, then calls {@code done}. */
  function askForToken(container, done) {
    container.innerHTML = "";
    const form = document.createElement("form");
    form.className = "token";
    form.innerHTML = '<p><strong>This API needs a read token.</strong> It is kept in this tab only (session storage).</p>'
      + '<label for="token-input">Bearer token</label> <input id="token-input" type="password" autocomplete="off" required> '
      + '<button class="action" type="submit">Use token</button>';
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      sessionStorage.setItem(TOKEN_KEY, form.querySelector("input").value.trim());
      done();
    });
    container.appendChild(form);
    form.querySelector("input").focus();
  }

  /**
   * Follows GET /api/stream (Server-Sent Events) with fetch, so that a token can be sent; reconnects with the
   * Last-Event-ID it last saw, waiting longer each time up to 15 s. onEvent(name, data, id); onState("live" |
   * "reconnecting", detail).
   */
  function follow(path, onEvent, onState) {
    let lastId = null;
    let backoff = 1000;
    let stopped = false;
    const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
    async function once() {
      const extra = { Accept: "text/event-stream" };
      if (lastId) {
        extra["Last-Event-ID"] = lastId;
      }
      const res = await fetch(path, { headers: headers(extra), cache: "no-store" });
      if (!res.ok) {
        throw new Error("stream: HTTP " + res.status);
      }
      onState("live", "");
      backoff = 1000;
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done || stopped) {
          return;
        }
        buffer += value;
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let event = "message";
          let data = null;
          for (const line of block.split("\n")) {
            if (line.startsWith(":")) {
              continue;
            }
            const colon = line.indexOf(":");
            const field = colon < 0 ? line : line.slice(0, colon);
            const val = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
            if (field === "id") {
              lastId = val;
            } else if (field === "event") {
              event = val;
            } else if (field === "data") {
              data = data === null ? val : data + "\n" + val;
            }
          }
          if (data !== null) {
            try {
              onEvent(event, JSON.parse(data), lastId);
            } catch (e) {
              console.error("live event", event, e);
            }
          }
        }
      }
    }
    (async () => {
      while (!stopped) {
        try {
          await once();
        } catch (e) {
          onState("reconnecting", e.message);
        }
        if (!stopped) {
          onState("reconnecting", "reconnecting in " + Math.round(backoff / 1000) + " s");
          await sleep(backoff);
          backoff = Math.min(backoff * 2, 15000);
        }
      }
    })();
    return { stop: () => { stopped = true; } };
  }

  // Writing figures

  /** 3 significant digits, never in exponent form. */
  function num(x, digits) {
    if (x === null || x === undefined || !isFinite(x)) {
      return "\u2013";
    }
    const d = digits || 3;
    if (x === 0) {
      return "0";
    }
    const magnitude = Math.floor(Math.log10(Math.abs(x)));
    const decimals = Math.max(0, Math.min(8, d - 1 - magnitude));
    return x.toLocaleString("en-US", { minimumFractionDigits: 0, maximumFractionDigits: decimals });
  }

  /** An API amount (Wh or gCO2e) in the dashboard's unit for {@code basis}, unit included. */
  function amount(value, basis) {
    const b = BASES[basis] || BASES.ENERGY;
    return value === null || value === undefined ? "\u2013 " + b.unit : num(value * b.scale) + " " + b.unit;
  }

  /** One decimal; two near 100%, so that a ratio just short of 1 never reads as paid back. */
  function percent(ratio) {
    if (ratio === null || ratio === undefined || !isFinite(ratio)) {
      return "\u2013";
    }
    const p = Math.round(ratio * 1000) / 10;
    if (p === 100 && ratio !== 1) {
      return (ratio < 1 ? Math.floor(ratio * 10000) : Math.ceil(ratio * 10000)) / 100 + "%";
    }
    return p + "%";
  }

  function tierWord(tier) {
    return tier ? tier.toLowerCase() : "no evidence";
  }

  function coverage(c) {
    return c === null || c === undefined ? "coverage \u2013" : "coverage " + Math.round(c * 100) + "%";
  }

  /**
   * The evidence of a candidate's ledger figures, in words: the saving's tier with the energy coverage of the windows
   * it rests on, the one-off footprint's tier, or (part "both": a ratio, a projection) all three.
   */
  function evidence(candidate, part) {
    const saving = "saving " + tierWord(candidate.savingTier);
    const footprint = "one-off " + tierWord(candidate.footprintTier);
    const energy = "energy " + coverage(candidate.energyCoverage);
    return part === "saving" ? saving + " \u00B7 " + energy : part === "footprint" ? footprint
      : saving + " \u00B7 " + footprint + " \u00B7 " + energy;
  }

  function date(iso) {
    if (!iso) {
      return "\u2013";
    }
    const d = new Date(iso);
    return d.toISOString().replace("T", " ").replace(/:\d\d\.\d+Z$/, " UTC").replace(/:\d\dZ$/, " UTC");
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined) {
        continue;
      }
      if (k === "class") {
        node.className = v;
      } else if (k === "text") {
        node.textContent = v;
      } else {
        node.setAttribute(k, v);
      }
    }
    for (const c of children) {
      if (c !== null && c !== undefined) {
        node.append(c instanceof Node ? c : String(c));
      }
    }
    return node;
  }

  function badge(status) {
    const key = status || "NONE";
    const s = STATUS[key] || { text: key, symbol: "" };
    return el("span", { class: "badge", "data-status": key, title: key }, s.symbol + " " + s.text);
  }

  /**
   * A candidate's payback bar in {@code basis}: saved against the one-off footprint, the figure written beside it
   * with the evidence of both and the energy coverage.
   */
  function paybackBar(candidate, basis) {
    const figures = candidate.bases ? candidate.bases[basis] : null;
    const wrap = el("div", { class: "payback", "data-basis": basis, "data-candidate": candidate.candidateId });
    if (!figures) {
      wrap.append(el("span", { class: "small" }, "no ledger yet"));
      return wrap;
    }
    const ratio = figures.paybackRatio;
    const width = ratio === null || ratio === undefined ? 0 : Math.max(0, Math.min(1, ratio)) * 100;
    const label = amount(figures.saved, basis) + " saved of " + amount(figures.footprint, basis) + " one-off"
      + " (" + (ratio === null || ratio === undefined ? "no footprint, no ratio" : percent(ratio)) + ")";
    const bar = el("div", {
      class: "bar", role: "progressbar", "aria-valuemin": "0", "aria-valuemax": "100",
      "aria-valuenow": String(Math.round(width)), "aria-valuetext": label, "aria-label": "payback of " + candidate.candidateId,
      "data-ratio": ratio === null || ratio === undefined ? "" : String(ratio), "data-paid": String(ratio !== null && ratio >= 1),
    }, el("div", { class: "fill", style: "width:" + width + "%" }));
    wrap.append(bar, el("div", { class: "bar-label num" }, label),
      el("div", { class: "small" }, "saving ", el("span", { class: "tier" }, tierWord(candidate.savingTier)),
        " \u00B7 one-off ", el("span", { class: "tier" }, tierWord(candidate.footprintTier)),
        " \u00B7 energy " + coverage(candidate.energyCoverage)));
    return wrap;
  }

  /** The projected break-even in {@code basis} set against the horizon end. */
  function breakEven(candidate, basis, horizonEnd) {
    const figures = candidate.bases ? candidate.bases[basis] : null;
    const horizon = horizonEnd || candidate.horizonEnd;
    const parts = [];
    if (!figures) {
      return el("span", { class: "small" }, "\u2013");
    }
    if (figures.status === "PAID_BACK" || (figures.paybackRatio !== null && figures.paybackRatio >= 1)) {
      parts.push("already paid back");
    } else if (figures.projectedBreakEvenAt) {
      parts.push("projected " + date(figures.projectedBreakEvenAt));
    } else {
      parts.push("no projection");
    }
    const node = el("div", { class: "breakeven" }, el("div", {}, parts.join("")));
    node.append(el("div", { class: "small" }, "horizon end " + (horizon ? date(horizon) : "not set")
      + (figures.paysBackWithinHorizon === true ? " \u2014 within horizon"
        : figures.paysBackWithinHorizon === false ? " \u2014 beyond horizon" : "")));
    // The projection rests on the saving rate and the footprint: both tiers, and the energy coverage
    node.append(el("div", { class: "small evidence" }, "from " + evidence(candidate, "both")));
    return node;
  }

  function urgency(status) {
    const i = URGENCY.indexOf(status);
    return i < 0 ? URGENCY.length : i;
  }

  function selectedBasis() {
    const checked = document.querySelector('input[name="basis"]:checked');
    return checked ? checked.value : "ENERGY";
  }

  function setLive(node, state, detail) {
    node.dataset.state = state;
    node.textContent = state === "live" ? "Live: updates as they happen" : "Reconnecting" + (detail ? " (" + detail + ")" : "");
  }

  /**
   * An alert's spells of firing, from its transitions: a FIRING record and the RESOLVED one that names the same
   * firedAt are one spell, closed at the latter's resolvedAt; a firing alert not yet in the history is a spell still
   * open. One entry per (candidate, rule, firedAt), ordered by firedAt: {candidateId, rule, firedAt, resolvedAt|null}.
   */
  function alertSpells(transitions, openAlerts) {
    const spells = new Map();
    for (const t of transitions.concat(openAlerts || [])) {
      const key = t.candidateId + "\u0000" + t.rule + "\u0000" + t.firedAt;
      const spell = spells.get(key) || { candidateId: t.candidateId, rule: t.rule, firedAt: t.firedAt, resolvedAt: null };
      if (t.state === "RESOLVED" && t.resolvedAt) {
        spell.resolvedAt = t.resolvedAt;
      }
      spells.set(key, spell);
    }
    return [...spells.values()].sort((a, b) => a.firedAt.localeCompare(b.firedAt));
  }

  return { BASES, STATUS, Unauthorized, get, askForToken, follow, num, amount, percent, tierWord, coverage, evidence,
    date, el, badge, paybackBar, breakEven, urgency, selectedBasis, setLive, alertSpells };
})();
