// MedGen Atlas search page: semantic search with no server.
//
// The query is embedded in the browser by the same encoder the CLI uses (all-MiniLM-L6-v2, exported
// to ONNX and quantised int8 per channel, run by onnxruntime-web's WebAssembly build) and ranked
// against the entries' vectors exported by tools/search/browser_export.py. Ranking mirrors
// tools/search/engine.py: BM25 (tools/search/keyword.py) and cosine, fused by reciprocal rank.
// Every file comes from this site (assets/search/); the model and runtime are kept in the Cache API.
// While the model loads, and if it cannot load, keyword results are shown.

const ASSETS = new URL("./", import.meta.url);
const SITE = new URL("../../", import.meta.url);
const CACHE_NAME = "medgen-atlas-search-v1";
const MAX_QUERY_CHARS = 1000;
const TOP = 10;

const state = {
  index: null,
  vectors: {},
  bm25: {},
  session: null,
  tokenizer: null,
  ort: null,
  mode: "loading",
  timings: {},
  error: null,
};

// ---------- query cleaning (tools/search/query.py) ----------

export function cleanQuery(raw) {
  let text = String(raw).replace(/\p{C}/gu, " ");
  text = text.split(/\s+/u).filter(Boolean).join(" ");
  if (!text || !/[\p{L}\p{N}]/u.test(text)) return { text: "", notes: [] };
  const notes = [];
  if (text.length > MAX_QUERY_CHARS) {
    const head = text.slice(0, MAX_QUERY_CHARS);
    const cut = head.lastIndexOf(" ") > 0 ? head.slice(0, head.lastIndexOf(" ")) : head;
    notes.push(`Only the first ${cut.length} of ${text.length} characters are used.`);
    text = cut;
  }
  const letters = [...text].filter((c) => /\p{L}/u.test(c));
  const latin = letters.filter((c) => /\p{Script=Latin}/u.test(c)).length;
  if (letters.length && latin / letters.length < 0.5) {
    notes.push("The encoder was trained on English: results for other scripts may be poor.");
  }
  return { text, notes };
}

// ---------- keyword ranking (tools/search/keyword.py) ----------

function stem(token) {
  if (token.length >= 4 && token.endsWith("s") && !"sui".includes(token[token.length - 2])) {
    return token.slice(0, -1);
  }
  return token;
}

export function tokenize(text, stopwords) {
  const found = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) || [];
  return found.filter((t) => !stopwords.has(t)).map(stem);
}

class BM25 {
  constructor(docs, k1, b) {
    this.k1 = k1;
    this.b = b;
    this.n = docs.length;
    this.postings = new Map();
    this.lengths = [];
    docs.forEach((doc, i) => {
      const terms = doc ? doc.split(" ") : [];
      this.lengths.push(terms.length);
      const counts = new Map();
      for (const t of terms) counts.set(t, (counts.get(t) || 0) + 1);
      for (const [t, tf] of counts) {
        if (!this.postings.has(t)) this.postings.set(t, new Map());
        this.postings.get(t).set(i, tf);
      }
    });
    this.avg = this.n ? this.lengths.reduce((a, x) => a + x, 0) / this.n : 0;
  }

  idf(term) {
    const df = this.postings.has(term) ? this.postings.get(term).size : 0;
    return Math.log(1 + (this.n - df + 0.5) / (df + 0.5));
  }

  rank(terms, top) {
    const scores = new Map();
    for (const term of new Set(terms)) {
      const plist = this.postings.get(term);
      if (!plist) continue;
      const idf = this.idf(term);
      for (const [doc, tf] of plist) {
        const norm = tf + this.k1 * (1 - this.b + (this.b * this.lengths[doc]) / (this.avg || 1));
        scores.set(doc, (scores.get(doc) || 0) + (idf * tf * (this.k1 + 1)) / norm);
      }
    }
    return [...scores.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, top);
  }

  matched(terms, doc) {
    return [...new Set(terms)].filter((t) => this.postings.get(t)?.has(doc));
  }
}

// ---------- fusion (tools/search/fusion.py) ----------

function rrf(rankings, k, weights) {
  const scores = new Map();
  rankings.forEach((ranking, r) => {
    ranking.forEach((item, i) => {
      scores.set(item, (scores.get(item) || 0) + weights[r] / (k + i + 1));
    });
  });
  const order = new Map([...scores.keys()].map((item, i) => [item, i]));
  return [...scores.entries()].sort((a, b) => b[1] - a[1] || order.get(a[0]) - order.get(b[0]));
}

// ---------- loading ----------

function halfToFloat(h) {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x03ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

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

function denseRank(kind, q, count) {
  const vec = state.vectors[kind];
  const dim = q.length;
  const n = vec.length / dim;
  const scores = new Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    const off = i * dim;
    for (let j = 0; j < dim; j++) s += vec[off + j] * q[j];
    scores[i] = [i, s];
  }
  return scores.sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, count);
}

// Rank one kind. mode: "hybrid" | "dense" | "keyword"; qvec may be null (keyword only).
function rankKind(kind, text, qvec, mode, top) {
  const r = state.index.ranking;
  const data = state.index.kinds[kind];
  const n = data.ids.length;
  if (!n) return [];
  const terms = tokenize(text, state.index.stopwords);
  const dense = qvec && mode !== "keyword" ? denseRank(kind, qvec, Math.min(n, Math.max(top, r.candidates))) : [];
  const cos = new Map(dense);
  let ranked;
  if (mode === "dense") ranked = dense.slice(0, top);
  else if (mode === "keyword" || !qvec) ranked = state.bm25[kind].rank(terms, top);
  else {
    const kw = state.bm25[kind].rank(terms, r.candidates);
    ranked = rrf([dense.map((d) => d[0]), kw.map((d) => d[0])], r.rrf_k, [1, r.keyword_weight]).slice(0, top);
  }
  return ranked.map(([row, score]) => ({
    kind,
    id: data.ids[row],
    title: data.titles[row],
    summary: data.summaries[row],
    detail: data.details[row],
    path: data.paths[row],
    score,
    cosine: cos.has(row) ? cos.get(row) : null,
    matched: state.bm25[kind].matched(terms, row),
  }));
}

export async function search(query, { kind = null, top = TOP, mode = null } = {}) {
  const { text, notes } = cleanQuery(query);
  if (!text) return { text, notes, results: {}, mode: "empty", ms: 0 };
  const t0 = performance.now();
  const semantic = state.session !== null && mode !== "keyword";
  const qvec = semantic ? await embed(text) : null;
  const kinds = kind ? [kind] : Object.keys(state.index.kinds);
  const results = {};
  const modes = {};
  for (const k of kinds) {
    modes[k] = semantic ? mode || state.index.ranking.modes[k] || "hybrid" : "keyword";
    results[k] = rankKind(k, text, qvec, modes[k], top);
  }
  const used = semantic ? (kinds.length === 1 ? modes[kinds[0]] : "semantic") : "keyword";
  return { text, notes, results, modes, mode: used, ms: performance.now() - t0 };
}

// ---------- page ----------

function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined) node.textContent = text;
  return node;
}

function why(hit) {
  const parts = [];
  if (hit.cosine !== null) parts.push(`close in meaning (cosine ${hit.cosine.toFixed(2)})`);
  if (hit.matched.length) parts.push(`shares the words: ${hit.matched.join(", ")}`);
  return parts.length ? `Why: ${parts.join("; ")}` : "";
}

function renderResults(root, out) {
  for (const kind of Object.keys(state.index.kinds)) {
    const list = root.querySelector(`[data-results="${kind}"]`);
    if (!list) continue;
    list.replaceChildren();
    for (const hit of out.results[kind] || []) {
      const li = el("li", "mga-hit");
      li.dataset.id = hit.id;
      const a = el("a", "mga-hit__title", hit.title);
      a.href = new URL(hit.path, SITE).href;
      li.append(a);
      if (hit.detail) li.append(el("div", "mga-hit__detail", hit.detail));
      const summary = hit.summary.length > 220 ? `${hit.summary.slice(0, 217)}...` : hit.summary;
      li.append(el("div", "mga-hit__summary", summary));
      const reason = why(hit);
      if (reason) li.append(el("div", "mga-hit__why", reason));
      list.append(li);
    }
    if (!(out.results[kind] || []).length && out.text) {
      list.append(el("li", "mga-hit mga-hit--none", "No matching entries."));
    }
  }
  const notes = root.querySelector("[data-notes]");
  if (notes) notes.textContent = out.notes.join(" ");
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
    const out = await search(input.value);
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
