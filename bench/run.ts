import { readdirSync } from 'node:fs';
import path from 'node:path';

/**
 * `npm run bench`: runs every `*.bench.js` beside this file in turn. Each bench module's default
 * export starts what it needs, prints its figures (never pass/fail) and cleans up.
 * `npm run bench -- devhost` runs only the benches whose file name contains "devhost".
 */
async function main(): Promise<void> {
  const filter = process.argv[2];
  const files = readdirSync(__dirname)
    .filter((f) => f.endsWith('.bench.js') && (!filter || f.includes(filter)))
    .sort();
  for (const file of files) {
    console.log(`\n=== ${file.replace(/\.bench\.js$/, '')} ===`);
    const mod = (await import(path.join(__dirname, file))) as { default: () => Promise<void> };
    await mod.default();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
