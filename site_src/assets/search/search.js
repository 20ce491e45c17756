// MedGen Atlas search page: keyword search at once, search by meaning on demand, no server.
//
// A visit loads only index.json (titles, summaries, the BM25 documents and the ranking tables) and
// this page's modules: keyword results appear as the reader types. The first search (submitting
// the form, a `?q=` address, or typing SEMANTIC_MIN_WORDS words) starts worker.js, a Web Worker
// that fetches the encoder (all-MiniLM-L6-v2, int8 ONNX), onnxruntime-web's WebAssembly build
// (one thread) and the entries' vectors, all from this site and kept in the Cache API. The main
// thread only sends query text to the worker and gets the query's vector back; query.js and
// rank.js (pure modules mirroring tools/search/understand.py and rank.py) rank here. Keyword
// results stay until results by meaning are ready; the swap is announced in an aria-live region,
// and deferred (with a button) while the reader's focus is inside the results. If the model
// cannot load, keyword results stay with a visible note.

import { BM25, rankQuery } from "./rank.js";
import { QueryReader, cleanQuery, normPhrase, tokenize } from "./query.js";

const ASSETS = new URL("./", import.meta.url);
const SITE = new URL("../../", import.meta.url);
const TOP = 10;
const TYPE_DELAY_MS = 120;
/** Typing this many words (or submitting) starts the model download: shorter input is usually a
 * name or a word that keyword search answers well, and most visits never pay for the model. */
export const SEMANTIC_MIN_WORDS = 3;
/** The model load fails when no progress arrives for this long (a stalled network, a hung worker). */
const STALL_MS = 45_000;
const UNAVAILABLE = "Search by meaning is unavailable; showing keyword matches.";

const state = {
  index: null,
  vectors: {},
  bm25: {},
  reader: null,
  worker: null,
  semantic: null, // the promise of the model load, once started
  ready: false,
  mode: "loading",
  timings: {},
  error: null,
};

// ---------- loading ----------

async function fetchOk(url, options) {
  const resp = await fetch(url, options);
  if (!resp.ok) throw new Error(`${url.pathname || url}: HTTP ${resp.status}`);
  return resp;
}

const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));

async function loadIndex() {
  const t0 = performance.now();
  const index = await (await fetchOk(new URL("index.json", ASSETS), { cache: "no-cache" })).json();
  index.stopwords = new Set(index.ranking.stopwords);
  for (const [kind, data] of Object.entries(index.kinds)) {
    await nextTask(); // one task per kind, so typing never waits on the whole index
    state.bm25[kind] = new BM25(data.keyword, index.ranking.bm25.k1, index.ranking.bm25.b);
  }
  state.reader = new QueryReader(index.understanding);
  state.index = index;
  state.timings.index_ms = performance.now() - t0;
}

let nextId = 1;
const pending = new Map(); // embed request id -> {resolve, reject}

function failAll(error) {
  for (const p of pending.values()) p.reject(error);
  pending.clear();
}

const EMBED_TIMEOUT_MS = 15_000;

// The worker stopped answering after it was ready: search falls back to keywords and the page
// says so (the "mga-search-lost" event), instead of every later query waiting for nothing.
function lose(why) {
  if (!state.ready && !state.worker) return;
  state.error = why;
  stopWorker(new Error(why));
  window.dispatchEvent(new CustomEvent("mga-search-lost", { detail: why }));
}

// End the worker (loading failed, or it stopped answering): pending requests fail with `error`.
function stopWorker(error) {
  failAll(error);
  if (state.worker) state.worker.terminate();
  state.worker = null;
  state.ready = false;
}

// Start the worker once; resolves when the model and vectors are ready, rejects on any failure.
function startSemantic(onProgress) {
  if (state.semantic) return state.semantic;
  const idx = state.index;
  state.timings.model_requested = performance.now();
  state.semantic = new Promise((resolve, reject) => {
    let stall = null;
    const fail = (why) => {
      clearTimeout(stall);
      const error = new Error(why);
      stopWorker(error);
      reject(error);
    };
    const arm = () => {
      clearTimeout(stall);
      stall = setTimeout(() => fail(`no progress for ${STALL_MS / 1000} s`), STALL_MS);
    };
    let worker;
    try {
      worker = new Worker(new URL("worker.js", ASSETS), { type: "module" });
    } catch (err) {
      fail(`the worker could not start (${err.message || err})`);
      return;
    }
    state.worker = worker;
    worker.onerror = (event) => {
      event.preventDefault();
      fail(`worker error: ${event.message || "the worker script failed"}`);
    };
    worker.onmessageerror = () => fail("a worker message could not be read");
    worker.onmessage = (event) => {
      const msg = event.data;
      if (msg.type === "progress") {
        arm();
        onProgress(msg.fraction);
      } else if (msg.type === "ready") {
        clearTimeout(stall);
        state.vectors = msg.vectors;
        state.ready = true;
        Object.assign(state.timings, msg.timings);
        state.timings.model_ms = performance.now() - state.timings.model_requested;
        resolve();
      } else if (msg.type === "vector") {
        const p = pending.get(msg.id);
        pending.delete(msg.id);
        if (p) p.resolve(msg.vector);
      } else if (msg.type === "failed") {
        if (msg.id === undefined) fail(msg.error);
        else {
          const p = pending.get(msg.id);
          pending.delete(msg.id);
          if (p) p.reject(new Error(msg.error));
        }
      }
    };
    arm();
    const vectors = {};
    for (const [kind, data] of Object.entries(idx.kinds)) vectors[kind] = data.vectors;
    worker.postMessage({
      type: "init",
      assets: ASSETS.href,
      model: idx.model,
      runtime: { ...idx.runtime, wasm_bytes: idx.download?.files?.[idx.runtime.wasm]?.bytes || 0 },
      vectors,
    });
  });
  return state.semantic;
}

function embed(text) {
  return new Promise((resolve, reject) => {
    if (!state.worker) {
      reject(new Error("the model is not loaded"));
      return;
    }
    const id = nextId++;
    const timer = setTimeout(() => {
      if (!pending.delete(id)) return;
      const why = `the model did not answer within ${EMBED_TIMEOUT_MS / 1000} s`;
      reject(new Error(why));
      lose(why);
    }, EMBED_TIMEOUT_MS);
    const done = (fn) => (value) => {
      clearTimeout(timer);
      fn(value);
    };
    pending.set(id, { resolve: done(resolve), reject: done(reject) });
    state.worker.postMessage({ type: "embed", id, text });
  });
}

// ---------- ranking ----------

// Rank every kind (or one) for a query; filters: {paper: {since: year|null, code: bool}}.
// mode "keyword" ranks without the model; otherwise the model is used once it is ready.
export async function search(query, { kind = null, top = TOP, mode = null, filters = {} } = {}) {
  const { text, notes, problem } = cleanQuery(query);
  if (!text) return { text, notes: problem ? [problem] : [], problem, results: {}, close: {}, mode: "empty", ms: 0 };
  const t0 = performance.now();
  const u = state.reader.read(text);
  for (const [short, meaning] of u.expansions) notes.push(`“${short}” is read as ${meaning}.`);
  let qvec = null;
  if (state.ready && mode !== "keyword") {
    try {
      qvec = await embed(u.text);
    } catch (err) {
      qvec = null; // this query is ranked by keywords; the note says why
      notes.push(`${UNAVAILABLE} (${err.message})`);
    }
  }
  const semantic = qvec !== null;
  const kinds = kind ? [kind] : Object.keys(state.index.kinds);
  const ctx = { index: state.index, bm25: state.bm25, vectors: state.vectors };
  const { results, close } = rankQuery(ctx, u, normPhrase(u.text), qvec, kinds, top, {
    mode: semantic ? mode : "keyword",
    filters: paperFilters(filters.paper),
  });
  const used = semantic ? mode || "semantic" : "keyword";
  return { text, notes, problem: null, results, close, understood: u, mode: used, ms: performance.now() - t0 };
}

function paperFilters(f) {
  if (!f || (!f.since && !f.code)) return {};
  const data = state.index.kinds.paper;
  return { paper: (row) => (!f.since || data.years[row] >= f.since) && (!f.code || Boolean(data.code[row])) };
}

// ---------- page ----------

function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined) node.textContent = text;
  return node;
}

function why(hit) {
  return hit.reasons.length ? `Why: ${hit.reasons.join("; ")}` : "";
}

const PAPER_KIND = { method: "method", survey: "survey", dataset: "dataset paper", benchmark: "benchmark" };

// Year, kind and arXiv/code links of a paper result.
function paperFacts(row) {
  const data = state.index.kinds.paper;
  const box = el("div", "mga-hit__facts");
  box.append(el("span", "mga-hit__year", String(data.years[row])));
  box.append(el("span", "mga-hit__kind", PAPER_KIND[data.paper_kinds[row]] || data.paper_kinds[row]));
  if (data.arxiv[row]) {
    const a = el("a", "mga-hit__link", "arXiv");
    a.href = `https://arxiv.org/abs/${data.arxiv[row]}`;
    box.append(a);
  }
  if (data.code[row] && /^https?:\/\//i.test(data.code[row])) {
    const a = el("a", "mga-hit__link", "code");
    a.href = data.code[row];
    box.append(a);
  }
  return box;
}

function renderResults(root, out) {
  for (const kind of Object.keys(state.index.kinds)) {
    const list = root.querySelector(`[data-results="${kind}"]`);
    if (!list) continue;
    list.replaceChildren();
    const data = state.index.kinds[kind];
    const hits = out.results[kind] || [];
    if (hits.length && out.close && out.close[kind] === false) {
      list.append(el("li", "mga-hit mga-hit--far", "No close match: these are the nearest entries, but none is close to the query."));
    }
    for (const hit of hits) {
      const li = el("li", "mga-hit");
      li.dataset.id = hit.id;
      const a = el("a", "mga-hit__title", hit.title);
      a.href = new URL(data.paths[hit.row], SITE).href;
      li.append(a);
      if (data.details[hit.row]) li.append(el("div", "mga-hit__detail", data.details[hit.row]));
      if (kind === "paper") li.append(paperFacts(hit.row));
      const text = data.summaries[hit.row];
      li.append(el("div", "mga-hit__summary", text.length > 220 ? `${text.slice(0, 217)}...` : text));
      const reason = why(hit);
      if (reason) li.append(el("div", "mga-hit__why", reason));
      list.append(li);
    }
    if (!hits.length && out.text) list.append(el("li", "mga-hit mga-hit--none", "No matching entries."));
  }
  const notes = root.querySelector("[data-notes]");
  if (notes) notes.textContent = out.notes.join(" ");
}

function readFilters(root) {
  const since = Number(root.querySelector("[data-filter=since]")?.value) || null;
  const code = Boolean(root.querySelector("[data-filter=code]")?.checked);
  return { paper: { since, code } };
}

function setStatus(root, mode, message, fraction) {
  root.dataset.state = mode;
  state.mode = mode;
  const text = root.querySelector("[data-status-text]");
  const bar = root.querySelector("progress");
  const box = root.querySelector(".mga-search__status");
  if (box) box.hidden = !message && fraction === null;
  if (text) text.textContent = message;
  if (bar) {
    bar.hidden = fraction === null;
    if (fraction !== null) bar.value = fraction;
  }
}

function megabytes(n) {
  return `${(n / 1e6).toFixed(1)} MB`;
}

function plural(n, word) {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

const KIND_WORDS = { technique: "technique", paper: "paper", dataset: "dataset" };

// "10 techniques, 10 papers, 3 datasets for ‘MRI to CT’" (the result lists' counts).
export function countSummary(out) {
  const parts = Object.keys(state.index.kinds).map((k) => plural((out.results[k] || []).length, KIND_WORDS[k] || k));
  const shown = out.text.length > 80 ? `${out.text.slice(0, 77)}...` : out.text;
  return `${parts.join(", ")} for ‘${shown}’`;
}

// Words as the reader typed them: space-separated chunks with a letter or digit ("x-ray" is one).
function wordCount(text) {
  return String(text).split(/\s+/u).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
}

// The theme's own search (mkdocs-material's plugin) also reads `?q=` and opens its overlay on top
// of this page; close it here, since this page answers the query.
function closeThemeSearch(restore) {
  const toggle = document.getElementById("__search");
  if (toggle && toggle.checked) {
    toggle.checked = false;
    toggle.dispatchEvent(new Event("change"));
    setTimeout(restore, 0); // closing it drops `q` from the address; put it back
  }
}

async function main() {
  const root = document.getElementById("mga-search");
  if (!root) return;
  const form = root.querySelector("form");
  const input = root.querySelector("input[name=q]");
  const announcer = root.querySelector("[data-announce]");
  const unavailable = root.querySelector("[data-unavailable]");
  const swap = root.querySelector("[data-swap]");
  const columns = root.querySelector(".mga-search__columns");
  const params = new URLSearchParams(window.location.search);
  input.value = params.get("q") || "";
  input.focus();

  let seq = 0;
  let shownMode = null; // the mode of the results on screen
  let held = null; // results by meaning kept back while the reader's focus is in the results
  let lastOut = null; // the results on screen
  const announce = (text) => {
    if (announcer) announcer.textContent = text;
  };
  const draw = (out) => {
    const switching = shownMode === "keyword" && out.mode !== "keyword";
    renderResults(root, out);
    root.dataset.resultsMode = out.mode;
    root.dataset.resultsQuery = out.text;
    shownMode = out.mode;
    lastOut = out;
    held = null;
    if (swap) swap.hidden = true;
    const notes = out.notes && out.notes.length ? ` ${out.notes.join(" ")}` : "";
    announce(`${switching ? "Showing results by meaning: " : ""}${countSummary(out)}.${notes}`);
    window.dispatchEvent(new CustomEvent("mga-search-results", { detail: out }));
  };
  const clear = (message) => {
    renderResults(root, { text: "", notes: message ? [message] : [], results: {}, close: {} });
    delete root.dataset.resultsQuery;
    root.dataset.resultsMode = "empty";
    shownMode = null;
    lastOut = null;
    announce(message || "");
  };
  const run = async ({ submitted = false } = {}) => {
    if (!state.index) return;
    const mine = ++seq;
    let out;
    try {
      out = await search(input.value, { filters: readFilters(root) });
    } catch (err) {
      console.warn(`MedGen Atlas search: ${err}`);
      out = { text: "", notes: [`This query could not be searched (${err.message || err}).`], results: {}, close: {}, mode: "empty" };
    }
    if (mine !== seq) return; // a newer query is on its way
    if (out.mode === "empty") {
      clear(submitted || input.value.trim() ? out.notes.join(" ") : "");
      return;
    }
    const switching = shownMode === "keyword" && out.mode !== "keyword";
    if (switching && columns && columns.contains(document.activeElement)) {
      held = out; // never pull the list out from under the reader
      if (swap) swap.hidden = false;
      announce("Results by meaning are ready: press “Show results by meaning” to see them.");
      return;
    }
    draw(out);
    closeThemeSearch(remember);
  };
  const remember = () => {
    const url = new URL(window.location.href);
    if (input.value) url.searchParams.set("q", input.value.slice(0, 2000));
    else url.searchParams.delete("q");
    window.history.replaceState(null, "", url);
  };
  const beginSemantic = () => {
    if (state.semantic || !state.index) return;
    const size = state.index.download ? ` (${megabytes(state.index.download.gzip)}, once)` : "";
    setStatus(root, "model", `Keyword matches shown; loading search by meaning${size}...`, 0);
    startSemantic((f) => {
      if (!state.ready) setStatus(root, "model", `Loading search by meaning${size}: ${Math.round(f * 100)}%`, f);
    }).then(
      () => {
        setStatus(root, "ready", "Search by meaning is ready: it runs in your browser, nothing is sent anywhere.", null);
        if (input.value.trim()) run();
      },
      (err) => {
        state.error = String(err);
        console.warn(`MedGen Atlas search: search by meaning unavailable, keyword search only (${err.message})`);
        setStatus(root, "fallback", "", null);
        if (unavailable) unavailable.hidden = false;
        const shown = lastOut ? `: ${countSummary(lastOut)}.` : ".";
        announce(`Keyword matches only${shown}`); // the note above (role="alert") says why
      },
    );
  };
  window.addEventListener("mga-search-lost", () => {
    setStatus(root, "fallback", "", null);
    if (unavailable) unavailable.hidden = false; // role="alert": read out when it appears
  });
  window.mgaSearch.loadSemantic = () => {
    beginSemantic();
    return state.semantic;
  };

  let typing = null;
  input.addEventListener("input", () => {
    clearTimeout(typing);
    typing = setTimeout(() => run(), TYPE_DELAY_MS);
    if (wordCount(input.value) >= SEMANTIC_MIN_WORDS) beginSemantic();
  });
  for (const control of root.querySelectorAll("[data-filter]")) control.addEventListener("change", () => run());
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(typing);
    remember();
    run({ submitted: true });
    if (input.value.trim()) beginSemantic();
  });
  if (swap) {
    swap.addEventListener("click", () => {
      if (held) draw(held);
      input.focus();
    });
  }

  setStatus(root, "loading", "Loading the search index...", null);
  try {
    await loadIndex();
  } catch (err) {
    state.error = String(err);
    const message = `Search is unavailable: the index could not load (${err.message}).`;
    setStatus(root, "error", message, null);
    announce(message);
    return;
  }
  const sizeNote = root.querySelector("[data-download]");
  if (sizeNote && state.index.download) {
    sizeNote.textContent = `Search by meaning downloads ${megabytes(state.index.download.gzip)} once (then it is cached); keyword matches need nothing more.`;
  }
  setStatus(root, "keyword", "", null); // the download note above says what a search will fetch
  if (input.value.trim()) {
    await run({ submitted: true });
    beginSemantic();
  }
}

window.mgaSearch = { search, state, cleanQuery, tokenize, SEMANTIC_MIN_WORDS };
window.mgaSearch.ready = main();
