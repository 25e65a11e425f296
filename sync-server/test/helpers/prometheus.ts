import parsePrometheusTextFormat, { type PrometheusFamily } from 'parse-prometheus-text-format';

/** The text a scraper reads, parsed as Prometheus would, by family name. */
export const parseMetrics = (text: string): Map<string, PrometheusFamily> =>
  new Map(parsePrometheusTextFormat(text).map((family) => [family.name, family]));

/** Every series name a family puts in the text (a histogram's `_bucket`, `_sum`, `_count`; a summary's `_sum`, `_count`). */
export const seriesNames = (families: Iterable<PrometheusFamily>): Set<string> => {
  const names = new Set<string>();
  for (const { name, type } of families) {
    names.add(name);
    if (type === 'HISTOGRAM') for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${name}${suffix}`);
    if (type === 'SUMMARY') for (const suffix of ['_sum', '_count']) names.add(`${name}${suffix}`);
  }
  return names;
};
