// MedGen Atlas search: the encoder in a Web Worker (module worker started by search.js).
//
// Loads onnxruntime-web's plain WebAssembly build (ort.wasm.bundle.min.mjs, one thread, the wasm
// file fetched from this site and kept in the Cache API), the int8 encoder and the tokenizer, and
// the entries' float16 vectors (converted to float32 here, off the main thread, and transferred).
// Messages in:  {type: "init", assets, model, runtime, vectors: {kind: file}}
//               {type: "embed", id, text}
// Messages out: {type: "progress", fraction}
//               {type: "ready", vectors: {kind: Float32Array}, timings}
//               {type: "vector", id, vector: Float32Array} | {type: "failed", id?, error}

import { halfToFloat } from "./rank.js";

const CACHE_NAME = "medgen-atlas-search-v1";

let session = null;
let tokenizer = null;
let ort = null;
let maxTokens = 256;

async function fetchOk(url) {
  const resp = await fetch(url);
  if (!resp.ok) throw new Error(`${url.pathname || url}: HTTP ${resp.status}`);
  return resp;
}

async function openCache() {
  try {
    return await caches.open(CACHE_NAME);
  } catch {
    return null; // no Cache API (e.g. plain http on another host): the HTTP cache still helps
  }
}

// The bytes of a content-named file, from the Cache API when there, else fetched (with progress)
// and stored; older versions of the same file are removed.
// `expected` (the build's byte count, 0: unknown) guards the cache: a short or substituted
// download (a captive portal's HTML page, a cut connection) is refused, never stored.
async function cachedBytes(url, onProgress, expected = 0) {
  const cache = await openCache();
  if (cache) {
    const hit = await cache.match(url.href);
    if (hit) {
      const buf = await hit.arrayBuffer();
      if (!expected || buf.byteLength === expected) {
        onProgress(buf.byteLength, buf.byteLength);
        return { bytes: new Uint8Array(buf), cached: true };
      }
      await cache.delete(url.href); // a bad copy from an older page: fetch it again
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
  if (expected && got !== expected) {
    throw new Error(`${url.pathname}: got ${got} bytes, expected ${expected} (an incomplete or substituted download)`);
  }
  if (cache) {
    try {
      const stem = (u) => u.pathname.split("/").pop().split("-")[0].split(".")[0];
      for (const old of await cache.keys()) {
        const oldUrl = new URL(old.url);
        if (old.url !== url.href && stem(oldUrl) === stem(url)) await cache.delete(old);
      }
      await cache.put(url.href, new Response(bytes));
    } catch {
      // quota or private mode: search still works, it just downloads again next time
    }
  }
  return { bytes, cached: false };
}

async function loadVectors(url) {
  const raw = new Uint16Array(await (await fetchOk(url)).arrayBuffer());
  const vec = new Float32Array(raw.length);
  for (let i = 0; i < raw.length; i++) vec[i] = halfToFloat(raw[i]);
  return vec;
}

async function init(msg) {
  const t0 = performance.now();
  const assets = new URL(msg.assets);
  const at = (name) => new URL(name, assets);
  maxTokens = msg.model.max_tokens;
  const sizes = { wasm: msg.runtime.wasm_bytes || 0, model: msg.model.bytes || 0 };
  const got = { wasm: 0, model: 0 };
  const report = (part) => (n, total) => {
    got[part] = n;
    if (total && !sizes[part]) sizes[part] = total; // the manifest size is the decoded one; a gzip Content-Length is not
    self.postMessage({ type: "progress", fraction: (got.wasm + got.model) / Math.max(1, sizes.wasm + sizes.model) });
  };
  const kinds = Object.keys(msg.vectors);
  const wasmUrl = at(`${msg.runtime.wasm}?v=${msg.runtime.wasm_digest}`);
  const modelUrl = at(msg.model.file);
  const [ortMod, tokMod, wasm, model, tokJson, tokConfig, ...vectors] = await Promise.all([
    import(at(msg.runtime.ort).href),
    import(at(msg.runtime.tokenizers).href),
    cachedBytes(wasmUrl, report("wasm"), msg.runtime.wasm_bytes || 0),
    cachedBytes(modelUrl, report("model"), msg.model.bytes || 0),
    fetchOk(at(msg.model.tokenizer)).then((r) => r.json()),
    fetchOk(at(msg.model.tokenizer_config)).then((r) => r.json()),
    ...kinds.map((k) => loadVectors(at(msg.vectors[k]))),
  ]);
  ort = ortMod;
  ort.env.wasm.wasmBinary = wasm.bytes.buffer;
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.proxy = false;
  try {
    session = await ort.InferenceSession.create(model.bytes, {
      executionProviders: ["wasm"],
      graphOptimizationLevel: "all",
    });
  } catch (err) {
    // a copy that will not load must not stay cached, or every later visit fails the same way
    const cache = await openCache();
    if (cache) {
      await cache.delete(modelUrl.href);
      await cache.delete(wasmUrl.href);
    }
    throw err;
  }
  tokenizer = new tokMod.Tokenizer(tokJson, tokConfig);
  const out = {};
  kinds.forEach((k, i) => {
    out[k] = vectors[i];
  });
  const timings = { model_ms: performance.now() - t0, model_cached: wasm.cached && model.cached };
  self.postMessage({ type: "ready", vectors: out, timings }, vectors.map((v) => v.buffer));
}

async function embed(text) {
  let ids = tokenizer.encode(text).ids;
  if (ids.length > maxTokens) ids = ids.slice(0, maxTokens - 1).concat([ids[ids.length - 1]]);
  const n = ids.length;
  const input = new ort.Tensor("int64", BigInt64Array.from(ids, (x) => BigInt(x)), [1, n]);
  const mask = new ort.Tensor("int64", new BigInt64Array(n).fill(1n), [1, n]);
  const out = await session.run({ input_ids: input, attention_mask: mask });
  return Float32Array.from(out.embedding.data);
}

self.onmessage = async (event) => {
  const msg = event.data;
  if (msg.type === "init") {
    try {
      await init(msg);
    } catch (err) {
      self.postMessage({ type: "failed", error: String(err && err.message ? err.message : err) });
    }
  } else if (msg.type === "embed") {
    try {
      if (!session) throw new Error("the model is not loaded");
      const vector = await embed(msg.text);
      self.postMessage({ type: "vector", id: msg.id, vector }, [vector.buffer]);
    } catch (err) {
      self.postMessage({ type: "failed", id: msg.id, error: String(err && err.message ? err.message : err) });
    }
  }
};
