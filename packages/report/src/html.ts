import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Result } from '@volley/metrics';
import { htmlView } from './html-view.js';
import type { ReportFormat } from './report-format.js';

interface Assets {
  uplotJs: string;
  uplotCss: string;
  pageJs: string;
  pageCss: string;
}

let assets: Assets | undefined;

/** uPlot from node_modules and the page's own script and style, read once: nothing is fetched when the page opens. */
function loadAssets(): Assets {
  if (assets) return assets;
  const require = createRequire(import.meta.url);
  const read = (path: string | URL): string => readFileSync(path, 'utf8');
  // From dist/ and from src/ alike, the assets folder is one level up.
  assets = {
    uplotJs: read(require.resolve('uplot/dist/uPlot.iife.min.js')),
    uplotCss: read(require.resolve('uplot/dist/uPlot.min.css')),
    pageJs: read(new URL('../assets/report.js', import.meta.url)),
    pageCss: read(new URL('../assets/report.css', import.meta.url)),
  };
  return assets;
}

/**
 * Text inside <script> or <style> ends at the first `</script` or `</style`, whatever quotes surround it, and
 * `<!--` changes how the rest is parsed. JSON gets `<` as \u003c (JSON.parse reads it back unchanged); code gets
 * `<\/` and `<\!--`, which mean the same in JS strings and regular expressions, the only places they can occur.
 */
const jsonForScript = (value: unknown): string =>
  JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
const codeForScript = (code: string): string => code.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
const cssForStyle = (css: string): string => css.replace(/<\/(style)/gi, '<\\/$1');

const sha256 = (text: string): string => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/**
 * The result as one self-contained HTML page: uPlot and the data inline, no network request when it opens.
 * Nothing from the result is written as markup: the data sits in a JSON script block and the page's script
 * builds the DOM from it with textContent. The Content-Security-Policy forbids every fetch and allows only the
 * two scripts written here (by hash), so even an injected event handler would not run.
 */
export function renderHtml(result: Result): string {
  const { uplotJs, uplotCss, pageJs, pageCss } = loadAssets();
  const scripts = [codeForScript(uplotJs), codeForScript(pageJs)];
  const csp = [
    "default-src 'none'",
    `script-src ${scripts.map(sha256).join(' ')}`,
    "style-src 'unsafe-inline'",
    'img-src data:',
  ].join('; ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<title>Volley report</title>
<style>${cssForStyle(uplotCss)}</style>
<style>${cssForStyle(pageCss)}</style>
</head>
<body>
<main id="report"><noscript>This report draws itself with JavaScript; its data is in the volley-view block.</noscript></main>
<script type="application/json" id="volley-view">${jsonForScript(htmlView(result))}</script>
<script>${scripts[0]}</script>
<script>${scripts[1]}</script>
</body>
</html>
`;
}

/** `--format html`, in FORMATS. */
export const htmlFormat = {
  name: 'html',
  summary: 'one self-contained page with charts, that opens offline',
  render: renderHtml,
} satisfies ReportFormat;
