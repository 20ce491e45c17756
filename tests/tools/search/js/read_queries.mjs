// Reads queries with site_src/assets/search/query.js, for test_direction_parity.py.
// usage: node read_queries.mjs UNDERSTANDING.json QUERIES.json  -> JSON list on stdout
import { readFileSync } from "node:fs";
import { QueryReader, cleanQuery } from "../../../../site_src/assets/search/query.js";

const [understanding, queries] = process.argv.slice(2).map((p) => JSON.parse(readFileSync(p, "utf8")));
const reader = new QueryReader(understanding);
const out = queries.map((q) => {
  const { text, notes, problem } = cleanQuery(q);
  if (!text) return { problem, notes };
  const u = reader.read(text);
  return { text: u.text, expansions: u.expansions, direction: u.direction, notes };
});
process.stdout.write(JSON.stringify(out));
