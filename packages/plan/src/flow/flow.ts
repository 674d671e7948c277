/** How a flow's steps are taken: all in order each iteration (`flow:`), or one picked by weight (`requests:`). */
export type FlowPick = 'sequence' | 'weighted';

/** How a data set's rows are handed out: each used once over the whole run, walked in order, or drawn at random. */
export type DataOrder = 'unique' | 'sequential' | 'random';

export const DATA_ORDERS: readonly DataOrder[] = ['unique', 'sequential', 'random'];

/** Test data: one row per iteration, its columns read by templates as `{{ set.column }}`. */
export interface DataSet {
  name: string;
  order: DataOrder;
  columns: string[];
  rows: string[][];
}

/** A test on a step's response; a failed one is counted, and a status it expects is not a failure. */
export type Check =
  | { type: 'status'; statuses: number[] }
  /** The body holds this text (a template). */
  | { type: 'body'; contains: string }
  /** The JSON body's value at `path` equals this text (a template); numbers and booleans compare as their JSON. */
  | { type: 'json'; path: string; equals: string }
  /** The response has this header; with `equals`, with this value (a template). */
  | { type: 'header'; name: string; equals: string | null };

/** Where a capture takes its value from: a JSON path of the body, a response header, a regex's group of the body. */
export type CaptureSource = 'json' | 'header' | 'regex';

/** A value taken from a step's response into the virtual user's variables, read later as `{{ name }}`. */
export interface Capture {
  name: string;
  from: CaptureSource;
  /** The JSON path, the header name, or the regular expression (its first group, or the whole match). */
  expr: string;
}

/** One request of a flow. Path, header values, body and check values may hold templates (`{{ … }}`). */
export interface FlowStep {
  name: string;
  method: string;
  /** scheme://host:port the step goes to. */
  origin: string;
  /** Path and query, a template. */
  path: string;
  headers: Array<[string, string]>;
  /** A template (UTF-8 text), or null for no body. */
  body: string | null;
  checks: Check[];
  captures: Capture[];
  /** Pause after the step, uniform in [minMs, maxMs]; null for none. Part of the iteration, never of a latency. */
  think: { minMs: number; maxMs: number } | null;
  /** Weighted pick only: relative frequency. */
  weight: number;
}

/**
 * A user journey. Closed model: `connections` virtual users, each running iterations back to back. Open model:
 * `rate` iterations started per second, each on a free virtual user (at most `connections`). With a flow, a
 * request count (`requests`) counts iterations, and a `unique` data set ends the run when its rows are used up.
 */
export interface Flow {
  pick: FlowPick;
  steps: FlowStep[];
  data: DataSet[];
  /** A cookie jar per virtual user, emptied at the start of each iteration. */
  cookies: boolean;
  /** `$seq` in this share: seqStart, seqStart + seqStride, … (unique over the whole run, across agents). */
  seqStart: number;
  seqStride: number;
  /** `$vu` of this share's first virtual user: virtual users are numbered from 1 over the whole run. */
  vuStart: number;
}

// Bounds on what a flow may hold, so a plan fits a frame and an agent's memory.
export const MAX_STEPS = 100;
export const MAX_CHECKS = 32;
export const MAX_CAPTURES = 32;
export const MAX_DATA_SETS = 16;
/** All data sets' cells together, in UTF-8 bytes. */
export const MAX_DATA_BYTES = 16 * 1024 * 1024;
export const MAX_THINK_MS = 3_600_000;
