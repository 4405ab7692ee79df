/**
 * A real ClickHouse cluster on loopback for tests, benches and trying tracehound out: one
 * ZooKeeper and four clickhouse-server processes (2 shards × 2 replicas, cluster name
 * `tracehound`), from Debian's `zookeeper` and `clickhouse-server` packages, nothing else.
 *
 *   node --import tsx scripts/clickhouse-cluster.ts start DIR   # prints the URLs, writes DIR/cluster.json
 *   node --import tsx scripts/clickhouse-cluster.ts stop DIR
 *
 * Ports are picked free at run time (several worktrees may run clusters at once); every file the
 * servers write stays under DIR. From code: `startClickHouseCluster(dir)`, which also offers
 * `killReplica` (kill -9) and `restartReplica` for fail-over tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync, readFileSync, existsSync, openSync, closeSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export const CLUSTER_NAME = 'tracehound';

export interface ReplicaInfo {
  shard: number;
  replica: number;
  httpPort: number;
  tcpPort: number;
  interserverPort: number;
  url: string;
  pid: number;
}

export interface ClusterInfo {
  dir: string;
  cluster: string;
  zookeeperPort: number;
  zookeeperPid: number;
  replicas: ReplicaInfo[];
  /** HTTP URLs of the servers, shard 1 first (four with the default two shards). */
  urls: string[];
}

export interface RunningCluster extends ClusterInfo {
  /** kill -9 one server (index into `replicas`); resolves once it has exited. */
  killReplica(index: number): Promise<void>;
  /** Starts a killed server again with the same ports and data; resolves once it answers. */
  restartReplica(index: number): Promise<void>;
  /**
   * SIGTERM to every server's and ZooKeeper's process group (SIGKILL after 10 s), or SIGKILL at
   * once with `kill: true` (data thrown away); resolves once all have exited, within about 15 s
   * whatever they do. Idempotent: a second call waits for the first. Never rejects.
   */
  stop(options?: { kill?: boolean }): Promise<void>;
}

export interface StartOptions {
  /**
   * Leave the processes running when this process exits (the `start` command). By default a
   * process that exits without calling `stop` (a crashed test run) SIGKILLs the cluster on its
   * way out, so no orphaned servers are left behind.
   */
  outliveParent?: boolean;
  /** Shards of two replicas each; default 2 (the 2 × 2 cluster). The bench compares 1 with 2. */
  shards?: number;
}

const ZOOKEEPER_CLASSPATH = '/usr/share/java/zookeeper.jar:/usr/share/java/*';

/** Ports free right now on 127.0.0.1 (held open together so they are distinct). */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => new Promise<import('node:net').Server>((ok, fail) => {
      const server = createServer();
      server.once('error', fail);
      server.listen(0, '127.0.0.1', () => ok(server));
    })),
  );
  const ports = servers.map((s) => (s.address() as import('node:net').AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((ok) => s.close(ok))));
  return ports;
}

function serverConfig(dir: string, r: Omit<ReplicaInfo, 'url' | 'pid'>, zookeeperPort: number, all: Omit<ReplicaInfo, 'url' | 'pid'>[]): string {
  const shards = [...new Set(all.map((x) => x.shard))]
    .map((shard) => `      <shard>
        <internal_replication>true</internal_replication>
${all.filter((x) => x.shard === shard).map((x) => `        <replica><host>127.0.0.1</host><port>${x.tcpPort}</port></replica>`).join('\n')}
      </shard>`)
    .join('\n');
  return `<?xml version="1.0"?>
<yandex>
  <logger>
    <level>warning</level>
    <log>${dir}/server.log</log>
    <errorlog>${dir}/server.err.log</errorlog>
    <size>10M</size>
    <count>2</count>
    <console>0</console>
  </logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>${r.httpPort}</http_port>
  <tcp_port>${r.tcpPort}</tcp_port>
  <interserver_http_port>${r.interserverPort}</interserver_http_port>
  <interserver_http_host>127.0.0.1</interserver_http_host>
  <path>${dir}/</path>
  <tmp_path>${dir}/tmp/</tmp_path>
  <user_files_path>${dir}/user_files/</user_files_path>
  <format_schema_path>${dir}/format_schemas/</format_schema_path>
  <users_config>${dir}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <max_connections>256</max_connections>
  <keep_alive_timeout>3</keep_alive_timeout>
  <max_concurrent_queries>100</max_concurrent_queries>
  <uncompressed_cache_size>67108864</uncompressed_cache_size>
  <mark_cache_size>134217728</mark_cache_size>
  <builtin_dictionaries_reload_interval>3600</builtin_dictionaries_reload_interval>
  <max_session_timeout>3600</max_session_timeout>
  <default_session_timeout>60</default_session_timeout>
  <remote_servers>
    <${CLUSTER_NAME}>
${shards}
    </${CLUSTER_NAME}>
  </remote_servers>
  <zookeeper>
    <node><host>127.0.0.1</host><port>${zookeeperPort}</port></node>
    <session_timeout_ms>4000</session_timeout_ms>
  </zookeeper>
  <macros>
    <shard>0${r.shard}</shard>
    <replica>r${r.shard}${r.replica}</replica>
  </macros>
  <distributed_ddl><path>/clickhouse/task_queue/ddl</path></distributed_ddl>
</yandex>
`;
}

const USERS_XML = `<?xml version="1.0"?>
<yandex>
  <profiles>
    <default>
      <max_memory_usage>2000000000</max_memory_usage>
      <load_balancing>in_order</load_balancing>
    </default>
  </profiles>
  <users>
    <default>
      <password></password>
      <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
      <profile>default</profile>
      <quota>default</quota>
    </default>
  </users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
`;

/** How often the supervisor restarts one server that died on its own before giving up. */
const MAX_CRASH_RESTARTS = 3;

function sleep(ms: number): Promise<void> {
  return new Promise((ok) => setTimeout(ok, ms));
}

function tcpOpen(port: number): Promise<boolean> {
  return new Promise((ok) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => { socket.destroy(); ok(true); });
    socket.once('error', () => ok(false));
  });
}

async function waitUntil(what: string, check: () => Promise<boolean>, child: ChildProcess | undefined, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`${what} exited with code ${child.exitCode} while starting`);
    if (await check().catch(() => false)) return;
    await sleep(50);
  }
  throw new Error(`${what} not ready after ${timeoutMs} ms`);
}

async function httpQuery(url: string, sql: string): Promise<string> {
  const response = await fetch(url, { method: 'POST', body: sql, signal: AbortSignal.timeout(5_000) });
  const text = await response.text();
  if (!response.ok) throw new Error(`${response.status}: ${text}`);
  return text;
}

/**
 * Processes this module started, not yet exited, that this process SIGKILLs on its way out
 * (all but those of `outliveParent` clusters). Every child leads its own process group (spawned
 * detached), so a signal to `-pid` reaches anything it forked too.
 */
const reapOnExit = new Set<ChildProcess>();
let exitHookInstalled = false;

function spawnLogged(command: string, args: string[], logFile: string, cwd: string, outliveParent: boolean): ChildProcess {
  const fd = openSync(logFile, 'a');
  const child = spawn(command, args, { cwd, stdio: ['ignore', fd, fd], detached: true });
  closeSync(fd);
  if (!outliveParent) {
    installExitHook();
    reapOnExit.add(child);
    child.once('exit', () => reapOnExit.delete(child));
  }
  return child;
}

/** Signals the child's whole process group; quiet when it is already gone. */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try { child.kill(signal); } catch { /* already gone */ }
  }
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null || child.pid === undefined;
}

/** Resolves true once the child has exited, false after `timeoutMs`. */
function exitedWithin(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (hasExited(child)) return Promise.resolve(true);
  return new Promise((ok) => {
    const timer = setTimeout(() => { child.off('exit', onExit); ok(false); }, timeoutMs);
    const onExit = () => { clearTimeout(timer); ok(true); };
    child.once('exit', onExit);
  });
}

function exited(child: ChildProcess): Promise<void> {
  return exitedWithin(child, 2 ** 31 - 1).then(() => undefined);
}

/** Grace before SIGKILL when stopping cleanly, and how long a SIGKILLed process is waited for. */
const TERM_GRACE_MS = 10_000;
const KILL_WAIT_MS = 5_000;

/**
 * SIGTERM (or SIGKILL with `kill`) to the child's process group, SIGKILL after TERM_GRACE_MS,
 * and waits for the exit at most KILL_WAIT_MS more: bounded, idempotent, never throws. A process
 * still there after that (stuck in the kernel) is reported on stderr and left to the OS.
 */
async function stopChild(child: ChildProcess, kill = false): Promise<void> {
  if (hasExited(child)) return;
  if (!kill) {
    signalGroup(child, 'SIGTERM');
    if (await exitedWithin(child, TERM_GRACE_MS)) return;
  }
  signalGroup(child, 'SIGKILL');
  if (!(await exitedWithin(child, KILL_WAIT_MS))) {
    console.error(`clickhouse-cluster: pid ${child.pid} (${child.spawnfile}) did not exit ${KILL_WAIT_MS} ms after SIGKILL`);
  }
}

/** On this process's exit, SIGKILL whatever it started and did not stop (synchronous: 'exit' allows nothing else). */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of reapOnExit) signalGroup(child, 'SIGKILL');
  });
}

/** Starts the cluster in `dir` (created if missing) and resolves once all five processes answer. */
export async function startClickHouseCluster(dirArg: string, startOptions: StartOptions = {}): Promise<RunningCluster> {
  const dir = resolve(dirArg);
  const outliveParent = startOptions.outliveParent ?? false;
  mkdirSync(dir, { recursive: true });
  const shardCount = startOptions.shards ?? 2;
  if (!Number.isInteger(shardCount) || shardCount < 1 || shardCount > 9) throw new RangeError(`shards: 1 to 9, not ${shardCount}`);
  const serverCount = shardCount * 2;
  const ports = await freePorts(1 + serverCount * 3);
  const zookeeperPort = ports[0]!;
  const layout = Array.from({ length: serverCount }, (_, i) => ({
    shard: Math.floor(i / 2) + 1,
    replica: (i % 2) + 1,
    httpPort: ports[1 + i * 3]!,
    tcpPort: ports[2 + i * 3]!,
    interserverPort: ports[3 + i * 3]!,
  }));

  const zkDir = join(dir, 'zookeeper');
  mkdirSync(join(zkDir, 'data'), { recursive: true });
  writeFileSync(join(zkDir, 'zoo.cfg'), [
    `dataDir=${zkDir}/data`,
    `clientPort=${zookeeperPort}`,
    'clientPortAddress=127.0.0.1',
    'tickTime=500',
    'maxClientCnxns=0',
    'admin.enableServer=false',
    '4lw.commands.whitelist=ruok,srvr',
    '',
  ].join('\n'));
  const zookeeper = spawnLogged('java', [
    '-Xmx256m', '-XX:+UseSerialGC', '-Dzookeeper.log.dir=' + zkDir, '-Dzookeeper.admin.enableServer=false',
    '-cp', ZOOKEEPER_CLASSPATH, 'org.apache.zookeeper.server.ZooKeeperServerMain', join(zkDir, 'zoo.cfg'),
  ], join(zkDir, 'zookeeper.log'), zkDir, outliveParent);

  const servers: (ChildProcess | undefined)[] = [];
  const replicas: ReplicaInfo[] = [];
  /** Servers stopped on purpose (killReplica): not restarted by the supervisor below. */
  const killedOnPurpose = new WeakSet<ChildProcess>();
  const crashRestarts: number[] = [];
  const startServer = (i: number): ChildProcess => {
    const r = layout[i]!;
    const serverDir = join(dir, `ch-s${r.shard}r${r.replica}`);
    const child = spawnLogged('clickhouse-server', [`--config-file=${join(serverDir, 'config.xml')}`], join(serverDir, 'stdout.log'), serverDir, outliveParent);
    servers[i] = child;
    // Supervisor: clickhouse-server 18.16 now and then dies on its own (a segfault in its
    // ZooKeeper client was seen under load), which would leave a shard without its insert quorum
    // for the rest of a test run. A server that exits while the cluster runs and was not killed
    // on purpose is started again, at most MAX_CRASH_RESTARTS times per server.
    child.once('exit', (code, signal) => {
      if (stopping || killedOnPurpose.has(child) || servers[i] !== child) return;
      const restarts = (crashRestarts[i] ?? 0) + 1;
      crashRestarts[i] = restarts;
      if (restarts > MAX_CRASH_RESTARTS) return;
      console.error(`clickhouse-cluster: ch-s${r.shard}r${r.replica} exited on its own (code ${code}, signal ${signal}); restarting it (${restarts}/${MAX_CRASH_RESTARTS})`);
      setTimeout(() => {
        if (stopping || servers[i] !== child) return;
        const restarted = startServer(i);
        if (replicas[i]) replicas[i]!.pid = restarted.pid ?? -1;
      }, 500).unref();
    });
    return child;
  };
  let stopping: Promise<void> | undefined;
  const stopAll = (options: { kill?: boolean } = {}): Promise<void> => {
    stopping ??= (async () => {
      // Servers first (they would otherwise log ZooKeeper errors while going down), then ZooKeeper.
      await Promise.all(servers.map((s) => (s ? stopChild(s, options.kill) : undefined)));
      await stopChild(zookeeper, options.kill);
    })();
    return stopping;
  };

  try {
    await waitUntil('ZooKeeper', () => tcpOpen(zookeeperPort), zookeeper);
    for (let i = 0; i < serverCount; i++) {
      const r = layout[i]!;
      const serverDir = join(dir, `ch-s${r.shard}r${r.replica}`);
      for (const sub of ['tmp', 'user_files', 'format_schemas']) mkdirSync(join(serverDir, sub), { recursive: true });
      writeFileSync(join(serverDir, 'users.xml'), USERS_XML);
      writeFileSync(join(serverDir, 'config.xml'), serverConfig(serverDir, r, zookeeperPort, layout));
      const child = startServer(i);
      replicas.push({ ...r, url: `http://127.0.0.1:${r.httpPort}`, pid: child.pid ?? -1 });
    }
    await Promise.all(replicas.map((r, i) => waitReady(r.url, servers[i])));
  } catch (error) {
    await stopAll();
    throw error;
  }

  const info: ClusterInfo = {
    dir,
    cluster: CLUSTER_NAME,
    zookeeperPort,
    zookeeperPid: zookeeper.pid ?? -1,
    replicas,
    urls: replicas.map((r) => r.url),
  };
  writeFileSync(join(dir, 'cluster.json'), JSON.stringify(info, null, 2));

  return {
    ...info,
    async killReplica(index) {
      const child = servers[index];
      if (!child) throw new RangeError(`no replica ${index}`);
      killedOnPurpose.add(child);
      signalGroup(child, 'SIGKILL');
      await exited(child);
    },
    async restartReplica(index) {
      const child = servers[index];
      if (child && !hasExited(child)) throw new Error(`replica ${index} is still running`);
      if (stopping) throw new Error('the cluster is stopped');
      const started = startServer(index);
      replicas[index]!.pid = started.pid ?? -1;
      await waitReady(replicas[index]!.url, started);
    },
    stop: stopAll,
  };
}

/** A server is ready when it answers HTTP and reaches ZooKeeper (replicated tables need both). */
async function waitReady(url: string, child: ChildProcess | undefined): Promise<void> {
  await waitUntil(`clickhouse-server ${url}`, async () => (await httpQuery(url, 'SELECT 1')).trim() === '1', child);
  await waitUntil(`ZooKeeper from ${url}`, async () => {
    await httpQuery(url, "SELECT count() FROM system.zookeeper WHERE path = '/'");
    return true;
  }, child);
}

/** Stops a cluster started by another process, from the pids in DIR/cluster.json. */
async function stopFromFile(dir: string): Promise<void> {
  const file = join(resolve(dir), 'cluster.json');
  if (!existsSync(file)) throw new Error(`${file} not found: no cluster started in ${dir}`);
  const info = JSON.parse(readFileSync(file, 'utf8')) as ClusterInfo;
  // Only processes that are still this cluster's (a pid may have been reused since): their
  // command line names a config file under DIR.
  const pids = [...info.replicas.map((r) => r.pid), info.zookeeperPid].filter((p) => p > 0 && ownedBy(p, info.dir));
  // Each leads its own process group (spawned detached): signal the group, else the pid alone.
  const signal = (pid: number, sig: NodeJS.Signals) => {
    try { process.kill(-pid, sig); } catch { try { process.kill(pid, sig); } catch { /* already gone */ } }
  };
  for (const pid of pids) signal(pid, 'SIGTERM');
  const deadline = Date.now() + TERM_GRACE_MS;
  for (const pid of pids) {
    while (alive(pid) && ownedBy(pid, info.dir) && Date.now() < deadline) await sleep(50);
    if (alive(pid) && ownedBy(pid, info.dir)) signal(pid, 'SIGKILL');
  }
}

function ownedBy(pid: number, dir: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dir);
  } catch {
    return false;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function main(argv: string[]): Promise<void> {
  const [command, dir] = argv;
  if ((command !== 'start' && command !== 'stop') || !dir) {
    console.error('usage: node --import tsx scripts/clickhouse-cluster.ts start|stop DIR');
    process.exitCode = 2;
    return;
  }
  if (command === 'stop') {
    await stopFromFile(dir);
    return;
  }
  const cluster = await startClickHouseCluster(dir, { outliveParent: true });
  console.log(`cluster ${cluster.cluster} ready; ZooKeeper 127.0.0.1:${cluster.zookeeperPort}`);
  console.log(`TRACEHOUND_CLICKHOUSE_URLS=${cluster.urls.join(',')}`);
  console.log(`TRACEHOUND_CLICKHOUSE_CLUSTER=${cluster.cluster}`);
  console.log(`stop with: node --import tsx scripts/clickhouse-cluster.ts stop ${cluster.dir}`);
  // The servers are this process's children: detach so they outlive it.
  process.exit(0);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
