/** Resident memory of a process tree, read from /proc (Linux only). */
import { readdirSync, readFileSync } from "node:fs";

/** VmRSS (KiB) of `pid` plus its descendants, and how many processes that was. */
export function treeRss(pid: number): { kb: number; processes: number } {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = safeRead(`/proc/${entry}/stat`);
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    if (Number.isFinite(ppid)) children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
  }
  let kb = 0;
  let processes = 0;
  const queue = [pid];
  while (queue.length > 0) {
    const current = queue.shift()!;
    const rss = /VmRSS:\s+(\d+)\s+kB/.exec(safeRead(`/proc/${current}/status`))?.[1];
    if (rss !== undefined) {
      kb += Number(rss);
      processes += 1;
    }
    queue.push(...(children.get(current) ?? []));
  }
  return { kb, processes };
}

/** Samples treeRss(pid) every 50 ms until stop(), which returns the peak (including one last sample). */
export function sampleRss(pid: number): { stop(): { kb: number; processes: number } } {
  let peak = treeRss(pid);
  const timer = setInterval(() => {
    const now = treeRss(pid);
    if (now.kb > peak.kb) peak = now;
  }, 50);
  return {
    stop() {
      clearInterval(timer);
      const last = treeRss(pid);
      return last.kb > peak.kb ? last : peak;
    },
  };
}

/** The text of `path`, or "" if it cannot be read (a process that has just exited). */
function safeRead(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}
