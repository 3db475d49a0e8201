import path from 'node:path';
import { packageRoot } from '../package-root.js';

/** templates/ at the package root. */
export const templatesDir = path.join(packageRoot, 'templates');
