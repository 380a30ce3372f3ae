// Mozilla HTTP Observatory's scoring, run locally against one page of our site.
//
// The package's own CLI (`mdn-http-observatory-scan HOST`) scans only the default ports
// and the root path; this driver does exactly what its `scan()` does (src/scanner/index.js
// of @mdn/mdn-http-observatory 1.4.x: retrieve, run ALL_TESTS, add the modifiers, curve
// with extra credit only from an A), passing the ports and path to the retriever.
//
// usage: node scripts/observatory.mjs PACKAGE_DIR HOST HTTP_PORT HTTPS_PORT PATH
// prints one JSON object: {path, score, grade, tests: {name: [result, modifier]}}
import path from "node:path";
import { pathToFileURL } from "node:url";

const [packageDir, host, httpPort, httpsPort, pagePath] = process.argv.slice(2);
const load = (file) => import(pathToFileURL(path.join(packageDir, "src", file)).href);

const { retrieve } = await load("retriever/retriever.js");
const { ALL_TESTS } = await load("constants.js");
const { getGradeForScore, getScoreModifier } = await load("grader/grader.js");
const { MINIMUM_SCORE_FOR_EXTRA_CREDIT } = await load("grader/charts.js");

const r = await retrieve(host, { httpPort, httpsPort, path: pagePath });
if (!r.responses.auto) {
  console.log(JSON.stringify({ path: pagePath, error: "the site seems to be down" }));
  process.exit(1);
}
const { status } = r.responses.auto;
if (status < 200 || (status >= 400 && ![401, 403].includes(status))) {
  console.log(JSON.stringify({ path: pagePath, error: `HTTP status ${status}` }));
  process.exit(1);
}

let withExtraCredit = 100;
let uncurved = 100;
const tests = {};
for (const test of ALL_TESTS) {
  const result = test(r);
  if (!result.result) continue;
  const modifier = getScoreModifier(result.result);
  withExtraCredit += modifier;
  if (modifier < 0) uncurved += modifier;
  tests[result.constructor.name] = [result.result, modifier];
}
const score = uncurved >= MINIMUM_SCORE_FOR_EXTRA_CREDIT ? withExtraCredit : uncurved;
const final = getGradeForScore(score);
console.log(
  JSON.stringify({ path: pagePath, status, score: final.score, grade: final.grade, tests })
);
