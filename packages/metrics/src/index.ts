// The one home of measurement: interval recorder, histogram encoding, merging, summaries, the Result type.
export { type AgentInfo, type Merged, type MergedEndpoint, RunAggregate, warmUpMerging } from './aggregate.js';
export {
  BucketArena,
  type EncodedHistogram,
  MAX_INFLATED_HISTOGRAM_BYTES,
  readEncodedHistogram,
} from './encoded-histogram.js';
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
  DEFAULT_MAX_OPEN_INTERVALS,
  IntervalMerger,
  type IntervalMergerOptions,
  IntervalRejectedError,
  type MemberId,
  type MergeNotice,
  type RejectionCode,
} from './interval-merger.js';
export {
  encodeMergedInterval,
  type MergedEndpointInterval,
  type MergedInterval,
  summarizeMergedInterval,
} from './merged-interval.js';
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
export { type LatencySummary, summarize } from './summary.js';
