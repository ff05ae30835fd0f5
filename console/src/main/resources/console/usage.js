// Usage: filters, charts of calls, tokens and cost over time (uPlot), a grouped table with
// totals, and the CSV export of the same records.
import { api, query } from './api.js';
import { busy, field, h, replaceChildren, shortId, table } from './ui.js';
import { PROVIDERS } from './keys.js';

const GROUPS = [['key', 'key'], ['model', 'model'], ['provider', 'provider'], ['proxy', 'LLM proxy'], ['day', 'day'], ['hour', 'hour']];
const COLORS = { calls: '#0b57d0', input: '#0b57d0', output: '#b3261e', cost: '#146c2e' };
const MAX_FILLED_BUCKETS = 24 * 93;

/** The filters last shown, kept while the page is open so that coming back shows the same. Nothing secret. */
let lastFilters = null;

function isoDate(date) {
  return date.toISOString().slice(0, 10);
}

function defaultFilters() {
  // Yesterday and today (UTC), by hour: the last day or two at a glance.
  const from = new Date(Date.now() - 86400000);
  return { from: isoDate(from), to: '', provider: '', model: '', llmProxyId: '', virtualKeyId: '', oauthClientId: '', over: 'hour', by: 'key' };
}

export function formatUsd(value) {
  const number = Number(value);
  if (!number) {
    return '$0';
  }
  if (number >= 0.01) {
    return `$${number.toFixed(2)}`;
  }
  const digits = Math.min(12, Math.max(2, 1 - Math.floor(Math.log10(number))));
  return `$${number.toFixed(digits)}`;
}

function formatCount(value) {
  return Number(value || 0).toLocaleString('en-US');
}

/** Epoch seconds of a time group's label: "2026-12-02T09:00Z" (hour) or "2026-12-02" (day). */
function bucketSeconds(label) {
  const millis = Date.parse(label.length === 10 ? `${label}T00:00:00Z` : label);
  return Number.isNaN(millis) ? null : millis / 1000;
}

/**
 * The series for the charts: one point per hour or day from the start of the range to its end
 * (zeros where nothing was called), so that a quiet hour shows as a zero, not as a straight line.
 */
function series(rows, filters, step) {
  const points = new Map();
  rows.forEach((row) => {
    const at = bucketSeconds(row.group);
    if (at !== null) {
      points.set(at, row);
    }
  });
  const known = [...points.keys()].sort((a, b) => a - b);
  let start = filters.from ? bucketSeconds(filters.from) : known[0];
  let end = filters.to ? bucketSeconds(filters.to) - step : Math.floor(Date.now() / 1000);
  if (known.length) {
    start = Math.min(start ?? known[0], known[0]);
    end = Math.max(end, known[known.length - 1]);
  }
  start = Math.floor(start / step) * step;
  end = Math.floor(end / step) * step;
  let times = known;
  if (Number.isFinite(start) && Number.isFinite(end) && (end - start) / step < MAX_FILLED_BUCKETS) {
    times = [];
    for (let at = start; at <= end; at += step) {
      times.push(at);
    }
  }
  const value = (at, name) => Number((points.get(at) || {})[name] || 0);
  return {
    times,
    calls: times.map((at) => value(at, 'calls')),
    input: times.map((at) => value(at, 'inputTokens')),
    output: times.map((at) => value(at, 'outputTokens')),
    cost: times.map((at) => value(at, 'costUsd')),
  };
}

function chart(container, title, data, seriesOptions, valueFormat) {
  const uPlot = window.uPlot;
  const figure = h('figure', { class: 'chart' }, h('figcaption', {}, title));
  container.append(figure);
  if (!uPlot) {
    figure.append(h('p', { class: 'form-error' }, 'The chart library did not load.'));
    return null;
  }
  const width = Math.max(240, figure.clientWidth - 4);
  const options = {
    width,
    height: 190,
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
    scales: { x: { time: true } },
    cursor: { drag: { x: false, y: false } },
    // The legend names the series; the table below has the numbers.
    legend: { live: false },
    series: [{ label: 'UTC' }, ...seriesOptions.map((options) => ({
      width: 2, points: { show: true, size: 5 }, value: (u, v) => (v == null ? '—' : valueFormat(v)), ...options,
    }))],
    axes: [
      { stroke: '#3c3c3c', grid: { stroke: '#e3e3e3' } },
      { stroke: '#3c3c3c', grid: { stroke: '#e3e3e3' }, size: 64, values: (u, values) => values.map(valueFormat) },
    ],
  };
  const plot = new uPlot(options, data, figure);
  figure.dataset.points = String(data[0].length);
  figure.dataset.total = String(data.slice(1).reduce((sum, values) => sum + values.reduce((a, b) => a + b, 0), 0));
  return plot;
}

export async function usagePage({ page, live }) {
  const [proxies, virtualKeys, clients] = await Promise.all([
    api('GET', '/api/admin/llm-proxies'), api('GET', '/api/admin/virtual-keys'), api('GET', '/api/admin/oauth-clients')]);
  if (!live()) {
    return;
  }
  const proxyNames = Object.fromEntries((proxies.data || []).map((p) => [p.id, p.name]));
  const keyNames = Object.fromEntries((virtualKeys.data || []).map((k) => [k.id, k.name]));
  const clientNames = Object.fromEntries((clients.data || []).map((c) => [c.id, c.name]));
  const filters = lastFilters || defaultFilters();
  const any = [['', 'any']];

  const show = h('button', { type: 'submit' }, 'Show');
  const csv = h('a', { class: 'button-link secondary', download: 'usage.csv' }, 'Download CSV');
  const form = h('form', { class: 'card filters', 'aria-labelledby': 'us-filters', novalidate: true },
    h('h3', { id: 'us-filters' }, 'Filters'),
    h('div', { class: 'grid grid-4' },
      field({ label: 'From (UTC day)', name: 'from', type: 'date', value: filters.from }),
      field({ label: 'To (UTC day, not included)', name: 'to', type: 'date', value: filters.to }),
      field({ label: 'Provider', name: 'provider', type: 'select', options: [...any, ...PROVIDERS.map((p) => [p, p])], value: filters.provider }),
      field({ label: 'Model', name: 'model', value: filters.model, placeholder: 'gpt-4o-mini', autocomplete: 'off' }),
      field({ label: 'LLM proxy', name: 'llmProxyId', type: 'select', options: [...any, ...Object.entries(proxyNames)], value: filters.llmProxyId }),
      field({ label: 'Virtual key', name: 'virtualKeyId', type: 'select', options: [...any, ...Object.entries(keyNames)], value: filters.virtualKeyId }),
      field({ label: 'OAuth client', name: 'oauthClientId', type: 'select', options: [...any, ...Object.entries(clientNames)], value: filters.oauthClientId }),
      field({ label: 'Over time by', name: 'over', type: 'select', options: [['hour', 'hour'], ['day', 'day']], value: filters.over }),
      field({ label: 'Table grouped by', name: 'by', type: 'select', options: GROUPS, value: filters.by })),
    h('div', { class: 'actions' }, show, csv));

  const charts = h('div', { class: 'charts' });
  const results = h('section', { 'aria-labelledby': 'us-table' });
  const summary = h('p', { class: 'summary', role: 'status' });
  page.append(h('h2', {}, 'Usage'),
    h('p', { class: 'lead' }, 'Every call leaves one usage record: its tokens as the provider reported them and its cost at the catalog\'s prices. Times are UTC.'),
    form,
    h('section', { 'aria-labelledby': 'us-charts' }, h('h3', { id: 'us-charts' }, 'Over time'), summary, charts),
    results);

  const groupLabel = (by, group) => {
    if (by === 'key') {
      const [kind, ...rest] = group.split(':');
      const id = rest.join(':');
      if (kind === 'virtual_key') {
        return h('span', {}, 'virtual key ', keyNames[id] ? h('span', { title: id, class: 'strong' }, keyNames[id]) : shortId(id));
      }
      if (kind === 'oauth_client') {
        return h('span', {}, 'OAuth client ', clientNames[id] ? h('span', { title: id, class: 'strong' }, clientNames[id]) : shortId(id));
      }
      return id ? h('span', {}, `${kind.replace('_', ' ')} `, shortId(id)) : kind.replace('_', ' ');
    }
    if (by === 'proxy') {
      return proxyNames[group] ? h('span', { title: group }, proxyNames[group]) : shortId(group);
    }
    return group;
  };

  const plots = [];
  const resize = new ResizeObserver(() => {
    if (!charts.isConnected) {
      resize.disconnect();
      return;
    }
    plots.forEach((plot) => {
      const width = Math.max(240, plot.root.parentElement.clientWidth - 4);
      if (Math.abs(plot.width - width) > 2) {
        plot.setSize({ width, height: plot.height });
      }
    });
  });
  resize.observe(charts);

  const load = async () => {
    const values = form.elements;
    const chosen = {};
    for (const name of ['from', 'to', 'provider', 'model', 'llmProxyId', 'virtualKeyId', 'oauthClientId', 'over', 'by']) {
      chosen[name] = values.namedItem(name).value;
    }
    const filterQuery = query({
      from: chosen.from, to: chosen.to, provider: chosen.provider, model: chosen.model,
      llmProxyId: chosen.llmProxyId, virtualKeyId: chosen.virtualKeyId, oauthClientId: chosen.oauthClientId,
    });
    const withFilters = (extra) => [filterQuery, extra].filter(Boolean).join('&');
    const [overTime, grouped] = await Promise.all([
      api('GET', `/api/admin/usage?${withFilters(`by=${chosen.over}`)}`),
      api('GET', `/api/admin/usage?${withFilters(`by=${chosen.by}`)}`),
    ]);
    if (!live()) {
      return;
    }
    lastFilters = chosen;
    csv.setAttribute('href', `/api/admin/usage/export?${['format=csv', filterQuery].filter(Boolean).join('&')}`);

    plots.splice(0).forEach((plot) => plot.destroy());
    charts.replaceChildren();
    const total = grouped.total || {};
    summary.textContent = `${formatCount(total.calls)} calls, ${formatCount(total.inputTokens)} input and `
      + `${formatCount(total.outputTokens)} output tokens, ${formatUsd(total.costUsd)}`
      + `${total.unpricedCalls ? ` (${formatCount(total.unpricedCalls)} calls without a price)` : ''}.`;
    if (!total.calls) {
      charts.append(h('p', { class: 'empty' }, 'No calls match these filters.'));
    } else {
      const step = chosen.over === 'day' ? 86400 : 3600;
      const data = series(overTime.data || [], chosen, step);
      const per = chosen.over === 'day' ? 'day' : 'hour';
      plots.push(
        chart(charts, `Calls per ${per}`, [data.times, data.calls], [{ label: 'calls', stroke: COLORS.calls, fill: 'rgba(11, 87, 208, 0.08)' }], formatCount),
        chart(charts, `Tokens per ${per}`, [data.times, data.input, data.output],
          [{ label: 'input', stroke: COLORS.input }, { label: 'output', stroke: COLORS.output, dash: [6, 3] }], formatCount),
        chart(charts, `Cost per ${per} (US dollars)`, [data.times, data.cost], [{ label: 'cost', stroke: COLORS.cost, fill: 'rgba(20, 108, 46, 0.08)' }], formatUsd),
      );
      plots.splice(0, plots.length, ...plots.filter(Boolean));
    }

    const rows = grouped.data || [];
    const groupTitle = GROUPS.find(([value]) => value === chosen.by)[1];
    const numeric = (title, name, format = formatCount) => ({ title, numeric: true, cell: (row) => format(row[name]) });
    const columns = [
      { title: groupTitle[0].toUpperCase() + groupTitle.slice(1), cell: (row) => groupLabel(chosen.by, row.group) },
      numeric('Calls', 'calls'),
      numeric('Input tokens', 'inputTokens'),
      numeric('Output tokens', 'outputTokens'),
      numeric('Cached input', 'cachedInputTokens'),
      numeric('Reasoning', 'reasoningTokens'),
      numeric('Cost', 'costUsd', formatUsd),
      numeric('Unpriced calls', 'unpricedCalls'),
    ];
    replaceChildren(results, h('h3', { id: 'us-table' }, `By ${groupTitle}`), table({
      caption: `Usage by ${groupTitle}`,
      empty: 'No calls match these filters.',
      rows,
      columns,
      footer: ['Total', ...columns.slice(1).map((column) => column.cell(total))],
    }));
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(show, form, load);
  });
  await busy(show, form, load);
}
