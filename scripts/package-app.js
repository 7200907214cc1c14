#!/usr/bin/env node
/**
 * Stages the Function App's deployment package: what `azd package` / `azd deploy` zips and uploads.
 *   node scripts/package-app.js [--out DIR]     (default dist/azure-functions, azure.yaml's `dist:`)
 *   DRY_RUN=1 node scripts/package-app.js        prints the folder and the steps, changes nothing
 *
 * azure.yaml runs this as the `api` service's `prepackage` hook. What azd itself does for a `language: ts`,
 * `host: function` service (Azure/azure-dev, cli/azd/pkg/project/framework_service_node.go,
 * service_target_functionapp.go and project_utils.go): `npm install` in the project, `npm run build`, then
 * it zips the service's `dist:` folder (the project folder when there is none), leaving out `.azure/`,
 * `local.settings.json` and what a `.funcignore` *in that folder* lists. It never prunes devDependencies, and
 * with no `.funcignore` it leaves out node_modules unless `remoteBuild: false` is set. So the zipped folder is
 * built here, holding only what the app runs from:
 *   dist/src/           the app compiled afresh from src/ alone (scripts/tsconfig.package.json), no source maps,
 *                       and the dashboard's browser code (src/dashboard/browser/tsconfig.json) in dist/src/dashboard/static
 *   host.json           the Functions host's configuration
 *   package.json        unchanged: its "main" (dist/src/index.js) is how the Node worker finds the app
 *   package-lock.json   the lock the dependencies below were installed from
 *   node_modules/       `npm ci --omit=dev`: production dependencies only, exactly as locked
 * Flex Consumption runs the package as uploaded (azure.yaml sets remoteBuild: false; see
 * https://learn.microsoft.com/azure/azure-functions/deployment-zip-push), so nothing else is installed there.
 * test/integration/infra/packageContents.test.ts builds the package with this script and checks it.
 */
'use strict';
const { spawnSync } = require('node:child_process');
const { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
/** azure.yaml's `dist:` for the api service, relative to the project. */
const DEFAULT_OUT = path.join('dist', 'azure-functions');
const COPIED = ['host.json', 'package.json', 'package-lock.json'];
const dryRun = process.env.DRY_RUN === '1';

function fail(message) {
  console.error(`package-app: ${message}`);
  process.exit(1);
}

function outFolder(argv) {
  const at = argv.indexOf('--out');
  if (at === -1) return path.join(root, DEFAULT_OUT);
  const value = argv[at + 1];
  if (!value) fail('--out needs a folder.');
  return path.resolve(value);
}

/** Refuses to empty a folder that holds the project, or one that is not an earlier package of this app. */
function checkOut(out, name) {
  const inside = (parent, child) => child === parent || child.startsWith(parent + path.sep);
  if (inside(out, root)) fail(`${out} holds the project itself; choose a folder of its own.`);
  if (!existsSync(out) || readdirSync(out).length === 0) return;
  const manifest = path.join(out, 'package.json');
  const earlier = existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === name;
  if (!earlier) fail(`${out} is not empty and is not an earlier package of ${name}; it is left alone.`);
}

function run(what, command, args, cwd) {
  if (dryRun) {
    console.log(`dry run: ${what}: ${[command, ...args].join(' ')} (in ${cwd})`);
    return;
  }
  console.log(`package-app: ${what}`);
  // npm is npm.cmd on Windows, which only a shell runs.
  const result = spawnSync(command, args, { cwd, stdio: 'inherit', shell: process.platform === 'win32' && command === 'npm' });
  if (result.error) fail(`${what} could not start: ${result.error.message}`);
  if (result.status !== 0) fail(`${what} failed (exit ${result.status ?? result.signal}).`);
}

function main() {
  const out = outFolder(process.argv.slice(2));
  const { name } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  checkOut(out, name);
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  if (!dryRun && !existsSync(tsc)) fail('TypeScript is not installed: run `npm ci` (or `npm install`) first.');

  if (dryRun) console.log(`dry run: would package into ${out}`);
  else {
    rmSync(out, { recursive: true, force: true });
    mkdirSync(out, { recursive: true });
  }
  run('compile src/ into dist/src', process.execPath, [tsc, '-p', path.join(__dirname, 'tsconfig.package.json'), '--outDir', path.join(out, 'dist')], root);
  // The browser code's own program (DOM library, ES modules), where the dashboard function reads it.
  run('compile the dashboard\'s browser code into dist/src/dashboard/static', process.execPath,
    [tsc, '-p', path.join(root, 'src', 'dashboard', 'browser', 'tsconfig.json'), '--outDir', path.join(out, 'dist', 'src', 'dashboard', 'static')], root);
  if (dryRun) console.log(`dry run: copy ${COPIED.join(', ')}`);
  else for (const file of COPIED) cpSync(path.join(root, file), path.join(out, file));
  run('install the production dependencies', 'npm', ['ci', '--omit=dev', '--no-bin-links', '--no-audit', '--no-fund', '--prefer-offline'], out);
  if (dryRun) return;

  // Anything src/ imports from outside src/ would be compiled beside it (dist/tools, dist/test...) and missed here.
  const compiled = readdirSync(path.join(out, 'dist'));
  if (compiled.join() !== 'src') fail(`the compiled app holds ${compiled.join(', ')}: src/ imports from outside src/.`);
  console.log(`package-app: ${out} holds ${readdirSync(out).sort().join(', ')}`);
}

main();
