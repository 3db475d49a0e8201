// What the pipeline imports from here lives in tiers.ts and generate.ts; kept so those imports resolve.
export { tiersSchema, parseTierList } from './tiers.js';
export type { GenerateOptions } from './generate.js';
