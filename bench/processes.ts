import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { waitForServer } from './http.js';

/** A server the bench started in a process of its own, with its resident memory readable. */
export class ServerProcess {
  private constructor(
    readonly name: string,
    readonly child: ChildProcess,
    readonly url: string,
    private readonly output: string[],
  ) {}

  static async start(
    name: string,
    script: string,
    args: string[],
    env: NodeJS.ProcessEnv,
    url: string,
    readyPath = '/',
  ): Promise<ServerProcess> {
    const output: string[] = [];
    // BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/profiles" profiles the servers.
    const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const child = spawn(process.execPath, [...nodeArgs, script, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => {
      output.push(chunk.toString());
      if (output.length > 200) {
        output.shift();
      }
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const exited = new Promise<never>((_resolve, reject) => {
      child.once('exit', (code) =>
        reject(new Error(`${name} exited with ${code}:\n${output.join('')}`)),
      );
    });
    await Promise.race([waitForServer(`${url}${readyPath}`), exited]);
    exited.catch(() => undefined);
    return new ServerProcess(name, child, url, output);
  }

  /**
   * CPU time the process has used so far (user + system), in ms (Linux /proc, clock ticks of
   * 10 ms): what a request costs the server whatever the others on the machine take.
   */
  cpuMs(): number {
    const stat = readFileSync(`/proc/${this.child.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 of stat (utime, stime); the slice starts at field 3.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  }

  /** Resident set size now, in MB (Linux /proc). */
  rssMb(): number {
    const status = readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
    const match = /VmRSS:\s+(\d+) kB/.exec(status);
    return match ? Number(match[1]) / 1024 : Number.NaN;
  }

  /** Samples the RSS every `intervalMs` until stopped; returns the peak. */
  sampleRss(intervalMs = 20): { stop(): number } {
    let peak = this.rssMb();
    const timer = setInterval(() => {
      peak = Math.max(peak, this.rssMb());
    }, intervalMs);
    return {
      stop: () => {
        clearInterval(timer);
        return Math.max(peak, this.rssMb());
      },
    };
  }

  log(): string {
    return this.output.join('');
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) {
      return;
    }
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    const timeout = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timeout);
  }
}

/** Runs a script to completion and returns its stdout. */
export function runScript(script: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('exit', (code) =>
      code === 0 ? resolve(stdout) : reject(new Error(`${script} exited ${code}: ${stderr}`)),
    );
  });
}
