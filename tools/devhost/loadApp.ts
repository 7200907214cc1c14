import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DevHostError } from './errors';

/**
 * Loads the app the way the worker does: the entry point is `main` of the app's package.json
 * (a file or a glob-free path); requiring it runs every `app.*` registration.
 */
export function loadApp(appRoot: string): string {
  const packageFile = path.join(appRoot, 'package.json');
  if (!existsSync(packageFile)) {
    throw new DevHostError('DEVHOST_APP_NOT_FOUND', `No package.json in ${appRoot}: point --app-root at a Functions app.`);
  }
  const pkg = JSON.parse(readFileSync(packageFile, 'utf8')) as { main?: string };
  if (!pkg.main) throw new DevHostError('DEVHOST_APP_NOT_FOUND', `${packageFile} has no "main" entry point.`);
  const entry = path.resolve(appRoot, pkg.main);
  if (!existsSync(entry)) {
    throw new DevHostError('DEVHOST_APP_NOT_FOUND', `The app entry point ${entry} (package.json "main") does not exist; run "npm run build" first.`);
  }
  // The entry is only known at run time, so it is required, as the worker does.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require(entry);
  return entry;
}
