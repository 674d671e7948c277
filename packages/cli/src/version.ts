import { createRequire } from 'node:module';

/**
 * This CLI's version, from the package.json one level above this file: src/ and dist/ in the workspace, and the
 * bundle's dist/ in the published `volley` package (whose package.json is its own), alike.
 */
export const version: string = (createRequire(import.meta.url)('../package.json') as { version: string }).version;
