#!/usr/bin/env node
// Makes a fresh Debian machine with Node 20 ready for `npm test` or `npm start`:
// installs the npm packages when node_modules is missing or older than the lock file, and the
// Debian packages named in package.json "debianPackages" for the command being run. As root it
// installs what is missing; otherwise it stops with the exact apt-get line to run.
// Plain CommonJS with no dependencies, because it runs before node_modules exists.
'use strict';
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const purpose = process.argv[2] || 'test';

function npmPackagesStale() {
  const installed = path.join(root, 'node_modules', '.package-lock.json');
  if (!fs.existsSync(installed)) return true;
  return fs.statSync(path.join(root, 'package-lock.json')).mtimeMs > fs.statSync(installed).mtimeMs;
}

function ensureNpmPackages() {
  if (!npmPackagesStale()) return;
  console.log('Installing npm packages (npm ci)...');
  const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status || 1);
}

function isDebianPackageInstalled(name) {
  const result = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
  return result.status === 0 && result.stdout.includes('install ok installed');
}

function ensureDebianPackages() {
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const wanted = (manifest.debianPackages && manifest.debianPackages[purpose]) || [];
  const missing = wanted.filter((name) => !isDebianPackageInstalled(name));
  if (missing.length === 0) return;
  const line = `apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    console.error(`These Debian packages are needed for "npm ${purpose}" and are missing. Run as root:\n  apt-get update && ${line}`);
    process.exit(1);
  }
  console.log(`Installing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { stdio: 'inherit', env });
}

ensureDebianPackages();
ensureNpmPackages();
