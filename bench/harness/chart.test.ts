import { facetedBarSpec, renderPng } from './chart';

describe('charts', () => {
  it('renders a vega-lite bar chart to a PNG', async () => {
    const png = await renderPng(
      facetedBarSpec({
        title: 'req/s',
        valueTitle: 'requests per second',
        data: [
          { group: 'user-posts', series: 'ours', value: 900 },
          { group: 'user-posts', series: 'hive', value: 400 },
        ],
      }),
    );
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.length).toBeGreaterThan(1000);
  });
});
