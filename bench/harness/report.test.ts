import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CrossRunRatioError, ratio, reportBaseName, Run, writeReport, type Measurement, type Report } from './report';
import { cpuPerRequest } from './scenario';

function figure(over: Partial<Measurement> & { label: string }): Omit<Measurement, 'runId'> {
  return {
    target: 'ours',
    workload: 'user-posts',
    connections: 50,
    durationSeconds: 20,
    reqPerSec: 1000,
    latency: { count: 20_000, min: 1, mean: 5, p50: 4, p90: 8, p99: 12, max: 40 },
    ok: 20_000,
    non2xx: 0,
    graphqlErrors: 0,
    transportErrors: 0,
    timeouts: 0,
    ...over,
  };
}

describe('ratios', () => {
  it('divides numerator by denominator for throughput, latency percentiles and CPU per request', () => {
    const run = new Run('gateway-cost');
    const ours = run.add(figure({ label: 'ours', reqPerSec: 1500, cpuMsPerRequest: { gateway: 0.5 } }));
    const peer = run.add(
      figure({
        label: 'peer',
        reqPerSec: 1000,
        latency: { count: 1, min: 1, mean: 1, p50: 8, p90: 9, p99: 24, max: 30 },
        cpuMsPerRequest: { gateway: 1 },
      }),
    );
    expect(run.ratio('throughput', ours, peer, 'reqPerSec').value).toBe(1.5);
    expect(run.ratio('p50', 'ours', 'peer', 'p50').value).toBe(0.5);
    expect(run.ratio('p99', 'ours', 'peer', 'p99').value).toBe(0.5);
    expect(run.ratio('cpu', 'ours', 'peer', 'cpu:gateway').value).toBe(0.5);
    expect(run.ratios.map((r) => r.runId)).toEqual(Array(4).fill(run.id));
  });

  it('pairs rounds: the value is the median of the per-round ratios', () => {
    const run = new Run('gateway-cost');
    const ours = [900, 300, 1000].map((v, i) => run.add(figure({ label: `ours / round ${i + 1}`, reqPerSec: v })));
    const peer = [450, 300, 400].map((v, i) => run.add(figure({ label: `peer / round ${i + 1}`, reqPerSec: v })));
    const r = run.ratioOfRounds('ours vs peer', ours, peer, 'reqPerSec');
    expect(r.perRound).toEqual([2, 1, 2.5]);
    expect(r.value).toBe(2);
    expect(r).toMatchObject({ numerator: 'ours', denominator: 'peer' });
    expect(() => run.ratioOfRounds('x', ours, peer.slice(1), 'p50')).toThrow(/3 rounds against 2/);
    const stranger = new Run('other').add(figure({ label: 'stranger' }));
    expect(() => run.ratioOfRounds('x', [ours[0]!], [stranger], 'p50')).toThrow(CrossRunRatioError);
  });

  it('refuses to compare figures from different runs', () => {
    const a = new Run('gateway-cost').add(figure({ label: 'ours' }));
    const b = new Run('gateway-cost').add(figure({ label: 'peer' }));
    expect(() => ratio('ours vs peer', a, b, 'reqPerSec')).toThrow(CrossRunRatioError);
    expect(() => ratio('ours vs peer', a, b, 'reqPerSec')).toThrow(/different runs/);
  });

  it('refuses a figure of another run into a run, and a ratio through a run that holds it', () => {
    const run = new Run('gateway-cost');
    const other = new Run('gateway-cost').add(figure({ label: 'elsewhere' }));
    expect(() => run.add(other)).toThrow(CrossRunRatioError);
    const mine = run.add(figure({ label: 'mine' }));
    expect(() => run.ratio('x', mine, other, 'p50')).toThrow(CrossRunRatioError);
  });

  it('says so when a figure has no CPU per request for the group asked', () => {
    const run = new Run('x');
    run.add(figure({ label: 'a' }));
    run.add(figure({ label: 'b' }));
    expect(() => run.ratio('cpu', 'a', 'b', 'cpu:gateway')).toThrow(/no CPU per request/);
    expect(() => run.find('missing')).toThrow(/no figure "missing"/);
  });
});

describe('cpuPerRequest', () => {
  it('turns cores used over a window into CPU milliseconds per successful request', () => {
    expect(cpuPerRequest({ gateway: 0.5, subgraphs: 1 }, 10, 5000)).toEqual({ gateway: 1, subgraphs: 2 });
    expect(cpuPerRequest({ gateway: 0.5 }, 10, 0).gateway).toBeNaN();
  });
});

describe('writing a report', () => {
  function report(run: Run): Report {
    return {
      scenario: run.scenario,
      runId: run.id,
      date: '2026-01-31',
      startedAt: '2026-01-31T10:00:00.000Z',
      finishedAt: '2026-01-31T10:05:00.000Z',
      command: 'npm run bench -- gateway-cost',
      machine: { cores: 2, cpuModel: 'Test CPU', memoryGiB: 4, os: 'Linux', node: '20.20.0', loadAverage: [1, 2, 3], hostname: 'h' },
      versions: { node: '20.20.0', '@apollo/gateway': '2.14.4' },
      environment: { realServers: false, stores: 'memory stores', dataset: [{ scale: 'demo', users: 30, posts: 600, note: 'embedded' }] },
      settings: { connections: 50, 'duration s': 20 },
      description: ['What this measures.'],
      measurements: run.measurements,
      ratios: run.ratios,
      notes: ['a note'],
      charts: [{ name: 'throughput', title: 'Throughput', spec: { mark: 'bar' } }],
    };
  }

  it('writes <scenario>-<date>.md and .json and one PNG per chart into the directory', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-report-'));
    const run = new Run('gateway-cost');
    run.add(figure({ label: 'ours / user-posts', target: 'ours', cpu: { gateway: 0.9 }, cpuMsPerRequest: { gateway: 0.45 } }));
    run.add(figure({ label: 'hive / user-posts', target: 'hive', reqPerSec: 500, cpu: { gateway: 1 }, cpuMsPerRequest: { gateway: 2 } }));
    run.ratio('ours vs hive', 'ours / user-posts', 'hive / user-posts', 'reqPerSec');
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47]);
    const written = await writeReport(report(run), dir, { renderPng: async () => png });

    expect(readdirSync(dir).sort()).toEqual([
      'gateway-cost-2026-01-31-throughput.png',
      'gateway-cost-2026-01-31.json',
      'gateway-cost-2026-01-31.md',
    ]);
    const json = JSON.parse(readFileSync(written.json, 'utf8')) as Report;
    expect(json.runId).toBe(run.id);
    expect(json.measurements.map((m) => m.runId)).toEqual([run.id, run.id]);
    expect(json.ratios[0]).toMatchObject({ numerator: 'ours / user-posts', denominator: 'hive / user-posts', value: 2 });

    const md = readFileSync(written.markdown, 'utf8');
    expect(md).toContain('# gateway-cost (2026-01-31)');
    expect(md).toContain('NOT real servers');
    expect(md).toContain('2 cores (Test CPU)');
    expect(md).toContain('@apollo/gateway 2.14.4');
    expect(md).toMatch(/\| user-posts \| ours \| 1000\.0 \| 4\.00 \| 12\.0 \|/);
    expect(md).toContain('| ours vs hive | ours / user-posts | hive / user-posts | reqPerSec | 2.00x |');
    expect(md).toContain('![Throughput](gateway-cost-2026-01-31-throughput.png)');
    expect(md).toContain('- a note');
  });

  it('says "real servers" when it ran on them, and a tag keeps two runs of a day apart', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-report-'));
    const r = { ...report(new Run('timeline-pull')), charts: [] };
    r.environment = {
      realServers: true,
      stores: 'FerretDB + Neo4j',
      servers: { mongodbUri: 'mongodb://h/' },
      dataset: [{ scale: 'S', prefix: 'bench_s', users: 10_000 }],
    };
    const written = await writeReport(r, dir, { tag: 'after' });
    expect(path.basename(written.markdown)).toBe('timeline-pull-2026-01-31-after.md');
    const md = readFileSync(written.markdown, 'utf8');
    expect(md).toContain('**real servers**');
    expect(md).toContain('scale S (prefix `bench_s`): 10000 users');
  });

  it('refuses names that would escape the directory', () => {
    expect(() => reportBaseName('../x', '2026-01-31')).toThrow();
    expect(() => reportBaseName('ok', '2026-01-31', '../../etc')).toThrow();
    expect(reportBaseName('gateway-cost', '2026-01-31', 'v2')).toBe('gateway-cost-2026-01-31-v2');
  });
});
