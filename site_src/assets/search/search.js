// MedGen Atlas search page: semantic search with no server.
//
// The query is embedded in the browser by the same encoder the CLI uses (all-MiniLM-L6-v2, exported
// to ONNX and quantised int8 per channel, run by onnxruntime-web's WebAssembly build) and ranked
// against the entries' vectors exported by tools/search/browser_export.py. Query understanding
// (query.js) and ranking (rank.js) are pure modules mirroring tools/search/understand.py and
// tools/search/rank.py; this file loads the files, embeds the query and draws the results.
// Every file comes from this site (assets/search/); the model and runtime are kept in the Cache API.
// While the model loads, and if it cannot load, keyword results are shown.

import { BM25, halfToFloat, rankQuery } from "./rank.js";
import { QueryReader, cleanQuery, normPhrase, tokenize } from "./query.js";

const ASSETS = new URL("./", import.meta.url);
const SITE = new URL("../../", import.meta.url);
const CACHE_NAME = "medgen-atlas-search-v1";
const TOP = 10;

const state = {
  index: null,
  vectors: {},
  bm25: {},
  reader: null,
  session: null,
  tokenizer: null,
  ort: null,
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

async function loadIndex() {
  const t0 = performance.now();
  const index = await (await fetchOk(new URL("index.json", ASSETS), { cache: "no-cache" })).json();
  const stop = new Set(index.ranking.stopwords);
  index.stopwords = stop;
  for (const [kind, data] of Object.entries(index.kinds)) {
    const raw = new Uint16Array(await (await fetchOk(new URL(data.vectors, ASSETS))).arrayBuffer());
    const vec = new Float32Array(raw.length);
    for (let i = 0; i < raw.length; i++) vec[i] = halfToFloat(raw[i]);
    state.vectors[kind] = vec;
    state.bm25[kind] = new BM25(data.keyword, index.ranking.bm25.k1, index.ranking.bm25.b);
  }
  state.reader = new QueryReader(index.understanding);
  state.index = index;
  state.timings.index_ms = performance.now() - t0;
}

async function cachedBytes(url, onProgress) {
  let cache = null;
  try {
    cache = await caches.open(CACHE_NAME);
  } catch {
    cache = null; // no Cache API (e.g. plain http on another host): the HTTP cache still helps
  }
  if (cache) {
    const hit = await cache.match(url.href);
    if (hit) {
      const buf = await hit.arrayBuffer();
      onProgress(buf.byteLength, buf.byteLength);
      return { bytes: new Uint8Array(buf), cached: true };
    }
  }
  const resp = await fetchOk(url);
  const total = Number(resp.headers.get("content-length")) || 0;
  const reader = resp.body.getReader();
  const chunks = [];
  let got = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    got += value.byteLength;
    onProgress(got, total);
  }
  const bytes = new Uint8Array(got);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  if (cache) {
    try {
      for (const old of await cache.keys()) {
        const name = new URL(old.url).pathname.split("/").pop();
        if (name === url.pathname.split("/").pop() && old.url !== url.href) await cache.delete(old);
        if (name.startsWith("model-") && old.url !== url.href && url.pathname.includes("model-")) {
          await cache.delete(old);
        }
      }
      await cache.put(url.href, new Response(bytes));
    } catch {
      // quota or private mode: the page still works, it just downloads again next time
    }
  }
  return { bytes, cached: false };
}

async function loadModel(progress) {
  const t0 = performance.now();
  const idx = state.index;
  const ortUrl = new URL(idx.runtime.ort, ASSETS);
  const tokUrl = new URL(idx.runtime.tokenizers, ASSETS);
  const [ort, tokmod] = await Promise.all([import(ortUrl.href), import(tokUrl.href)]);
  const wasmUrl = new URL(`${idx.runtime.wasm}?v=${idx.runtime.wasm_digest}`, ASSETS);
  const modelUrl = new URL(idx.model.file, ASSETS);
  const sizes = { wasm: 0, model: idx.model.bytes };
  const got = { wasm: 0, model: 0 };
  const report = (part) => (n, total) => {
    got[part] = n;
    if (total) sizes[part] = total;
    progress((got.wasm + got.model) / Math.max(1, sizes.wasm + sizes.model));
  };
  const [wasm, model, tokJson, tokConfig] = await Promise.all([
    cachedBytes(wasmUrl, report("wasm")),
    cachedBytes(modelUrl, report("model")),
    fetchOk(new URL(idx.model.tokenizer, ASSETS)).then((r) => r.json()),
    fetchOk(new URL(idx.model.tokenizer_config, ASSETS)).then((r) => r.json()),
  ]);
  ort.env.wasm.wasmBinary = wasm.bytes.buffer;
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.proxy = false;
  state.session = await ort.InferenceSession.create(model.bytes, {
    executionProviders: ["wasm"],
    graphOptimizationLevel: "all",
  });
  state.tokenizer = new tokmod.Tokenizer(tokJson, tokConfig);
  state.ort = ort;
  state.timings.model_ms = performance.now() - t0;
  state.timings.model_cached = wasm.cached && model.cached;
}

// ---------- ranking ----------

async function embed(text) {
  const maxTokens = state.index.model.max_tokens;
  let ids = state.tokenizer.encode(text).ids;
  if (ids.length > maxTokens) ids = ids.slice(0, maxTokens - 1).concat([ids[ids.length - 1]]);
  const n = ids.length;
  const input = new state.ort.Tensor("int64", BigInt64Array.from(ids, (x) => BigInt(x)), [1, n]);
  const mask = new state.ort.Tensor("int64", new BigInt64Array(n).fill(1n), [1, n]);
  const out = await state.session.run({ input_ids: input, attention_mask: mask });
  return out.embedding.data;
}

// Rank every kind (or one) for a query; filters: {paper: {since: year|null, code: bool}}.
export async function search(query, { kind = null, top = TOP, mode = null, filters = {} } = {}) {
  const { text, notes, problem } = cleanQuery(query);
  if (!text) return { text, notes: problem && String(query).trim() ? [problem] : [], results: {}, close: {}, mode: "empty", ms: 0 };
  const t0 = performance.now();
  const semantic = state.session !== null && mode !== "keyword";
  const u = state.reader.read(text);
  for (const [short, meaning] of u.expansions) notes.push(`“${short}” is read as ${meaning}.`);
  const qvec = semantic ? await embed(u.text) : null;
  const kinds = kind ? [kind] : Object.keys(state.index.kinds);
  const ctx = { index: state.index, bm25: state.bm25, vectors: state.vectors };
  const { results, close } = rankQuery(ctx, u, normPhrase(u.text), qvec, kinds, top, {
    mode: semantic ? mode : "keyword",
    filters: paperFilters(filters.paper),
  });
  const used = semantic ? mode || "semantic" : "keyword";
  return { text, notes, results, close, understood: u, mode: used, ms: performance.now() - t0 };
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
  if (data.code[row]) {
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
  if (text) text.textContent = message;
  if (bar) {
    bar.hidden = fraction === null;
    if (fraction !== null) bar.value = fraction;
  }
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
  const params = new URLSearchParams(window.location.search);
  input.value = params.get("q") || "";

  const run = async () => {
    if (!state.index) return;
    const out = await search(input.value, { filters: readFilters(root) });
    renderResults(root, out);
    root.dataset.resultsMode = out.mode;
    window.dispatchEvent(new CustomEvent("mga-search-results", { detail: out }));
  };
  const remember = () => {
    if (!input.value) return;
    const url = new URL(window.location.href);
    url.searchParams.set("q", input.value);
    window.history.replaceState(null, "", url);
  };
  for (const control of root.querySelectorAll("[data-filter]")) control.addEventListener("change", () => run());
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    remember();
    run();
  });

  setStatus(root, "loading", "Loading the search index...", null);
  try {
    await loadIndex();
  } catch (err) {
    state.error = String(err);
    setStatus(root, "error", `Search is unavailable: the index could not load (${err.message}).`, null);
    return;
  }
  setStatus(root, "loading", "Keyword results shown; loading the semantic model (once; it is then cached)...", 0);
  await run();
  closeThemeSearch(remember);
  let settled = false;
  const progress = (f) => {
    if (!settled) setStatus(root, "loading", `Loading the semantic model: ${Math.round(f * 100)}%`, f);
  };
  try {
    await loadModel(progress);
    settled = true;
    setStatus(root, "ready", "Semantic search ready: runs in your browser, nothing is sent anywhere.", null);
  } catch (err) {
    settled = true;
    state.error = String(err);
    console.warn(`MedGen Atlas search: semantic model unavailable, keyword search only (${err})`);
    setStatus(root, "fallback", "The semantic model could not load: showing keyword matches only.", null);
  }
  await run();
  closeThemeSearch(remember);
}

window.mgaSearch = { search, state, cleanQuery, tokenize, ready: main() };
