import { type ProcessEntry, readProcessTable } from './readProcessTable';

/**
 * A process, every process it started (children, their children...), and every member of its
 * process group, as they are now: what Ctrl+C on it must end. Servers run in groups of their own
 * (spawnServer), so they are found as descendants; a process whose parent died meanwhile is found
 * through its group.
 */
export function snapshotProcessTree(rootPid: number): ProcessEntry[] {
  const table = readProcessTable();
  const found = new Map<number, ProcessEntry>();
  for (const entry of table) if (entry.pid === rootPid || entry.pgid === rootPid) found.set(entry.pid, entry);
  let grew = found.size > 0;
  while (grew) {
    grew = false;
    for (const entry of table) {
      if (!found.has(entry.pid) && found.has(entry.ppid)) {
        found.set(entry.pid, entry);
        grew = true;
      }
    }
  }
  return [...found.values()];
}

/**
 * The processes of a snapshot still alive: same pid and start time (not a new process given a
 * freed pid), and not a zombie (dead, only waiting for its parent to collect its exit status).
 */
export function stillRunning(snapshot: ProcessEntry[]): ProcessEntry[] {
  const now = new Map(readProcessTable().map((entry) => [entry.pid, entry]));
  return snapshot.filter((entry) => {
    const current = now.get(entry.pid);
    return current !== undefined && current.startTicks === entry.startTicks && current.state !== 'Z';
  });
}
