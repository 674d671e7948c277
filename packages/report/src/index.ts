// A result in, a rendering out: one registry of formats (text, JSON, CSV, hgrm, hlog, HTML), thresholds, ranking, diff.

export { renderCsv } from './csv.js';
export {
  type Difference,
  diffResults,
  isRegression,
  planDifferences,
  renderDiff,
  renderDiffJson,
} from './diff.js';
export { HEALTH_HEAD, healthNote, healthRows, saturationWarning, saturationWarnings } from './health.js';
export { renderHgrm } from './hgrm.js';
export { renderHlog } from './hlog.js';
export { type DashboardConfig, renderDashboardPage, renderHtml } from './html.js';
export { type HtmlView, htmlView } from './html-view.js';
export { renderJson } from './json.js';
export { bytes, count, duration, millis, rate } from './numbers.js';
export {
  fitProgress,
  type ProgressPart,
  type ProgressState,
  progressParts,
  rampAt,
  renderProgress,
} from './progress.js';
export { type RankedRun, rankRuns, renderRanking, renderRankingJson } from './ranking.js';
export { FORMAT_NAMES, FORMATS, type FormatName } from './registry.js';
export type { ReportFormat } from './report-format.js';
export { table } from './table.js';
export { ERROR_HINTS, errorKindLabel, nothingSucceeded, renderText } from './text.js';
export { FIGURES, type Figure, type FigureUnit, type ThresholdSection } from './threshold-figures.js';
export {
  actualValue,
  checkThresholdNames,
  evaluateThresholds,
  parseThreshold,
  type Threshold,
  ThresholdError,
} from './thresholds.js';
