// The one home of measurement: interval recorder, histogram encoding, merging, summaries, the Result type.
export {
  type AgentInfo,
  type LiveAgentFigures,
  type Merged,
  type MergedEndpoint,
  RunAggregate,
} from './aggregate.js';
export {
  BucketArena,
  type EncodedHistogram,
  MAX_INFLATED_HISTOGRAM_BYTES,
  readEncodedHistogram,
} from './encoded-histogram.js';
export {
  type AgentHealth,
  type CpuSource,
  type GeneratorHealth,
  HealthTally,
  isSaturated,
  mergeHealth,
  SATURATED_CPU,
  SATURATED_LAG_MS,
  SATURATED_SHARE,
} from './health.js';
export {
  createIntervalHistogram,
  createTotalHistogram,
  decodeHistogram,
  decodeHistogramBase64,
  encodeHistogram,
  encodeHistogramBase64,
  type Histogram,
  meanAndStdDeviation,
  SIGNIFICANT_DIGITS,
} from './histogram.js';
export {
  addCounts,
  type CheckCount,
  countMap,
  type EndpointInterval,
  type IntervalData,
  sumCounts,
} from './interval.js';
export {
  type ClassDetail,
  type EndpointDetail,
  type IntervalDetail,
  intervalDetail,
} from './interval-detail.js';
export {
  type AcceptedReport,
  DEFAULT_MAX_OPEN_INTERVALS,
  IntervalMerger,
  type IntervalMergerOptions,
  IntervalRejectedError,
  type MemberId,
  type MergeNotice,
  type RejectionCode,
} from './interval-merger.js';
export { encodeMergedInterval, summarizeMergedInterval } from './merged-forms.js';
export type { MergedEndpointInterval, MergedInterval } from './merged-interval.js';
export { Recorder } from './recorder.js';
export {
  type AgentSummary,
  type EndpointSummary,
  type IntervalSummary,
  type IterationSummary,
  RESULT_SCHEMA,
  type RequestCounts,
  type Result,
  type ThresholdResult,
} from './result.js';
export { buildResult, type RunFacts } from './result-builder.js';
export {
  bucketsOf,
  type ClassBuckets,
  classOfStatus,
  cumulativeCounts,
  LATENCY_BOUNDS_US,
  LATENCY_BUCKETS_S,
  STATUS_CLASSES,
} from './status-classes.js';
export { type LatencySummary, summarize } from './summary.js';
