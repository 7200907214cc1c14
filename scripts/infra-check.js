#!/usr/bin/env node
/**
 * `npm run infra:check`: compiles and lints infra/ with the real Bicep compiler, warnings as errors.
 * The compiler comes from NuGet (tools/bicep/bicepCli.csproj, restored with the .NET SDK), so CI needs
 * no download from anywhere else. Prints each diagnostic and exits non-zero on any.
 */
'use strict';
const { spawnSync } = require('node:child_process');
const { chmodSync, existsSync, mkdtempSync, rmSync, statSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const project = path.join(root, 'tools', 'bicep', 'bicepCli.csproj');
const VERSION = '0.49.2';
const bicep = path.join(root, 'tools', 'bicep', '.packages', 'azure.bicep.commandline.linux-x64', VERSION, 'tools', 'bicep');
const entry = path.join(root, 'infra', 'main.bicep');
/** Deployed on its own by the postdeploy hook, after the code: compiled and linted too. */
const hookEntry = path.join(root, 'infra', 'eventSubscription.bicep');

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, encoding: 'utf8' });
  if (result.error) throw new Error(`${command} could not be run: ${result.error.message}`);
  return result;
}

function ensureCompiler() {
  if (existsSync(bicep)) return;
  console.log(`Restoring the Bicep compiler ${VERSION} from NuGet (dotnet restore)...`);
  const restored = run('dotnet', ['restore', project, '--nologo']);
  if (restored.status !== 0 || !existsSync(bicep)) {
    process.stderr.write(restored.stdout + restored.stderr);
    throw new Error(`Restoring Azure.Bicep.CommandLine.linux-x64 ${VERSION} failed (exit ${restored.status}); see above.`);
  }
  chmodSync(bicep, 0o755);
}

/** Runs one bicep command; its diagnostics (warnings included) are failures. */
function check(what, args) {
  const result = run(bicep, args);
  const output = `${result.stdout}${result.stderr}`.trim();
  const diagnostics = output.split('\n').filter((line) => /\b(Warning|Error)\b/.test(line));
  if (result.status !== 0 || diagnostics.length > 0) {
    process.stderr.write(`${output}\n`);
    throw new Error(`bicep ${what} reported ${diagnostics.length} diagnostic(s) (exit ${result.status}).`);
  }
  console.log(`bicep ${what}: no warnings, no errors.`);
}

/** Every setting the app reads is set by the template or documented as optional (tools/infra/checkSettings.ts). */
function crossCheck(template) {
  const checker = path.join(root, 'dist', 'tools', 'infra', 'checkSettings.js');
  const source = path.join(root, 'tools', 'infra', 'checkSettings.ts');
  if (!existsSync(checker) || statSync(checker).mtimeMs < statSync(source).mtimeMs) {
    const built = run('npx', ['tsc', '-p', 'tsconfig.json']);
    if (built.status !== 0) throw new Error(`Building the settings cross-check failed:\n${built.stdout}${built.stderr}`);
  }
  const result = run(process.execPath, [checker, template]);
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  if (result.status !== 0) throw new Error('The settings cross-check failed (see above).');
}

try {
  ensureCompiler();
  console.log(run(bicep, ['--version']).stdout.trim());
  const out = mkdtempSync(path.join(tmpdir(), 'infra-check-'));
  try {
    check('build', ['build', entry, '--outfile', path.join(out, 'main.json')]);
    check('lint', ['lint', entry]);
    check('build (eventSubscription)', ['build', hookEntry, '--outfile', path.join(out, 'eventSubscription.json')]);
    check('lint (eventSubscription)', ['lint', hookEntry]);
    crossCheck(path.join(out, 'main.json'));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
} catch (error) {
  console.error(error.message);
  process.exit(1);
}
