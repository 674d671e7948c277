import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Result } from '@volley/metrics';
import { htmlView } from './html-view.js';
import type { ReportFormat } from './report-format.js';

interface Assets {
  uplotJs: string;
  uplotCss: string;
  reportJs: string;
  reportCss: string;
  dashboardJs: string;
  dashboardCss: string;
}

let assets: Assets | undefined;

/** uPlot from node_modules and the pages' own scripts and styles, read once: nothing is fetched when a page opens. */
function loadAssets(): Assets {
  if (assets) return assets;
  const require = createRequire(import.meta.url);
  const read = (path: string | URL): string => readFileSync(path, 'utf8');
  // From dist/ and from src/ alike, the assets folder is one level up.
  assets = {
    uplotJs: read(require.resolve('uplot/dist/uPlot.iife.min.js')),
    uplotCss: read(require.resolve('uplot/dist/uPlot.min.css')),
    reportJs: read(new URL('../assets/report.js', import.meta.url)),
    reportCss: read(new URL('../assets/report.css', import.meta.url)),
    dashboardJs: read(new URL('../assets/dashboard.js', import.meta.url)),
    dashboardCss: read(new URL('../assets/dashboard.css', import.meta.url)),
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

/** What one self-contained page carries. */
interface PageParts {
  title: string;
  /** JSON blocks, by element id: data for the scripts, never markup. */
  data: Record<string, unknown>;
  scripts: string[];
  styles: string[];
  /** The page may open connections to where it came from (the live dashboard's event stream); none otherwise. */
  connectSelf: boolean;
}

/**
 * One page, everything inline. Nothing from a result is written as markup: the data sits in JSON script blocks
 * and the scripts build the DOM from it with textContent. The Content-Security-Policy forbids every fetch (but
 * the dashboard's own stream) and allows only the scripts written here (by hash), so even an injected event
 * handler would not run.
 */
function selfContainedPage(parts: PageParts): string {
  const scripts = parts.scripts.map(codeForScript);
  const csp = [
    "default-src 'none'",
    `script-src ${scripts.map(sha256).join(' ')}`,
    "style-src 'unsafe-inline'",
    'img-src data:',
    ...(parts.connectSelf ? ["connect-src 'self'"] : []),
  ].join('; ');
  const data = Object.entries(parts.data)
    .map(([id, value]) => `<script type="application/json" id="${id}">${jsonForScript(value)}</script>\n`)
    .join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<title>${parts.title}</title>
${parts.styles.map((css) => `<style>${cssForStyle(css)}</style>`).join('\n')}
</head>
<body>
<main id="report"><noscript>This page draws itself with JavaScript; its data is in a JSON block.</noscript></main>
${data}${scripts.map((code) => `<script>${code}</script>`).join('\n')}
</body>
</html>
`;
}

/** The result as one self-contained HTML page: uPlot and the data inline, no network request when it opens. */
export function renderHtml(result: Result): string {
  const a = loadAssets();
  return selfContainedPage({
    title: 'Volley report',
    data: { 'volley-view': htmlView(result) },
    scripts: [a.uplotJs, a.reportJs],
    styles: [a.uplotCss, a.reportCss],
    connectSelf: false,
  });
}

/** What the live dashboard page is told when it is served. */
export interface DashboardConfig {
  /** Sent back with a Stop, so that only a page this server served can stop the run. */
  stopKey: string;
  /** Shown before the first event arrives. */
  title: string;
}

/**
 * The live dashboard: one self-contained page that follows the run through its server's event stream
 * (`/events`, the only connection it may open) and, at the end, draws the final report with the report's own
 * script and offers the report's HTML file for download.
 */
export function renderDashboardPage(config: DashboardConfig): string {
  const a = loadAssets();
  return selfContainedPage({
    title: 'Volley live',
    data: { 'volley-dashboard': config },
    scripts: [a.uplotJs, a.reportJs, a.dashboardJs],
    styles: [a.uplotCss, a.reportCss, a.dashboardCss],
    connectSelf: true,
  });
}

/** `--format html`, in FORMATS. */
export const htmlFormat = {
  name: 'html',
  summary: 'one self-contained page with charts, that opens offline',
  render: renderHtml,
} satisfies ReportFormat;
