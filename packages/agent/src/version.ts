import { createRequire } from 'node:module';

/** This agent's version (sent in Hello), from the package.json one level above src/, dist/ and the bundle's dist/. */
export const version: string = (createRequire(import.meta.url)('../package.json') as { version: string }).version;
