import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** templates/ at the package root; the same from src/ (tests) and dist/ (the built bin). */
export const templatesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'templates');
