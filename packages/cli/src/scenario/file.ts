// The scenario file as its JSON Schema (`schema/scenario.schema.json`) describes it, once validated.

export type HeaderMap = Record<string, string | number | boolean>;

/** One entry of `requests:`. */
export interface RequestEntry {
  name: string;
  method?: string;
  path?: string;
  url?: string;
  headers?: HeaderMap;
  body?: string;
  bodyFile?: string;
  weight?: number;
}

/** One entry of `flow:`. */
export interface StepEntry extends Omit<RequestEntry, 'weight'> {
  check?: {
    status?: number | number[];
    body_contains?: string;
    json?: Record<string, string | number | boolean>;
    header?: Record<string, string | number | true>;
  };
  capture?: Record<string, { json: string } | { header: string } | { regex: string }>;
  think?: number | string;
}

/** One entry of `data:`. */
export interface DataEntry {
  file: string;
  format?: 'csv' | 'json' | 'jsonl';
  order?: 'unique' | 'sequential' | 'random';
}

/** `load:`. */
export interface LoadEntry {
  model?: 'closed' | 'open';
  connections?: number;
  rate?: number | string;
  stages?: Array<{ duration: number | string; target: number | string }>;
  duration?: number | string;
  requests?: number;
  iterations?: number;
  client?: string;
  timeout?: number | string;
  pipelining?: number;
  http2?: boolean;
  insecure?: boolean;
}

export interface ScenarioFile {
  url?: string;
  thresholds?: string[];
  headers?: HeaderMap;
  redact?: string[];
  data?: Record<string, DataEntry>;
  flow?: StepEntry[];
  cookies?: boolean;
  requests?: RequestEntry[];
  load?: LoadEntry;
}
