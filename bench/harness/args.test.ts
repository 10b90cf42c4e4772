import { parseBenchArgs } from './args';

describe('parseBenchArgs', () => {
  it('has defaults for everything but the scenario', () => {
    expect(parseBenchArgs(['gateway-cost'])).toEqual({
      scenario: 'gateway-cost',
      scales: ['S'],
      durationSeconds: 20,
      warmupSeconds: 5,
      connections: 50,
      real: false,
      prefixes: { S: 'bench_s', M: 'bench_m' },
      workers: 1,
      rounds: 1,
      sample: 500,
      seed: 1,
    });
  });

  it('reads every option', () => {
    const args = parseBenchArgs(
      'timeline-pull --scale s,M --duration 30 --warmup 0 --connections 8 --real --workers 0 --rounds 3 --sample 100 --seed 7 --prefix-s a_s --prefix-m a_m --only ours,hive --tag x --out /tmp/r'.split(
        ' ',
      ),
    );
    expect(args).toMatchObject({
      scales: ['S', 'M'],
      durationSeconds: 30,
      warmupSeconds: 0,
      connections: 8,
      real: true,
      workers: 0,
      rounds: 3,
      sample: 100,
      seed: 7,
      prefixes: { S: 'a_s', M: 'a_m' },
      only: ['ours', 'hive'],
      tag: 'x',
      outDir: '/tmp/r',
    });
  });

  it('refuses bad input with the option named', () => {
    expect(() => parseBenchArgs([])).toThrow(/exactly one scenario/);
    expect(() => parseBenchArgs(['a', 'b'])).toThrow(/exactly one scenario/);
    expect(() => parseBenchArgs(['x', '--scale', 'L'])).toThrow(/--scale/);
    expect(() => parseBenchArgs(['x', '--duration', '0'])).toThrow(/--duration/);
    expect(() => parseBenchArgs(['x', '--connections', '2.5'])).toThrow(/--connections/);
    expect(() => parseBenchArgs(['x', '--prefix-s', 'bad-prefix'])).toThrow(/--prefix-s/);
    expect(() => parseBenchArgs(['x', '--bogus'])).toThrow(/bogus/);
  });
});
