/** Process probes shared by the browser teardown and the local server's instance file. */

/** True when a process with this pid exists (signal 0 probe; EPERM: it exists, another user owns it). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
