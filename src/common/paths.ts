import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root: found by walking up from this file (works from src/ under jest and from dist/src). */
function findProjectRoot(): string {
  let directory = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(directory, 'package.json'))) {
    const parent = dirname(directory);
    if (parent === directory) {
      return process.cwd();
    }
    directory = parent;
  }
  return directory;
}

export const PROJECT_ROOT = findProjectRoot();
export const VIEWS_ROOT = resolve(PROJECT_ROOT, 'views');
export const PUBLIC_ROOT = resolve(PROJECT_ROOT, 'public');
export const NODE_MODULES = resolve(PROJECT_ROOT, 'node_modules');
