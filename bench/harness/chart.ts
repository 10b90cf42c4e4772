import * as vega from 'vega';
import * as vegaLite from 'vega-lite';
import { Resvg } from '@resvg/resvg-js';

const FONT = 'DejaVu Sans';

/** vega-lite spec -> vega -> SVG (headless, no canvas) -> PNG with resvg, using the system fonts. */
export async function renderPng(spec: Record<string, unknown>): Promise<Buffer> {
  const withConfig = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    background: 'white',
    ...spec,
    config: { font: FONT, ...(spec['config'] as object | undefined) },
  };
  const quiet = vega.logger(vega.None);
  const compiled = vegaLite.compile(withConfig as vegaLite.TopLevelSpec, { logger: quiet }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logger: quiet });
  const svg = await view.toSVG(2);
  view.finalize();
  const png = new Resvg(svg, { font: { loadSystemFonts: true, defaultFontFamily: FONT }, background: 'white' }).render();
  return png.asPng();
}

/** Bars faceted into one column per group, one bar per series, with the value printed on each bar. */
export function facetedBarSpec(opts: {
  title: string;
  data: { group: string; series: string; value: number }[];
  valueTitle: string;
  seriesTitle?: string;
  /** Bar order within a group (and colour order); defaults to first appearance in data. */
  order?: string[];
  independentY?: boolean;
}): Record<string, unknown> {
  const order = opts.order ?? [...new Set(opts.data.map((d) => d.series))];
  return {
    title: opts.title,
    data: { values: opts.data },
    facet: { column: { field: 'group', type: 'nominal', title: null, header: { labelFontSize: 12 } } },
    spec: {
      width: { step: 28 },
      height: 240,
      encoding: {
        x: { field: 'series', type: 'nominal', title: null, sort: order, axis: { labelAngle: -30 } },
        y: { field: 'value', type: 'quantitative', title: opts.valueTitle },
        color: { field: 'series', type: 'nominal', title: opts.seriesTitle ?? null, legend: null, sort: order },
      },
      layer: [
        { mark: 'bar' },
        { mark: { type: 'text', dy: -6, fontSize: 9 }, encoding: { text: { field: 'value', type: 'quantitative', format: '.3~r' } } },
      ],
    },
    resolve: { scale: { x: 'independent', ...(opts.independentY ? { y: 'independent' } : {}) } },
  };
}
