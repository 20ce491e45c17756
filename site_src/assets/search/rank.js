// MedGen Atlas search: ranking, with no DOM and no model (runs in node for the parity test).
//
// Mirrors tools/search/keyword.py (BM25), tools/search/fusion.py (rrf), tools/search/rank.py (the
// rules) and SearchEngine._ranked in tools/search/engine.py (putting them together), with the
// constants index.json carries. The only thing ranking needs from the model is the query's vector
// (`embed(text) -> Float32Array`), passed in as `qvec` (null: keyword ranking only).

import { normPhrase, tokenize } from "./query.js";

/** One IEEE 754 half-precision value (the index's float16 vectors) as a number. */
export function halfToFloat(h) {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x03ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

export class BM25 {
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

  // The idf-weighted share of the query's distinct terms the document contains (keyword.py share).
  share(terms, doc) {
    let total = 0;
    let found = 0;
    for (const term of new Set(terms)) {
      const idf = this.idf(term);
      total += idf;
      if (this.postings.get(term)?.has(doc)) found += idf;
    }
    return total ? found / total : 0;
  }

  matched(terms, doc) {
    return [...new Set(terms)].filter((t) => this.postings.get(t)?.has(doc));
  }
}

export function rrf(rankings, k, weights) {
  const scores = new Map();
  rankings.forEach((ranking, r) => {
    ranking.forEach((item, i) => {
      scores.set(item, (scores.get(item) || 0) + weights[r] / (k + i + 1));
    });
  });
  const order = new Map([...scores.keys()].map((item, i) => [item, i]));
  return [...scores.entries()].sort((a, b) => b[1] - a[1] || order.get(a[0]) - order.get(b[0]));
}

// (row, cosine) of the best `count` rows of `vec` (n x dim, row-major) for the unit vector q.
export function denseRank(vec, q, count) {
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

export function modalityMatch(query, entry, ancestors) {
  if (query === entry) return 1;
  if ((ancestors[query] || []).includes(entry)) return 0.5;
  if ((ancestors[entry] || []).includes(query)) return 0.25;
  return 0;
}

function side(queried, slug, ancestors) {
  let best = 0;
  for (const q of queried) best = Math.max(best, modalityMatch(q, slug, ancestors));
  return best;
}

export function directionPrior(d, source, target, ancestors) {
  if (!d.inputs.length && !d.outputs.length) return 0;
  const fwd = [];
  const rev = [];
  if (d.inputs.length) {
    fwd.push(side(d.inputs, source, ancestors));
    rev.push(side(d.inputs, target, ancestors));
  }
  if (d.outputs.length) {
    fwd.push(side(d.outputs, target, ancestors));
    rev.push(side(d.outputs, source, ancestors));
  }
  const f = Math.min(...fwd);
  const r = Math.min(...rev);
  return ((f - Math.max(0, r - f)) * fwd.length) / 2;
}

export function about(d, source, target, ancestors) {
  if (!d.mentioned.length) return 0;
  const covered = d.mentioned.map((m) =>
    Math.max(modalityMatch(m, source, ancestors), modalityMatch(m, target, ancestors)),
  );
  const fit = side(d.mentioned, source, ancestors) + side(d.mentioned, target, ancestors);
  return (covered.reduce((a, x) => a + x, 0) / covered.length + fit / 2) / 2;
}

// `shares` (one per keyword row, or empty) scale each keyword rank's credit (rank.py own_scores).
export function ownScores(n, dense, keyword, k, keywordWeight, shares = []) {
  if (shares.length && shares.length !== keyword.length) throw new Error("one share per keyword row");
  const scores = new Array(n).fill(0);
  dense.forEach((row, i) => {
    scores[row] += 1 / (k + i + 1);
  });
  if (keywordWeight) {
    keyword.forEach((row, i) => {
      const scale = shares.length ? shares[i] : 1;
      scores[row] += (keywordWeight * scale) / (k + i + 1);
    });
  }
  return scores;
}

export function order(scores) {
  return [...scores.keys()].sort((a, b) => scores[b] - scores[a] || a - b);
}

export function nameHits(queryWords, names) {
  const padded = ` ${queryWords} `;
  return names.map((entry) => entry.some((n) => n && padded.includes(` ${n} `)));
}

// Whether the query as typed (u.original) or with acronyms expanded (normWords) spells out a name.
function queryNameHits(u, normWords, names) {
  const typed = nameHits(normPhrase(u.original || u.text), names);
  return nameHits(normWords, names).map((hit, i) => hit || typed[i]);
}

/** The name a title gives its paper (`Synthea: An approach ...` -> `Synthea`), or "". */
export const TITLE_NAME = /^([^\s:]{2,40})(?::\s| -{1,2}\s| \u2014 )/;
export function titleName(title) {
  const m = TITLE_NAME.exec(title.trim());
  return m ? m[1] : "";
}

// Each paper's name as normalised words (rank.py title_name, names.py paper_names), once per index.
const paperNamesOf = new WeakMap();
function paperNames(titles) {
  if (!paperNamesOf.has(titles)) {
    paperNamesOf.set(titles, titles.map((x) => [normPhrase(titleName(x))].filter(Boolean)));
  }
  return paperNamesOf.get(titles);
}

// Per technique row, its share of the best `top` papers by their own score (rank.py paper_votes).
// Only `eligible` papers vote (null: all): those matching the query, close in meaning or by words.
export function paperVotes(paperOwn, filed, nTechniques, top, k, eligible = null) {
  const ranked = order(paperOwn)
    .filter((r) => paperOwn[r] > 0 && (!eligible || eligible[r]))
    .slice(0, top);
  const votes = new Array(nTechniques).fill(0);
  let total = 0;
  ranked.forEach((row, i) => {
    const weight = 1 / (k + i + 1);
    total += weight;
    for (const t of filed[row]) votes[t] += weight / filed[row].length;
  });
  return total ? votes.map((v) => v / total) : votes;
}

// The whole ranking of one query: `ctx` holds index.json (ctx.index), the BM25 per kind (ctx.bm25)
// and the vectors per kind (ctx.vectors); `u` is QueryReader.read(text); `normWords` the query's
// normalised words (query.js normPhrase of u.text). Returns {kind: [hit]} for `kinds`, each list
// the best `top` that pass `filters[kind]` (row -> bool), with `close` per kind.
export function rankQuery(ctx, u, normWords, qvec, kinds, top, { mode = null, filters = {} } = {}) {
  const r = ctx.index.ranking;
  const w = r.weights;
  const ancestors = ctx.index.understanding.ancestors;
  const labels = ctx.index.understanding.labels;
  const effective = qvec ? mode || "hybrid" : "keyword";
  const d = u.direction;
  const stop = ctx.index.stopwords;
  const terms = tokenize(u.text, stop);

  const own = (kind) => {
    const n = ctx.index.kinds[kind].ids.length;
    const dense = effective !== "keyword" && n ? denseRank(ctx.vectors[kind], qvec, Math.min(n, r.candidates)) : [];
    const keyword = effective !== "dense" ? ctx.bm25[kind].rank(terms, r.candidates).map((x) => x[0]) : [];
    const weight = effective === "keyword" ? 1 : w.keyword[kind] || 0;
    // Fused with the dense ranking, a keyword rank counts by how much of the query it matches.
    const shares =
      dense.length && weight && w.coverage ? keyword.map((row) => ctx.bm25[kind].share(terms, row) ** w.coverage) : [];
    const scores = ownScores(n, dense.map((x) => x[0]), keyword, w.rrf_k, weight, shares);
    return { scores, cos: new Map(dense), dense, keyword };
  };

  const tech = ctx.index.kinds.technique;
  const t = own("technique");
  const papersWeight = w.papers || 0;
  let paperOwn = null;
  let votes = new Array(t.scores.length).fill(0);
  if (papersWeight && ctx.index.kinds.paper.ids.length) {
    paperOwn = own("paper");
    const floor = r.no_match_below.paper;
    let eligible = null;
    if (floor !== undefined && paperOwn.cos.size) {
      const hits = new Set(paperOwn.keyword);
      eligible = paperOwn.scores.map((_, row) => (paperOwn.cos.get(row) ?? 0) >= floor || hits.has(row));
    }
    votes = paperVotes(paperOwn.scores, ctx.index.kinds.paper.techniques, t.scores.length, w.papers_top, w.rrf_k, eligible);
  }
  const priors = tech.inputs.map((s, i) => directionPrior(d, s, tech.outputs[i], ancestors));
  const abouts = tech.inputs.map((s, i) => about(d, s, tech.outputs[i], ancestors));
  const tScores = t.scores.map(
    (x, i) => x + w.direction * priors[i] + w.mention * abouts[i] + papersWeight * votes[i],
  );
  const tListed = t.scores.map((x, i) => x > 0 || priors[i] > 0 || abouts[i] > 0 || votes[i] > 0);
  const tRank = new Array(tScores.length);
  order(tScores).forEach((row, i) => {
    tRank[row] = i + 1;
  });

  const results = {};
  const close = {};
  for (const kind of kinds) {
    const data = ctx.index.kinds[kind];
    const n = data.ids.length;
    if (!n) {
      results[kind] = [];
      close[kind] = true;
      continue;
    }
    let scores;
    let cos;
    let dense;
    let best;
    let listed;
    let hits = null;
    let named = null;
    if (kind === "technique") {
      ({ cos, dense } = t);
      scores = tScores;
      best = [...Array(n).keys()];
      listed = tListed;
    } else {
      const o = kind === "paper" && paperOwn ? paperOwn : own(kind);
      ({ cos, dense } = o);
      if (kind === "dataset") hits = queryNameHits(u, normWords, data.names);
      named = hits;
      if (kind === "paper" && w.paper_name) {
        named = queryNameHits(u, normWords, paperNames(data.titles));
      }
      const nameWeight = kind === "dataset" ? w.name : w.paper_name || 0;
      scores = [];
      best = [];
      listed = [];
      data.techniques.forEach((techs, row) => {
        let bonus = 0;
        let chosen = -1;
        for (const tr of techs) {
          if (!tListed[tr]) continue;
          const value = w.filed / (w.rrf_k + tRank[tr]) + w.filed_direction * priors[tr];
          if (chosen < 0 || value > bonus) {
            bonus = value;
            chosen = tr;
          }
        }
        const isNamed = Boolean(named && named[row]);
        scores.push(o.scores[row] + bonus + (isNamed ? nameWeight : 0));
        best.push(chosen);
        listed.push(o.scores[row] > 0 || chosen >= 0 || isNamed);
      });
    }
    const floor = r.no_match_below[kind];
    const cosValues = [...cos.values()];
    close[kind] = floor === undefined || !cosValues.length || Math.max(...cosValues) >= floor;
    if (hits && hits.some(Boolean)) close[kind] = true;
    const near =
      floor === undefined
        ? new Set(dense.slice(0, top).map((x) => x[0]))
        : new Set([...cos.entries()].filter(([, c]) => c >= floor).map(([row]) => row));
    const keep = filters[kind];
    const rows = order(scores)
      .filter((row) => listed[row] && (!keep || keep(row)))
      .slice(0, top);
    results[kind] = rows.map((row) => {
      const reasons = [];
      const tr = best[row];
      if (tr >= 0) {
        const p = priors[tr];
        if (kind !== "technique") reasons.push(`filed under ${tech.titles[tr]}`);
        if (p > 0) reasons.push(`direction matches: ${labels[tech.inputs[tr]]} → ${labels[tech.outputs[tr]]}`);
        else if (p < 0) {
          reasons.push(`opposite direction (${labels[tech.inputs[tr]]} → ${labels[tech.outputs[tr]]}), ranked lower`);
        }
      }
      if (named && named[row]) reasons.push("name matches");
      if (near.has(row)) reasons.push("close in meaning");
      const matched = ctx.bm25[kind].matched(terms, row);
      if (matched.length) reasons.push(`words: ${matched.join(", ")}`);
      return {
        kind,
        row,
        id: data.ids[row],
        title: data.titles[row],
        score: scores[row],
        cosine: cos.has(row) ? cos.get(row) : null,
        matched,
        reasons,
      };
    });
  }
  return { results, close };
}
