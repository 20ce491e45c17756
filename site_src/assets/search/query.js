// MedGen Atlas search: query cleaning and understanding, with no DOM (runs in node for the tests).
//
// Mirrors tools/search/query.py (cleanQuery), tools/search/keyword.py (tokenize, stem) and
// tools/search/understand.py (QueryReader). The reader's tables (acronyms, modality names and
// aliases, compiled phrasing patterns) come from index.json, written by tools/search/browser_export.py
// from the same data files the CLI reads; tests/tools/search/test_direction_parity.py runs both
// readers on tests/tools/search/data/direction_cases.yaml.

export const MAX_QUERY_CHARS = 1000;
const WORD = /[\p{L}\p{N}]+/gu;

export function cleanQuery(raw) {
  let text = String(raw).replace(/\p{C}/gu, " ");
  text = text.split(/\s+/u).filter(Boolean).join(" ");
  if (!text) return { text: "", notes: [], problem: "The query is empty: type what you are looking for." };
  if (!/[\p{L}\p{N}]/u.test(text)) {
    return { text: "", notes: [], problem: "The query has no letters or digits: type what you are looking for." };
  }
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
  return { text, notes, problem: null };
}

export function stem(token) {
  if (token.length >= 4 && token.endsWith("s") && !"sui".includes(token[token.length - 2])) {
    return token.slice(0, -1);
  }
  return token;
}

export function tokenize(text, stopwords) {
  const found = text.toLowerCase().match(WORD) || [];
  return found.filter((t) => !stopwords.has(t)).map(stem);
}

export function words(text) {
  return (text.match(WORD) || []).map((w) => [w, stem(w.toLowerCase())]);
}

export function normPhrase(text) {
  return words(text)
    .map(([, n]) => n)
    .join(" ");
}

// How far back the mention just before is, when nothing or "of (the|a|an)" separates it from the
// next one (0: there is none).
function joined(items) {
  const seps = [[1, []], [2, ["of"]], [3, ["of", "the"]], [3, ["of", "a"]]];
  for (const [back, between] of seps) {
    if (items.length >= back && items[items.length - back][0] === "m") {
      const words = items.slice(items.length - back + 1).map(([, v]) => v);
      if (words.length === between.length && words.every((v, i) => v === between[i])) return back;
    }
  }
  return 0;
}

export class QueryReader {
  constructor(data) {
    this.acronymsExact = new Map(Object.entries(data.acronyms_exact));
    this.acronymsAny = new Map(Object.entries(data.acronyms_any));
    this.terms = new Map(Object.entries(data.terms));
    this.exact = new Map(Object.entries(data.exact));
    this.maxLen = data.max_len;
    this.ancestors = data.ancestors;
    this.labels = data.labels;
    this.patterns = data.patterns.map((p) => ({ regex: new RegExp(p.regex, "y"), implies: p.implies }));
  }

  expansion(word) {
    if (this.acronymsExact.has(word)) return this.acronymsExact.get(word);
    const lower = word.toLowerCase();
    return this.acronymsAny.get(lower) || this.acronymsAny.get(stem(lower)) || null;
  }

  expand(text) {
    const used = [];
    const out = text.replace(WORD, (word) => {
      const meaning = this.expansion(word);
      if (meaning === null) return word;
      if (!used.some(([w, m]) => w === word && m === meaning)) used.push([word, meaning]);
      return `${word} (${meaning})`;
    });
    return { text: out, expansions: used };
  }

  related(a, b) {
    return a === b || (this.ancestors[b] || []).includes(a) || (this.ancestors[a] || []).includes(b);
  }

  specific(a, b) {
    return (this.ancestors[b] || []).includes(a) ? b : a;
  }

  mentions(text) {
    const toks = words(text);
    const items = [];
    let i = 0;
    while (i < toks.length) {
      let slug = null;
      let length = Math.min(this.maxLen, toks.length - i);
      for (; length > 0; length--) {
        const chunk = toks.slice(i, i + length);
        slug =
          this.exact.get(chunk.map(([w]) => w).join(" ")) ||
          this.terms.get(chunk.map(([, n]) => n).join(" ")) ||
          null;
        if (slug) break;
      }
      if (!slug) {
        items.push(["w", toks[i][1]]);
        i += 1;
        continue;
      }
      const back = joined(items);
      if (back && this.related(items[items.length - back][1], slug)) {
        const merged = this.specific(items[items.length - back][1], slug);
        items.splice(items.length - back, back);
        items.push(["m", merged]);
      } else {
        items.push(["m", slug]);
      }
      i += length;
    }
    const tokens = [];
    const slugs = [];
    for (const [what, value] of items) {
      if (what === "m") {
        tokens.push(`@${value}.${slugs.length}`);
        slugs.push(value);
      } else {
        tokens.push(value);
      }
    }
    return { tokens, slugs };
  }

  direction(text) {
    const { tokens, slugs } = this.mentions(text);
    const line = tokens.map((t) => `${t} `).join("");
    const starts = [];
    let at = 0;
    for (const t of tokens) {
      starts.push(at);
      at += t.length + 1;
    }
    const roles = new Map();
    const implied = { in: [], out: [] };
    for (const pattern of this.patterns) {
      for (const pos of starts) {
        pattern.regex.lastIndex = pos;
        const match = pattern.regex.exec(line);
        if (!match) continue;
        const got = {};
        for (const role of ["in", "out"]) {
          const captured = match.groups ? match.groups[role] : undefined;
          if (captured !== undefined) got[role] = Number(captured.slice(captured.lastIndexOf(".") + 1));
        }
        // a match that reads a mention against the role an earlier pattern gave it is skipped
        if (Object.entries(got).some(([role, index]) => roles.has(index) && roles.get(index) !== role)) continue;
        for (const [role, index] of Object.entries(got)) roles.set(index, role);
        for (const [role, raw] of Object.entries(pattern.implies)) {
          const other = role === "out" ? "in" : "out";
          const source = got[other];
          if (source !== undefined && roles.get(source) !== other) continue;
          let value = raw;
          if (value === "same") {
            if (source === undefined) continue;
            value = slugs[source];
          }
          if (!implied[role].includes(value)) implied[role].push(value);
        }
      }
    }
    const unique = (xs) => [...new Set(xs)];
    const order = [...roles.keys()].sort((a, b) => a - b);
    const inputs = unique(order.filter((i) => roles.get(i) === "in").map((i) => slugs[i]).concat(implied.in));
    const outputs = unique(order.filter((i) => roles.get(i) === "out").map((i) => slugs[i]).concat(implied.out));
    const rest = slugs.filter((s, i) => !roles.has(i) && !inputs.includes(s) && !outputs.includes(s));
    return { inputs, outputs, mentioned: unique(rest) };
  }

  read(text) {
    const { text: expanded, expansions } = this.expand(text);
    return { text: expanded, expansions, direction: this.direction(expanded), original: text };
  }
}
