// Ranks queries with site_src/assets/search/rank.js and query.js, for test_rank_parity.py.
// usage: node rank_queries.mjs FOLDER  (FOLDER holds index.json, the .f16 vector files and
// queries.json: [{q, vector}] where vector is the query's embedding of its expanded text)
// prints {kind: [[ids...] per query]} as JSON.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { BM25, halfToFloat, rankQuery } from "../../../../site_src/assets/search/rank.js";
import { QueryReader, cleanQuery, normPhrase } from "../../../../site_src/assets/search/query.js";

const folder = process.argv[2];
const index = JSON.parse(readFileSync(join(folder, "index.json"), "utf8"));
const queries = JSON.parse(readFileSync(join(folder, "queries.json"), "utf8"));
index.stopwords = new Set(index.ranking.stopwords);

const ctx = { index, bm25: {}, vectors: {} };
for (const [kind, data] of Object.entries(index.kinds)) {
  const buf = readFileSync(join(folder, data.vectors));
  const raw = new Uint16Array(buf.buffer, buf.byteOffset, buf.byteLength / 2);
  ctx.vectors[kind] = Float32Array.from(raw, halfToFloat);
  ctx.bm25[kind] = new BM25(data.keyword, index.ranking.bm25.k1, index.ranking.bm25.b);
}
const reader = new QueryReader(index.understanding);
const kinds = Object.keys(index.kinds);
const out = Object.fromEntries(kinds.map((k) => [k, []]));
out.close = [];
for (const { q, expanded, vector } of queries) {
  const u = reader.read(cleanQuery(q).text);
  if (u.text !== expanded) throw new Error(`expanded differently: ${JSON.stringify([u.text, expanded])}`);
  const { results, close } = rankQuery(ctx, u, normPhrase(u.text), Float32Array.from(vector), kinds, 10);
  for (const k of kinds) out[k].push(results[k].map((h) => h.id));
  out.close.push(close);
}
process.stdout.write(JSON.stringify(out));
