export { typecheckWebFiles } from './typecheck.js';
export type { TypecheckDiagnostic, TypecheckOptions, TypecheckResult } from './types.js';
