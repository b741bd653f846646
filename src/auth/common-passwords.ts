import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { PROJECT_ROOT } from '../common/paths.js';

const DATA_DIR = resolve(PROJECT_ROOT, 'src/auth/data');
const FILES = ['common-passwords.txt', 'common-passwords-zh.txt'];

let loaded: ReadonlySet<string> | undefined;

/**
 * The most common passwords (src/auth/data/: 20,000 from breaches plus a Chinese list), lower
 * case, read from disk once per process on first use.
 */
export function commonPasswords(): ReadonlySet<string> {
  if (!loaded) {
    const set = new Set<string>();
    for (const file of FILES) {
      for (const line of readFileSync(resolve(DATA_DIR, file), 'utf8').split('\n')) {
        const word = line.trim().toLowerCase();
        if (word) {
          set.add(word);
        }
      }
    }
    loaded = set;
  }
  return loaded;
}
