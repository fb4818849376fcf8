/** Whether process `pid` exists (signal 0 checks without sending anything; EPERM means it exists as another user). */
export function daemonAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
