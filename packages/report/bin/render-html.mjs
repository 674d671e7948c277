#!/usr/bin/env node
// Renders a result file as the HTML report, from the built package: node bin/render-html.mjs RESULT.json OUT.html
// (a stand-in until `volley report FILE --format html` exists).
import { readFileSync, writeFileSync } from 'node:fs';
import { renderHtml } from '../dist/index.js';

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  process.stderr.write('usage: render-html.mjs RESULT.json OUT.html\n');
  process.exit(2);
}
writeFileSync(output, renderHtml(JSON.parse(readFileSync(input, 'utf8'))));
