// Runs a child process with a hard time limit and collects its output; never throws on a non-zero exit, so a
// test can assert on the exit code and show the output when it fails.
import { execFile } from 'node:child_process';

export interface RunResult {
  /** Exit code, or null when the process was killed (e.g. at the time limit). */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd: string;
  timeoutMs: number;
  env?: NodeJS.ProcessEnv;
}

// npm must never reach the registry from a test, nor check for its own updates.
export const offlineNpmEnv: NodeJS.ProcessEnv = {
  npm_config_offline: 'true',
  npm_config_update_notifier: 'false',
  npm_config_audit: 'false',
  npm_config_fund: 'false',
};

export function run(command: string, args: string[], options: RunOptions): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      {
        cwd: options.cwd,
        env: { ...process.env, ...offlineNpmEnv, ...options.env },
        timeout: options.timeoutMs,
        killSignal: 'SIGKILL',
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        if (!error) return resolve({ code: 0, signal: null, stdout, stderr });
        if (typeof error.code === 'string') return reject(error); // could not start (e.g. ENOENT)
        resolve({ code: error.code ?? null, signal: error.signal ?? null, stdout, stderr });
      },
    );
  });
}

/** A readable summary for assertion messages. */
export function describeRun(label: string, result: RunResult): string {
  return `${label} exited ${result.code} (signal ${result.signal})\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;
}
