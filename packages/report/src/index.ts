// A result in, a rendering out: the end-of-run text table, the JSON result document and the HTML page.

export { type Difference, diffResults, type RankedRun, rankRuns, renderDiff, renderRanking } from './compare.js';
export { renderCsv } from './csv.js';
export { renderHgrm } from './hgrm.js';
export { renderHlog } from './hlog.js';
export { renderHtml } from './html.js';
export { renderJson } from './json.js';
export { bytes, count, duration, millis, rate } from './numbers.js';
export { type ProgressState, renderProgress } from './progress.js';
export { table } from './table.js';
export { renderText } from './text.js';
export { actualValue, evaluateThresholds, parseThreshold, type Threshold, ThresholdError } from './thresholds.js';
