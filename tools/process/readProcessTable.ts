import { readdirSync, readFileSync } from 'node:fs';

/** One line of the process table, from Linux's `/proc/<pid>/stat` (proc(5)). */
export interface ProcessEntry {
  pid: number;
  /** The executable's name, at most 15 characters (`dovecot`, `slapd`, `node`, `sh`). */
  name: string;
  ppid: number;
  /** Process group id. */
  pgid: number;
  /** `R` running, `S` sleeping, `Z` zombie (dead, waiting for its parent to collect its exit status), ... */
  state: string;
  /** Start time in clock ticks after boot: with the pid, tells a process from a later one given the same pid. */
  startTicks: number;
}

/** Every process of the machine, zombies included. */
export function readProcessTable(): ProcessEntry[] {
  const entries: ProcessEntry[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const entry = tryReadStat(name);
    if (entry) entries.push(entry);
  }
  return entries;
}

/** True while a process of group `pgid` is alive; zombies do not count (they are dead, only not yet collected). */
export function isProcessGroupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch {
    return false; // ESRCH: nobody is in the group, not even a zombie
  }
  return readProcessTable().some((p) => p.pgid === pgid && p.state !== 'Z');
}

function tryReadStat(pid: string): ProcessEntry | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return undefined; // exited meanwhile
  }
  // "pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime
  // cutime cstime priority nice threads itrealvalue starttime ...": comm may hold spaces and
  // parentheses, so the fields are counted from the last ")".
  const nameEnd = text.lastIndexOf(')');
  const fields = text.slice(nameEnd + 2).split(' ');
  return {
    pid: Number(pid),
    name: text.slice(text.indexOf('(') + 1, nameEnd),
    state: fields[0] ?? '?',
    ppid: Number(fields[1]),
    pgid: Number(fields[2]),
    startTicks: Number(fields[19]),
  };
}
