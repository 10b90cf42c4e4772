// Health probes for scripts/services, with no dependency on node_modules (except neo4j-driver, when present,
// for a real Bolt query). Each probe speaks the server's own protocol, so "healthy" means "answers a request",
// not just "accepts a TCP connection".
//
//   node probe.mjs free-ports <n>                          n free loopback ports, outside the ephemeral range
//   node probe.mjs port-free <port>                        exit 0 when the port can be bound on 127.0.0.1
//   node probe.mjs check <kind> <target>                   one attempt; exit 0 when healthy
//   node probe.mjs wait <kind> <target> <pid> <timeoutMs>  retry until healthy (0), timeout (1), pid died (2)
//
// kinds: redis <port> | nats <port>,<monitorPort> | mongo <port> | neo4j <port>

import { readFileSync } from 'node:fs';
import net from 'node:net';

const HOST = '127.0.0.1';
const ATTEMPT_MS = 3000; // one probe attempt; a healthy local server answers in milliseconds
const RETRY_MS = 100; // between attempts while a server boots

/** Opens a socket, writes `request`, resolves with the bytes read once `done(buffer)` says the reply is complete. */
function exchange(port, request, done) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: HOST, port });
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => finish(new Error('timeout')), ATTEMPT_MS);
    function finish(err, value) {
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(value);
    }
    socket.on('connect', () => {
      if (request) socket.write(request);
    });
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      if (done(buf)) finish(null, buf);
    });
    socket.on('error', (err) => finish(err));
    socket.on('close', () => finish(new Error('closed before a full reply')));
  });
}

async function redis(port) {
  const reply = await exchange(Number(port), 'PING\r\n', (b) => b.includes('\r\n'));
  if (!reply.toString().startsWith('+PONG')) throw new Error(`unexpected reply ${reply}`);
}

async function nats(target) {
  const [port, monitor] = target.split(',').map(Number);
  // JetStream must be up too, not just the core server.
  const res = await fetch(`http://${HOST}:${monitor}/healthz?js-enabled-only=true`, { signal: AbortSignal.timeout(ATTEMPT_MS) });
  if (res.status !== 200) throw new Error(`healthz ${res.status} ${await res.text()}`);
  const info = await exchange(port, null, (b) => b.includes('\r\n'));
  if (!info.toString().startsWith('INFO ')) throw new Error(`unexpected greeting ${info}`);
}

// Minimal BSON for an OP_MSG `{ ping: 1, $db: "admin" }` and for finding `ok` in the reply.
function bsonPing() {
  const cstr = (s) => Buffer.from(`${s}\0`);
  const int32 = (n) => {
    const b = Buffer.alloc(4);
    b.writeInt32LE(n);
    return b;
  };
  const body = Buffer.concat([Buffer.from([0x10]), cstr('ping'), int32(1), Buffer.from([0x02]), cstr('$db'), int32(6), cstr('admin')]);
  const doc = Buffer.concat([int32(body.length + 5), body, Buffer.from([0])]);
  const msg = Buffer.concat([int32(0), int32(1), int32(0), int32(2013), int32(0), Buffer.from([0]), doc]);
  msg.writeInt32LE(msg.length, 0);
  return msg;
}

const FIXED_SIZES = { 0x01: 8, 0x07: 12, 0x08: 1, 0x09: 8, 0x0a: 0, 0x10: 4, 0x11: 8, 0x12: 8, 0x13: 16 };

function bsonOk(doc) {
  let i = 4;
  while (i < doc.length - 1) {
    const type = doc[i];
    const nameEnd = doc.indexOf(0, i + 1);
    const name = doc.toString('utf8', i + 1, nameEnd);
    const v = nameEnd + 1;
    if (name === 'ok') {
      if (type === 0x01) return doc.readDoubleLE(v);
      if (type === 0x10) return doc.readInt32LE(v);
      if (type === 0x08) return doc[v];
    }
    if (type in FIXED_SIZES) i = v + FIXED_SIZES[type];
    else if (type === 0x02 || type === 0x0d || type === 0x0e) i = v + 4 + doc.readInt32LE(v);
    else if (type === 0x03 || type === 0x04) i = v + doc.readInt32LE(v);
    else if (type === 0x05) i = v + 5 + doc.readInt32LE(v);
    else throw new Error(`unsupported BSON type ${type} before "ok"`);
  }
  throw new Error('no "ok" in the reply');
}

async function mongo(port) {
  const reply = await exchange(Number(port), bsonPing(), (b) => b.length >= 4 && b.length >= b.readInt32LE(0));
  // header (16) + flagBits (4) + section kind (1), then the document
  const ok = bsonOk(reply.subarray(21));
  if (ok !== 1) throw new Error(`ping answered ok: ${ok}`);
}

async function neo4j(port) {
  let driverModule;
  try {
    driverModule = await import('neo4j-driver');
  } catch {
    driverModule = undefined;
  }
  if (driverModule) {
    const lib = driverModule.default ?? driverModule;
    const driver = lib.driver(`bolt://${HOST}:${port}`, undefined, { connectionTimeout: ATTEMPT_MS, maxConnectionPoolSize: 1 });
    const session = driver.session();
    try {
      await session.run('RETURN 1 AS ok'); // auto-commit: no driver retries hiding the real answer
    } finally {
      await session.close();
      await driver.close();
    }
    return;
  }
  // Without the driver: the Bolt handshake, offering 5.0-5.8 and 4.4; a non-zero answer is an agreed version.
  const hello = Buffer.from([0x60, 0x60, 0xb0, 0x17, 0, 8, 8, 5, 0, 0, 4, 4, 0, 0, 0, 0, 0, 0, 0, 0]);
  const reply = await exchange(Number(port), hello, (b) => b.length >= 4);
  if (reply.readUInt32BE(0) === 0) throw new Error('no Bolt version agreed');
}

const PROBES = { redis, nats, mongo, neo4j };

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

function canBind(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ host: HOST, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** The kernel hands out ports from this range for port 0 and outgoing connections; staying below it means a
 * test listening on port 0 can never take a server's port while that server is stopped for a degradation test. */
function ephemeralLow() {
  try {
    return Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || 32768;
  } catch {
    return 32768;
  }
}

async function freePorts(n) {
  const low = 15000;
  const high = Math.max(low + 1000, ephemeralLow()) - 1;
  const picked = new Set();
  for (let tries = 0; picked.size < n && tries < 1000; tries++) {
    const port = low + Math.floor(Math.random() * (high - low));
    if (!picked.has(port) && (await canBind(port))) picked.add(port);
  }
  if (picked.size < n) throw new Error(`found only ${picked.size} free ports`);
  return [...picked];
}

async function main([command, ...args]) {
  switch (command) {
    case 'free-ports':
      console.log((await freePorts(Number(args[0] ?? 1))).join(' '));
      return 0;
    case 'port-free':
      return (await canBind(Number(args[0]))) ? 0 : 1;
    case 'check': {
      const [kind, target] = args;
      try {
        await PROBES[kind](target);
        return 0;
      } catch (err) {
        console.error(`${kind}: ${err.message ?? err}`);
        return 1;
      }
    }
    case 'wait': {
      const [kind, target, pid, timeoutMs] = args;
      const deadline = Date.now() + Number(timeoutMs);
      let last;
      for (;;) {
        if (pid !== '0' && !isAlive(Number(pid))) return 2;
        try {
          await PROBES[kind](target);
          return 0;
        } catch (err) {
          last = err;
        }
        if (Date.now() > deadline) {
          console.error(`${kind}: not healthy after ${timeoutMs} ms: ${last?.message ?? last}`);
          return 1;
        }
        await new Promise((r) => setTimeout(r, RETRY_MS));
      }
    }
    default:
      console.error(`unknown probe command: ${command}`);
      return 64;
  }
}

process.exitCode = await main(process.argv.slice(2));
