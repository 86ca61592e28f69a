// The report page's script: draws the charts (with Chart.js, embedded before this script)
// and the sortable tables from the JSON in <script id="report-data">, then writes a status
// line into <output id="render-status"> for the browser test:
//   "ok charts=N/N blank=0 errors=0 resources=0" when every chart drew something, no script
//   error or blocked load happened, and the page loaded no resource; "fail ..." otherwise.
'use strict';

(function () {
  // Errors and blocked loads are collected by a small script in <head> (window.gpufleetErrors),
  // so that those before this script count too.
  if (!Array.isArray(window.gpufleetErrors)) window.gpufleetErrors = [];
  const status = { expected: 0, rendered: 0, errors: window.gpufleetErrors };
  const charts = [];  // every chart drawn, for resizing before printing

  // ---- Numbers for people -------------------------------------------------------------
  const countFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
  function threeDigits(v) { return v >= 99.95 ? v.toFixed(0) : v >= 9.995 ? v.toFixed(1) : v.toFixed(2); }
  function fmtUsd(v) {
    if (v === null || v === undefined || !isFinite(v)) return 'n/a';
    const a = Math.abs(v), sign = v < 0 ? '-' : '';
    for (const [size, suffix] of [[1e12, 'T'], [1e9, 'B'], [1e6, 'M'], [1e3, 'K']]) {
      if (a >= size * 0.9995) return sign + '$' + threeDigits(a / size) + suffix;
    }
    return sign + '$' + a.toFixed(0);
  }
  const smallFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });
  function fmtCount(v) {
    if (v === null || v === undefined || !isFinite(v)) return 'n/a';
    return Math.abs(v) < 10 ? smallFormat.format(v) : countFormat.format(v);
  }
  function fmtPct(v) { return v === null || v === undefined || !isFinite(v) ? 'n/a' : (100 * v).toFixed(1) + '%'; }
  function fmtHours(h) {
    if (h === null || h === undefined || !isFinite(h)) return 'n/a';
    const s = h * 3600;
    if (s < 120) return s.toFixed(0) + ' s';
    if (s < 7200) return (s / 60).toFixed(1) + ' min';
    if (s < 172800) return h.toFixed(1) + ' h';
    return (h / 24).toFixed(1) + ' d';
  }
  function fmtNumber(v, digits) { return v === null || v === undefined || !isFinite(v) ? 'n/a' : v.toFixed(digits); }

  // ---- Colours: each provider a hue, its sites shades of it ---------------------------------
  // Hues are spaced by the golden angle (137.5°), so that any number of providers stays apart;
  // a provider's k-th site of n takes lightness from 30% (darkest) to 68%. Other series
  // (sources, kinds, one-off lines) take hues of their own, at a lightness no site uses.
  const hueOf = new Map();       // provider -> hue
  const providerOf = new Map();  // site -> provider
  const sitesOf = new Map();     // provider -> [sites]
  const otherHue = new Map();
  function hue(i) { return (i * 137.508 + 210) % 360; }
  function registerProvider(name) { if (name && !hueOf.has(name)) hueOf.set(name, hue(hueOf.size)); }
  function registerSite(site, provider) {
    if (!site || !provider || providerOf.has(site)) return;
    registerProvider(provider);
    providerOf.set(site, provider);
    if (!sitesOf.has(provider)) sitesOf.set(provider, []);
    sitesOf.get(provider).push(site);
  }
  function hsl(h, s, l) { return 'hsl(' + h.toFixed(1) + ',' + s + '%,' + l + '%)'; }
  function colour(name) {
    if (hueOf.has(name)) return hsl(hueOf.get(name), 70, 42);
    if (providerOf.has(name)) {
      const p = providerOf.get(name), list = sitesOf.get(p), k = list.indexOf(name), n = list.length;
      return hsl(hueOf.get(p), 72, n <= 1 ? 42 : 30 + (38 * k) / (n - 1));
    }
    if (!otherHue.has(name)) otherHue.set(name, hue(otherHue.size + 7) );
    return hsl(otherHue.get(name), 45, 55);
  }
  function withAlpha(c, alpha) {
    if (c.startsWith('hsl(')) return 'hsla(' + c.slice(4, -1) + ',' + alpha + ')';
    const n = parseInt(c.slice(1), 16);
    return 'rgba(' + (n >> 16) + ',' + ((n >> 8) & 255) + ',' + (n & 255) + ',' + alpha + ')';
  }
  // A lighter shade of a colour (for on-demand and spot beside a provider's contracts).
  function lighter(c, by) {
    const m = /^hsl\(([\d.]+),(\d+)%,([\d.]+)%\)$/.exec(c);
    return m ? hsl(Number(m[1]), Number(m[2]), Math.min(88, Number(m[3]) + by)) : c;
  }

  // ---- Charts ------------------------------------------------------------------------------
  // Counts each chart once, when it has first drawn.
  Chart.register({
    id: 'renderCounter',
    afterRender(chart) {
      if (!chart.$counted) { chart.$counted = true; status.rendered += 1; }
    },
  });
  Chart.defaults.animation = false;
  Chart.defaults.responsive = true;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
  Chart.defaults.plugins.legend.position = 'bottom';
  Chart.defaults.elements.point.radius = 0;
  Chart.defaults.elements.line.borderWidth = 1.5;

  const tickFormats = { usd: fmtUsd, count: fmtCount, pct: fmtPct, hours: fmtHours, plain: (v) => fmtCount(v) };
  function axis(title, format, extra) {
    const f = tickFormats[format];
    return Object.assign({ title: { display: true, text: title }, ticks: { callback: (v) => f(v) } }, extra || {});
  }
  function categoryAxis(title) {
    return { title: { display: true, text: title }, ticks: { autoSkip: true, autoSkipPadding: 16, maxTicksLimit: 6, maxRotation: 0 } };
  }
  // The category axis of a horizontal bar chart: every label shown.
  function labelAxis(title) {
    return { title: { display: true, text: title }, ticks: { autoSkip: false } };
  }
  function horizontalTooltip(format) {
    const f = tickFormats[format];
    return { callbacks: { label: (c) => c.dataset.label + ': ' + f(c.parsed.x) } };
  }
  function tooltip(format) {
    const f = tickFormats[format];
    return {
      mode: 'index', intersect: false,
      callbacks: { label: (c) => c.dataset.label + ': ' + f(c.parsed.y) },
    };
  }

  // A long line of text as lines of at most `width` characters, broken at spaces (a chart's
  // subtitle does not wrap by itself: a long one would be drawn in a tiny font).
  function wrapLines(text, width) {
    const lines = [];
    let current = '';
    for (const word of text.split(' ')) {
      if (current && current.length + 1 + word.length > width) { lines.push(current); current = word; }
      else current = current ? current + ' ' + word : word;
    }
    if (current) lines.push(current);
    return lines.length <= 1 ? text : lines;
  }

  // Adds a titled chart to container. config is a Chart.js configuration; `title` and
  // `subtitle` become the chart's own title and a line of explanation.
  // layout: {wide: spans the page's width, height: of the drawing area in px}.
  function addChart(container, id, title, subtitle, config, layout) {
    const figure = document.createElement('figure');
    figure.className = 'chart' + (layout && layout.wide ? ' wide' : '') + (layout && layout.tall ? ' tall' : '');
    figure.id = id;
    const box = document.createElement('div');
    box.className = 'canvas-box';
    if (layout && layout.height) box.style.height = layout.height + 'px';
    const canvas = document.createElement('canvas');
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', title);
    box.appendChild(canvas);
    figure.appendChild(box);
    container.appendChild(figure);
    config.options = config.options || {};
    config.options.plugins = Object.assign({
      title: { display: true, text: title, font: { size: 15, weight: 'bold' } },
      subtitle: { display: !!subtitle, text: wrapLines(subtitle || '', layout && layout.wide ? 150 : 85), padding: { bottom: 8 } },
      legend: { display: true },
    }, config.options.plugins || {});
    // Stacked areas: each fills down to the one below it in its stack, the lowest to zero.
    const seen = new Set();
    for (const ds of (config.data.datasets || [])) {
      if (ds.fill !== true) continue;
      ds.fill = seen.has(ds.stack) ? '-1' : 'origin';
      seen.add(ds.stack);
    }
    status.expected += 1;
    let chart = null;
    try {
      chart = new Chart(canvas, config);
      charts.push(chart);
    } catch (e) {
      status.errors.push(id + ': ' + e.message);
    }
    // Growth charts: a button switches the value axis between linear and log scale (zero
    // points drop out of a log scale; the axis then starts at the smallest value drawn).
    if (chart && layout && layout.logToggle) {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'log-toggle';
      button.textContent = 'log scale';
      button.setAttribute('aria-pressed', 'false');
      const linear = { beginAtZero: config.options.scales.y.beginAtZero, min: config.options.scales.y.min };
      button.addEventListener('click', () => {
        const toLog = button.getAttribute('aria-pressed') !== 'true';
        const y = chart.options.scales.y;
        if (toLog) {
          y.type = 'logarithmic';
          y.beginAtZero = false;
          y.min = undefined;
        } else {
          y.type = 'linear';
          y.beginAtZero = linear.beginAtZero;
          y.min = linear.min;
        }
        button.setAttribute('aria-pressed', String(toLog));
        button.textContent = toLog ? 'linear scale' : 'log scale';
        try { chart.update(); } catch (e) { status.errors.push(id + ' (log scale): ' + e.message); }
      });
      figure.insertBefore(button, box);
    }
    return chart;
  }

  function line(label, data, colourName, opts) {
    const c = colour(colourName);
    const ds = Object.assign({ type: 'line', label, data, borderColor: c, fill: false, spanGaps: false }, opts || {});
    if (!ds.backgroundColor) ds.backgroundColor = ds.borderColor;  // the legend's swatch
    return ds;
  }
  function area(label, data, colourName, stack) {
    const c = colour(colourName);
    return { type: 'line', label, data, borderColor: c, backgroundColor: withAlpha(c, 0.45), fill: true, stack: stack || 'area', borderWidth: 1 };
  }
  function bars(label, data, fillColour, stack) {
    return { type: 'bar', label, data, backgroundColor: fillColour, borderColor: fillColour, stack };
  }
  function sum(values) { return values.reduce((a, b) => a + (b || 0), 0); }
  // A stacked spend chart's lines: the total of each bar and, on the right axis 'cumulative',
  // the running total; and that axis.
  function totalLines(totals, totalLabel) {
    let running = 0;
    return [
      line(totalLabel, totals, 'total', { borderColor: '#111', borderWidth: 2, yAxisID: 'y', order: 0, stack: 'total' }),
      line('cumulative (right axis)', totals.map((v) => (running += v || 0)), 'cumulative',
        { borderColor: '#555', borderDash: [6, 3], borderWidth: 2, yAxisID: 'cumulative', order: 0, stack: 'cumulative' }),
    ];
  }
  const cumulativeAxis = () => axis('cumulative USD', 'usd', { position: 'right', beginAtZero: true, grid: { drawOnChartArea: false } });
  function names(obj) { return obj ? Object.keys(obj) : []; }

  // ---- Tables --------------------------------------------------------------------------------
  // columns: [{key, label, format: 'usd'|'count'|'pct'|'hours'|'text'|function, numeric, name (never wrapped)}];
  // clicking a header sorts by that column (again: the other way).
  function addTable(container, id, title, columns, rows, note) {
    const figure = document.createElement('figure');
    figure.className = 'table';
    figure.id = id;
    const caption = document.createElement('figcaption');
    caption.textContent = title;
    figure.appendChild(caption);
    if (note) {
      const p = document.createElement('p');
      p.className = 'note';
      p.textContent = note;
      figure.appendChild(p);
    }
    const table = document.createElement('table');
    table.className = 'sortable';
    const head = table.createTHead().insertRow();
    const body = table.createTBody();
    const cellText = (col, v) => {
      if (typeof col.format === 'function') return col.format(v);
      if (v === undefined || v === null) return '';
      if (col.format && tickFormats[col.format]) return tickFormats[col.format](v);
      return String(v);
    };
    function fill(list) {
      body.textContent = '';
      for (const r of list) {
        const tr = body.insertRow();
        for (const col of columns) {
          const td = tr.insertCell();
          td.textContent = cellText(col, r[col.key]);
          if (col.numeric) td.className = 'num';
          else if (col.name || !/\s/.test(td.textContent)) td.className = 'word';  // a name: never broken, on paper too
          if (col.flag) td.classList.add(col.flag(r));
        }
      }
    }
    columns.forEach((col, i) => {
      const th = document.createElement('th');
      th.textContent = col.label;
      th.scope = 'col';
      th.tabIndex = 0;
      if (col.numeric) th.className = 'num';
      const sortBy = () => {
        const ascending = th.getAttribute('aria-sort') !== 'ascending';
        for (const other of head.cells) other.removeAttribute('aria-sort');
        th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
        const key = col.key;
        const sorted = rows.slice().sort((a, b) => {
          const x = a[key], y = b[key];
          const c = (typeof x === 'number' && typeof y === 'number') ? x - y : String(x).localeCompare(String(y), 'en', { numeric: true });
          return ascending ? c : -c;
        });
        fill(sorted);
      };
      th.addEventListener('click', sortBy);
      th.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') sortBy(); });
      head.appendChild(th);
    });
    fill(rows);
    const scroll = document.createElement('div');
    scroll.className = 'table-box';
    scroll.appendChild(table);
    figure.appendChild(scroll);
    container.appendChild(figure);
  }

  function heading(container, text) {
    const h = document.createElement('h2');
    h.textContent = text;
    container.appendChild(h);
  }

  // The plan's budget per month for the months "YYYY-MM": budget_usd_per_year[k] / 12 in each
  // month of plan year k (12 months from the plan's start); null when there is no budget.
  let planData = null;
  function monthlyBudget(months, plan) {
    const perYear = plan && plan.policy && plan.policy.budget_usd_per_year;
    const start = plan && plan.horizon && plan.horizon.start;
    if (!Array.isArray(perYear) || !perYear.some((v) => v > 0) || typeof start !== 'string') return null;
    const y0 = Number(start.slice(0, 4)), m0 = Number(start.slice(5, 7));
    return months.map((label) => {
      const k = Math.floor(((Number(label.slice(0, 4)) - y0) * 12 + Number(label.slice(5, 7)) - m0) / 12);
      return k >= 0 && k < perYear.length && perYear[k] > 0 ? perYear[k] / 12 : null;
    });
  }

  // ---- Simulation ------------------------------------------------------------------------------
  function drawSimulation(d, el) {
    const labels = d.labels;
    const per = d.bucket === 'day' ? 'daily' : 'weekly';
    const providers = names(d.busy_gpus_by_provider);
    providers.forEach(registerProvider);
    for (const site of d.sites || []) registerSite(site.site, site.provider);

    heading(el, 'Capacity and use');
    const capacity = [];
    if (d.committed_gpus_by_provider) {
      for (const p of providers) if (d.committed_gpus_by_provider[p]) capacity.push(area('committed ' + p, d.committed_gpus_by_provider[p], p, 'committed'));
    }
    capacity.push(line('in service (all sources)', d.capacity_gpus, 'in service', { borderColor: '#222', borderWidth: 2, stack: 'total-capacity' }));
    capacity.push(line('busy (all)', d.busy_gpus, 'busy', { borderColor: '#d62728', borderDash: [5, 3], borderWidth: 2, stack: 'total-busy' }));
    addChart(el, 'sim-capacity', 'GPUs in service and busy',
      'Committed capacity stacked by provider; lines: all GPUs in service (contracts, on-demand, spot) and all busy GPUs, ' + per + ' averages',
      { data: { labels, datasets: capacity },
        options: { interaction: { mode: 'index', intersect: false }, plugins: { tooltip: tooltip('count') },
          scales: { x: categoryAxis('date (' + per + ')'), y: axis('GPUs', 'count', { stacked: true, beginAtZero: true }) } } },
      { logToggle: true });

    addChart(el, 'sim-busy', 'Busy GPUs by provider', 'GPUs held by running jobs, stacked by provider, ' + per + ' averages',
      { data: { labels, datasets: providers.map((p) => area(p, d.busy_gpus_by_provider[p], p)) },
        options: { interaction: { mode: 'index', intersect: false }, plugins: { tooltip: tooltip('count') },
          scales: { x: categoryAxis('date (' + per + ')'), y: axis('GPUs', 'count', { stacked: true, beginAtZero: true }) } } },
      { logToggle: true });

    // The folder holds the plan too: its demand per period against the work simulated then.
    if (d.plan_overlay) {
      const o = d.plan_overlay;
      addChart(el, 'sim-plan-demand', 'Planned demand and simulated work',
        'Reference GPUs (H100-SXM = 1) per plan period: the plan\'s demand (training + inference) and the work the simulation did (GPUs jobs asked for × their accelerator\'s speed), mean over the simulated hours of the period; over them the simulation carried ' + fmtPct(o.carried_share) + ' of the planned demand',
        { data: { labels: o.periods, datasets: [
            line('planned demand', o.demand_ref_gpus, 'planned demand', { borderColor: '#222', borderWidth: 2, stepped: 'middle' }),
            line('simulated work', o.work_ref_gpus, 'simulated work', { borderColor: '#d62728', borderWidth: 2 })] },
          options: { interaction: { mode: 'index', intersect: false }, plugins: { tooltip: tooltip('count') },
            scales: { x: categoryAxis('plan period'), y: axis('reference GPUs', 'count', { beginAtZero: true }) } } });
      // The plan's bill against the simulation's, per provider and part, over the same hours.
      if (o.costs && o.costs.length) {
        const parts = [['commitments_usd', 'commitments'], ['on_demand_usd', 'on-demand'], ['spot_usd', 'spot'], ['energy_usd', 'energy']];
        const rows = [];
        const total = { provider: 'all providers', part: 'total', plan: 0, simulation: 0 };
        for (const c of o.costs)
          for (const [key, label] of parts) {
            const plan = c.plan[key], sim = c.simulation[key];
            if (!plan && !sim) continue;
            rows.push({ provider: c.provider, part: label, plan, simulation: sim, difference: sim - plan,
              relative: plan ? (sim - plan) / plan : undefined });
            total.plan += plan;
            total.simulation += sim;
          }
        total.difference = total.simulation - total.plan;
        total.relative = total.plan ? total.difference / total.plan : undefined;
        rows.push(total);
        addTable(el, 'sim-plan-costs', 'The plan\'s bill and the simulation\'s, reconciled', [
          { key: 'provider', label: 'Provider' },
          { key: 'part', label: 'Part' },
          { key: 'plan', label: 'Plan', format: 'usd', numeric: true },
          { key: 'simulation', label: 'Simulation', format: 'usd', numeric: true },
          { key: 'difference', label: 'Simulation − plan', format: 'usd', numeric: true },
          { key: 'relative', label: 'Relative', format: 'pct', numeric: true },
        ], rows, 'Nominal USD over the hours the simulation covers of the plan\'s periods (a period partly simulated counts its plan bill pro rata). Both bill contracts as take-or-pay (price × max(share × capacity, GPUs used)) and electricity on every held GPU (idle at its idle_power_share of board power, busy at full power); the plan buys on-demand and spot by the period\'s average, the simulation by the hour the queue needs them.');
      }
    }

    if (d.committed_utilisation) {
      const series = names(d.committed_utilisation);
      addChart(el, 'sim-utilisation', 'Utilisation of committed capacity',
        'Busy GPUs on contracts ÷ committed GPUs, per provider, ' + per,
        { data: { labels, datasets: series.map((s) => line(s, d.committed_utilisation[s], s,
            s === 'all providers' ? { borderColor: '#222', borderWidth: 2.5 } : {})) },
          options: { interaction: { mode: 'index', intersect: false }, plugins: { tooltip: tooltip('pct') },
            scales: { x: categoryAxis('date (' + per + ')'), y: axis('share of committed GPUs', 'pct', { min: 0, max: 1 }) } } });
    }

    heading(el, 'Spend');
    // One stack of every provider's contract, on-demand and spot spend per month (a provider's
    // hue, lighter for on-demand and spot); lines: the month's total and, on the right axis,
    // the cumulative spend, with the plan's budget (monthly and cumulative) when the folder
    // holds a plan with one.
    const shade = { committed: 0, on_demand: 18, spot: 32 };
    const sourceName = { committed: 'contracts', on_demand: 'on-demand', spot: 'spot' };
    const spendSets = [];
    const months = d.months;
    const total = months.map(() => 0);
    for (const p of providers) {
      const bySource = d.spend_usd_by_provider[p];
      for (const s of ['committed', 'on_demand', 'spot']) {
        bySource[s].forEach((v, m) => { total[m] += v || 0; });
        if (sum(bySource[s]) <= 0) continue;
        spendSets.push(Object.assign(bars(p + ' ' + sourceName[s], bySource[s], withAlpha(lighter(colour(p), shade[s]), 0.9), 'spend'),
          { yAxisID: 'y', order: 2 }));
      }
    }
    spendSets.push(...totalLines(total, 'total per month'));
    const budget = monthlyBudget(months, planData);
    if (budget) {
      let b = 0;
      spendSets.push(line('budget per month (plan)', budget, 'budget', { borderColor: '#c62828', borderWidth: 2, yAxisID: 'y', order: 0, stack: 'budget', stepped: true }));
      spendSets.push(line('cumulative budget (right axis)', budget.map((v) => (b += v || 0)), 'cumulative budget', { borderColor: '#c62828', borderDash: [2, 3], borderWidth: 2, yAxisID: 'cumulative', order: 0, stack: 'budget-cumulative' }));
    }
    addChart(el, 'sim-spend', 'Spend per month, stacked by provider and source, with the total and cumulative spend',
      'Bars: contract (take-or-pay) spend, on-demand and spot per provider, nominal USD per calendar month; black: the month\'s total; dashed: cumulative spend (right axis)' +
      (budget ? '; red: the plan\'s budget per year, spread over its months, and cumulative' : '; no budget (no plan with a budget in this folder)'),
      { type: 'bar', data: { labels: months, datasets: spendSets },
        options: { interaction: { mode: 'index', intersect: false },
          plugins: { tooltip: { callbacks: { label: (c) => c.dataset.label + ': ' + fmtUsd(c.parsed.y) } } },
          scales: { x: Object.assign(categoryAxis('month'), { stacked: true }),
            y: axis('USD per month', 'usd', { stacked: true, beginAtZero: true }),
            cumulative: cumulativeAxis() } } },
      { wide: true, height: 420 });
    addTable(el, 'sim-provider-table', 'Cost and use by provider', [
      { key: 'provider', label: 'Provider' },
      { key: 'cost_usd', label: 'Total', format: 'usd', numeric: true },
      { key: 'contract_usd', label: 'Committed', format: 'usd', numeric: true },
      { key: 'on_demand_usd', label: 'On-demand', format: 'usd', numeric: true },
      { key: 'spot_usd', label: 'Spot', format: 'usd', numeric: true },
      { key: 'electricity_usd', label: 'Electricity', format: 'usd', numeric: true },
      { key: 'gpu_hours_busy', label: 'GPU-hours busy', format: 'count', numeric: true },
      { key: 'committed_utilisation', label: 'Committed utilisation', format: 'pct', numeric: true },
    ].concat(d.providers.some((r) => r.availability !== undefined)
      ? [{ key: 'availability', label: 'Availability', format: 'pct', numeric: true }] : []), d.providers);

    heading(el, 'Jobs');
    addChart(el, 'sim-queue', 'Queue length', 'Jobs waiting to start: ' + per + ' mean and maximum of the hourly samples',
      { data: { labels, datasets: [line('mean', d.queue_mean, 'queue mean', { borderColor: '#1f77b4' }),
        line('maximum', d.queue_max, 'queue max', { borderColor: '#ff7f0e' })] },
        options: { interaction: { mode: 'index', intersect: false }, plugins: { tooltip: tooltip('count') },
          scales: { x: categoryAxis('date (' + per + ')'), y: axis('jobs waiting', 'count', { beginAtZero: true }) } } });

    const cdf = (points, floor) => points.map((p) => ({ x: Math.max(p[0], floor), y: p[1] }));
    // Log-scale ticks at durations people think in.
    const niceHours = [[1 / 3600, '1 s'], [10 / 3600, '10 s'], [1 / 60, '1 min'], [10 / 60, '10 min'], [1, '1 h'],
      [6, '6 h'], [24, '1 d'], [168, '1 w'], [720, '30 d'], [8760, '1 y']];
    const cdfOptions = (xTitle) => ({
      parsing: false,
      elements: { point: { radius: 2 } },
      plugins: { tooltip: { callbacks: { label: (c) => fmtPct(c.parsed.y) + ' of ' + (c.dataset.weighted ? 'GPU-hours' : 'jobs') + ' ≤ ' + fmtHours(c.parsed.x) } } },
      scales: {
        x: { type: 'logarithmic', title: { display: true, text: xTitle },
          afterBuildTicks: (scale) => {
            const ticks = niceHours.filter(([v]) => v >= scale.min * 0.999 && v <= scale.max * 1.001).map(([v]) => ({ value: v }));
            if (ticks.length >= 2) scale.ticks = ticks;
          },
          ticks: { callback: (v) => { const n = niceHours.find(([h]) => Math.abs(h - v) < h * 1e-6); return n ? n[1] : fmtHours(v); } } },
        y: axis('share of jobs or of GPU-hours', 'pct', { type: 'linear', min: 0, max: 1 }),
      },
    });
    const floor = 1 / 3600;
    // Beside each per-job CDF, the same by GPU-hours (each job weighted by its GPUs x run time).
    const byGpuHours = (points, colour) => (points && points.length > 0
      ? [line('by GPU-hours', cdf(points, floor), 'by GPU-hours ' + colour, { borderColor: colour, borderDash: [6, 3], stepped: true, weighted: true })] : []);
    addChart(el, 'sim-jct', 'Job completion time (CDF)', 'Completed jobs: share that finished within the time on the x axis (submit to end); dashed: share of their GPU-hours',
      { type: 'line', data: { datasets: [line('completed jobs', cdf(d.jct_cdf_hours, floor), 'jct', { borderColor: '#2ca02c', stepped: true })]
        .concat(byGpuHours(d.jct_cdf_by_gpu_hours, '#145a14')) },
        options: cdfOptions('hours from submission to completion (log scale)') });
    const maxWait = d.queue_cdf_hours.length ? d.queue_cdf_hours[d.queue_cdf_hours.length - 1][0] : 0;
    addChart(el, 'sim-queue-time', 'Queue time (CDF)', maxWait <= 0 ? 'Every started job started the moment it was submitted'
      : 'Started jobs: share that waited at most the time on the x axis; dashed: share of their GPU-hours; waits under 1 s are drawn at 1 s',
      { type: 'line', data: { datasets: [line('started jobs', cdf(d.queue_cdf_hours, floor), 'queue time', { borderColor: '#9467bd', stepped: true })]
        .concat(byGpuHours(d.queue_cdf_by_gpu_hours, '#4a2a6e')) },
        options: cdfOptions('hours waiting in the queue (log scale)') });

    if (d.job_times && d.job_times.length > 0) {
      addTable(el, 'sim-job-times', 'Queue time and JCT by job size and kind: per job and by GPU-hours', [
        { key: 'group', label: 'Jobs', name: true }, { key: 'jobs', label: 'Count', format: 'count', numeric: true },
        { key: 'gpu_hours', label: 'GPU-hours', format: 'count', numeric: true },
        { key: 'queue_p50_h', label: 'Queue p50', format: 'hours', numeric: true },
        { key: 'queue_p99_h', label: 'Queue p99', format: 'hours', numeric: true },
        { key: 'queue_w_mean_h', label: 'Queue mean by GPU-h', format: 'hours', numeric: true },
        { key: 'queue_w_p50_h', label: 'Queue p50 by GPU-h', format: 'hours', numeric: true },
        { key: 'queue_w_p99_h', label: 'Queue p99 by GPU-h', format: 'hours', numeric: true },
        { key: 'jct_p99_h', label: 'JCT p99', format: 'hours', numeric: true },
        { key: 'jct_w_p99_h', label: 'JCT p99 by GPU-h', format: 'hours', numeric: true },
      ], d.job_times, 'Per job, each job counts once; by GPU-hours, each job counts as its GPUs × run time, so a large run that waited weighs as much as the work it holds.');
    }
    if (d.longest_waits && d.longest_waits.length > 0) {
      addTable(el, 'sim-longest-waits', 'The longest waits', [
        { key: 'job', label: 'Job', name: true }, { key: 'tenant', label: 'Tenant', name: true }, { key: 'kind', label: 'Kind' },
        { key: 'gpus', label: 'GPUs', format: 'count', numeric: true }, { key: 'submitted', label: 'Submitted' },
        { key: 'wait_h', label: 'Waited', format: 'hours', numeric: true },
        { key: 'started', label: 'Started', format: (v) => (v ? 'yes' : 'never (waited to the end)'), flag: (r) => (r.started ? 'good' : 'bad') },
      ], d.longest_waits, 'From submission to the first start; a job that never started is counted to the end of the run.');
    }

    heading(el, 'Energy and carbon');
    const sites = d.sites.map((s) => s.site);
    addChart(el, 'sim-energy', 'Energy and carbon by site', 'Energy = board power × busy time × PUE; carbon = energy × grid intensity of each hour',
      { type: 'bar', data: { labels: sites, datasets: [
        Object.assign(bars('energy (MWh)', d.sites.map((s) => s.energy_mwh), withAlpha('#1f77b4', 0.8)), { xAxisID: 'x' }),
        Object.assign(bars('carbon (t CO2e)', d.sites.map((s) => s.carbon_t), withAlpha('#7f7f7f', 0.8)), { xAxisID: 'carbon' })] },
        options: { indexAxis: 'y', plugins: { tooltip: horizontalTooltip('count') },
          scales: { y: labelAxis('site'), x: axis('energy (MWh)', 'count', { beginAtZero: true, position: 'bottom' }),
            carbon: axis('carbon (t CO2e)', 'count', { beginAtZero: true, position: 'top', grid: { drawOnChartArea: false } }) } } },
      { height: 80 + 46 * sites.length });
    addTable(el, 'sim-site-table', 'Energy and carbon by site', [
      { key: 'site', label: 'Site' },
      { key: 'gpu_hours_busy', label: 'GPU-hours busy', format: 'count', numeric: true },
      { key: 'energy_mwh', label: 'Energy (MWh)', format: 'count', numeric: true },
      { key: 'carbon_t', label: 'Carbon (t CO2e)', format: 'count', numeric: true },
      { key: 'electricity_usd', label: 'Electricity', format: 'usd', numeric: true },
    ], d.sites);

    if (d.reliability) drawReliability(d, el);
  }

  // Failures, outages and preemptions, when the simulator reported them.
  function drawReliability(d, el) {
    const r = d.reliability;
    heading(el, 'Failures, outages and the work they cost');
    const facts = document.createElement('p');
    facts.className = 'facts';
    const parts = [];
    if (r.interruptions !== undefined) parts.push(fmtCount(r.interruptions) + ' interruptions of running jobs');
    if (r.gpu_hours_lost !== undefined) parts.push(fmtCount(r.gpu_hours_lost) + ' GPU-hours of work lost');
    if (r.gpu_hours_overhead !== undefined) parts.push(fmtCount(r.gpu_hours_overhead) + ' GPU-hours of restart and checkpoint overhead');
    if (r.goodput !== undefined) parts.push('goodput ' + fmtPct(r.goodput));
    if (r.restarts_per_job !== undefined) parts.push(fmtNumber(r.restarts_per_job, 3) + ' restarts per started job');
    facts.textContent = parts.join('; ') + '.';
    el.appendChild(facts);
    const causes = names(r.interruptions_by_cause);
    if (causes.length > 0 && causes.some((c) => r.interruptions_by_cause[c] > 0)) {
      addChart(el, 'sim-interruptions', 'Interruptions by cause', 'Running jobs interrupted and requeued, by what interrupted them',
        { type: 'bar', data: { labels: causes, datasets: [bars('interruptions', causes.map((c) => r.interruptions_by_cause[c]), withAlpha('#d62728', 0.75))] },
          options: { plugins: { tooltip: tooltip('count') }, scales: { x: categoryAxis('cause'), y: axis('interruptions', 'count', { beginAtZero: true }) } } });
    }
    const withAvailability = d.providers.filter((p) => p.availability !== undefined);
    if (withAvailability.length > 0) {
      addChart(el, 'sim-availability', 'Availability by provider', "Share of each provider's nominal GPU-seconds that were in service",
        { type: 'bar', data: { labels: withAvailability.map((p) => p.provider),
          datasets: [bars('availability', withAvailability.map((p) => p.availability), withAvailability.map((p) => withAlpha(colour(p.provider), 0.8)))] },
          options: { plugins: { tooltip: tooltip('pct') }, scales: { x: categoryAxis('provider'), y: axis('share of GPU-seconds in service', 'pct', { min: 0, max: 1 }) } } });
    }
    if (r.outages && r.outages.length > 0) {
      addChart(el, 'sim-outages', 'Work lost per outage', 'GPU-hours of work lost by the jobs each outage interrupted',
        { type: 'bar', data: { labels: r.outages.map((o) => o.outage), datasets: [bars('GPU-hours lost', r.outages.map((o) => o.gpu_hours_lost), withAlpha('#8c564b', 0.8))] },
          options: { plugins: { tooltip: tooltip('count') }, scales: { x: categoryAxis('outage'), y: axis('GPU-hours lost', 'count', { beginAtZero: true }) } } });
      addTable(el, 'sim-outage-table', 'Outages', [
        { key: 'outage', label: 'Outage' }, { key: 'start', label: 'Start' },
        { key: 'duration_h', label: 'Duration', format: 'hours', numeric: true },
        { key: 'jobs_hit', label: 'Jobs hit', format: 'count', numeric: true },
        { key: 'gpu_hours_lost', label: 'GPU-hours lost', format: 'count', numeric: true },
        { key: 'extra_on_demand_usd', label: 'Extra on-demand spend', format: 'usd', numeric: true },
      ], r.outages);
    }
  }

  // ---- Plan ----------------------------------------------------------------------------------------
  // What a buyer signs, first: what the binding limits cost, the contract value per provider,
  // the timeline of every contract's term (existing and new), and the list.
  function drawCommitments(d, el) {
    heading(el, 'Commitments: what the plan signs');
    if (d.binding_choices && d.binding_choices.length > 0) {
      const list = document.createElement('ul');
      list.className = 'binding';
      list.id = 'plan-binding';
      for (const b of d.binding_choices) {
        const item = document.createElement('li');
        item.textContent = b.sentence;
        list.appendChild(item);
      }
      const intro = document.createElement('p');
      intro.className = 'facts';
      intro.textContent = 'What the binding limits cost (a whole limit where the planner solved again without it; else its marginal values, one unit either way):';
      el.appendChild(intro);
      el.appendChild(list);
    }
    const value = d.contract_value_by_provider || [];
    addTable(el, 'plan-contract-value', 'Contract value per provider', [
      { key: 'provider', label: 'Provider' },
      { key: 'new_contracts', label: 'New contracts', format: 'count', numeric: true },
      { key: 'new_gpus', label: 'New GPUs', format: 'count', numeric: true },
      { key: 'new_usd', label: 'New value', format: 'usd', numeric: true },
      { key: 'existing_contracts', label: 'Existing contracts', format: 'count', numeric: true },
      { key: 'existing_usd', label: 'Existing value', format: 'usd', numeric: true },
      { key: 'total_usd', label: 'Total value', format: 'usd', numeric: true },
    ], value, 'Undiscounted face value over whole terms: GPUs × price × hours of the term (take-or-pay bills at least its share of it, used or not).');
    // One timeline per provider (a page holds one when printed), its sites in shades of its hue.
    const terms = d.contract_terms || [];
    const providersShown = Array.from(new Set(terms.map((t) => t.provider)));
    const span = terms.reduce((r, t) => [Math.min(r[0], t.from), Math.max(r[1], t.to)], [Infinity, -Infinity]);
    const siteColour = (t) => (providerOf.has(t.site) ? colour(t.site) : colour(t.provider));
    providersShown.forEach((p, i) => {
      const mine = terms.filter((t) => t.provider === p);
      const existing = mine.filter((t) => t.kind === 'existing').length;
      addChart(el, 'plan-contract-gantt-' + (i + 1), 'Timeline of contract terms: ' + p,
        mine.length + ' contracts (' + existing + ' existing, pale and outlined), each from its start to the end of its term; shade: the site',
        { type: 'bar', data: { labels: mine.map((t) => t.label + ' · ' + fmtCount(t.gpus) + ' GPUs'), datasets: [{
            type: 'bar', label: p, data: mine.map((t) => [t.from, t.to]),
            backgroundColor: mine.map((t) => withAlpha(siteColour(t), t.kind === 'existing' ? 0.3 : 0.85)),
            borderColor: mine.map(siteColour), borderWidth: mine.map((t) => (t.kind === 'existing' ? 1.5 : 0)),
            barPercentage: 0.9, categoryPercentage: 1.0 }] },
          options: { indexAxis: 'y',
            plugins: { legend: { display: false },
              tooltip: { callbacks: { label: (c) => { const t = mine[c.dataIndex]; return t.kind + ': ' + t.start + ' to ' + t.end + ', ' + fmtCount(t.gpus) + ' GPUs, ' + fmtUsd(t.total_usd); } } } },
            scales: { y: { ticks: { autoSkip: false, font: { size: 10 } } },
              x: { type: 'linear', min: Math.floor(span[0]), max: Math.ceil(span[1]), title: { display: true, text: 'year' },
                ticks: { stepSize: 1, callback: (v) => String(v) } } } } },
        { wide: true, tall: mine.length > 70, height: 100 + 12 * mine.length });
    });
    const rows = (d.commitments || []).map((c) => Object.assign({ kind: 'new' }, c));
    addTable(el, 'plan-commitments', 'Commitments to sign', [
      { key: 'start', label: 'Start' }, { key: 'provider', label: 'Provider' }, { key: 'site', label: 'Site' },
      { key: 'accelerator', label: 'Accelerator' }, { key: 'term_years', label: 'Term (years)', numeric: true },
      { key: 'gpus', label: 'GPUs', format: 'count', numeric: true },
      { key: 'usd_per_gpu_hour', label: '$/GPU-hour', format: (v) => '$' + v.toFixed(3), numeric: true },
      { key: 'total_usd', label: 'Value', format: 'usd', numeric: true },
    ], rows, 'New contracts, by start; value undiscounted over the whole term.');
    if (d.spend_commitments && d.spend_commitments.length > 0)
      addTable(el, 'plan-spend-commitments', 'New spend commitments', [
        { key: 'start', label: 'Start' }, { key: 'provider', label: 'Provider' }, { key: 'offer', label: 'Offer' },
        { key: 'term_years', label: 'Term (years)', numeric: true },
        { key: 'committed_usd', label: 'Committed', format: 'usd', numeric: true },
        { key: 'discount', label: 'Discount', format: (v) => fmtPct(v), numeric: true },
        { key: 'spent_usd', label: 'Spent', format: 'usd', numeric: true },
        { key: 'shortfall_usd', label: 'Shortfall billed', format: 'usd', numeric: true },
        { key: 'total_usd', label: 'Total', format: 'usd', numeric: true },
      ], d.spend_commitments, 'Dollars committed to a provider, bought at a discount on its on-demand list prices at any of its sites; the unspent part of each year is billed at the shortfall share.');
  }


  function drawPlan(d, el) {
    const labels = d.labels;
    if (d.diagnosis && d.diagnosis.length > 0) {
      heading(el, 'Why no plan meets every limit');
      addTable(el, 'plan-diagnosis', 'Infeasibility diagnosis', [
        { key: 'family', label: 'Limit' }, { key: 'period', label: 'Period' },
        { key: 'message', label: 'What must move' }, { key: 'amount', label: 'By', format: 'count', numeric: true },
      ], d.diagnosis);
    }
    if (labels.length === 0) return;
    for (const site of d.sites || []) registerSite(site.name, site.provider);
    for (const p of d.provider_shares || []) registerProvider(p.name);
    drawCommitments(d, el);
    const demand = (extra) => [
      line('demand: training + inference', d.demand_ref_gpus.total, 'demand', Object.assign({ borderColor: '#000', borderWidth: 2.5, stack: 'demand' }, extra || {})),
      line('demand: inference', d.demand_ref_gpus.inference, 'inference', { borderColor: '#555', borderDash: [4, 3], stack: 'inference' }),
    ];
    const periodAxis = categoryAxis('period');
    const refAxis = axis('reference GPUs (H100-SXM = 1)', 'count', { stacked: true, beginAtZero: true });

    heading(el, 'Capacity against demand');
    for (const [key, id, what] of [['committed_ref_gpus_by_provider', 'plan-committed-provider', 'provider'],
      ['committed_ref_gpus_by_site', 'plan-committed-site', 'site']]) {
      const series = names(d[key]);
      const sets = series.length > 0 ? series.map((s) => area(s, d[key][s], s)) : [area('committed (all)', d.committed_ref_gpus, 'committed')];
      sets.push(area('on-demand', d.on_demand_ref_gpus, 'on-demand'));
      addChart(el, id, 'Committed GPUs by ' + what + ' against demand',
        'Existing and new contracts stacked by ' + what + ', with on-demand on top; lines: average demand in each period',
        { data: { labels, datasets: sets.concat(demand()) },
          options: { interaction: { mode: 'index', intersect: false }, plugins: { tooltip: tooltip('count') }, scales: { x: periodAxis, y: Object.assign({}, refAxis) } } },
        { wide: true, height: what === 'site' ? 460 : 380, logToggle: true });
    }

    heading(el, 'Cost');
    const kinds = [['commitments_usd', 'commitments', '#1f77b4'], ['on_demand_usd', 'on-demand', '#ff7f0e'], ['spot_usd', 'spot', '#2ca02c'], ['energy_usd', 'energy', '#7f7f7f']];
    const after = d.after_horizon;
    const yearRows = after ? d.cost_by_year.concat([Object.assign({}, after, { label: 'after: ' + after.label })]) : d.cost_by_year;
    const budgetPerYear = d.policy && Array.isArray(d.policy.budget_usd_per_year) ? d.policy.budget_usd_per_year : [];
    const costChart = (id, title, subtitle, rows, xTitle, withLines) => {
      const sets = kinds.map(([k, name, c]) => Object.assign(bars(name, rows.map((r) => r[k]), withAlpha(c, 0.8), 'cost'), { order: 2 }));
      const scales = { x: Object.assign(categoryAxis(xTitle), { stacked: true }), y: axis('USD (undiscounted)', 'usd', { stacked: true, beginAtZero: true }) };
      if (withLines) {
        const totals = rows.map((r) => kinds.reduce((a, [k]) => a + (r[k] || 0), 0));
        sets.push(...totalLines(totals, 'total'));
        if (budgetPerYear.some((v) => v > 0))
          sets.push(line('budget', rows.map((r, i) => (budgetPerYear[i] > 0 ? budgetPerYear[i] : null)), 'budget', { borderColor: '#c62828', borderWidth: 2, stack: 'budget', order: 0, pointRadius: 3 }));
        scales.cumulative = cumulativeAxis();
      }
      addChart(el, id, title, subtitle,
        { type: 'bar', data: { labels: rows.map((r) => r.label), datasets: sets },
          options: { interaction: { mode: 'index', intersect: false }, plugins: { tooltip: { callbacks: { label: (c) => c.dataset.label + ': ' + fmtUsd(c.parsed.y) } } }, scales } });
    };
    costChart('plan-cost-year', 'Cost per year by kind', 'Undiscounted spend in each plan year' +
      (after ? '; the last bar: serving the demand ' + (after.demand_after === 'grow' ? 'growing on' : 'held') + ' for ' + after.label +
        ' after the horizon (in the objective, apart from the horizon\'s spend)' : '') + '; lines: total, cumulative (right axis)' +
      (budgetPerYear.some((v) => v > 0) ? ' and the budget per plan year' : ', no budget set'), yearRows, 'plan year', true);
    costChart('plan-cost-provider', 'Cost by provider and kind', 'Undiscounted spend over the horizon; contract tails after the horizon: ' + fmtUsd(d.commitments_beyond_horizon_usd),
      d.cost_by_provider, 'provider');
    addTable(el, 'plan-cost-table', 'Cost per year', [
      { key: 'label', label: 'Year' }].concat(kinds.map(([k, name]) => ({ key: k, label: name, format: 'usd', numeric: true })))
      .concat([{ key: 'total_usd', label: 'total', format: 'usd', numeric: true }]), d.cost_by_year);

    heading(el, 'Concentration and power');
    const shares = d.provider_shares;
    const shareSets = [
      bars('largest share (any period)', shares.map((s) => s.max_share), shares.map((s) => withAlpha(colour(s.name), 0.85))),
      bars('share in the last period', shares.map((s) => s.final_share), shares.map((s) => withAlpha(colour(s.name), 0.4))),
    ];
    const cap = d.policy ? d.policy.max_provider_share : undefined;
    if (cap !== undefined && cap < 1) shareSets.push(line('cap per provider', shares.map(() => cap), 'cap', { borderColor: '#d62728', borderDash: [6, 3], borderWidth: 2 }));
    addChart(el, 'plan-shares', 'Provider shares of firm capacity against the cap',
      'Firm capacity = commitments and on-demand, in reference GPUs' + (cap !== undefined && cap < 1 ? '; cap ' + fmtPct(cap) : '; no cap set'),
      { type: 'bar', data: { labels: shares.map((s) => s.name), datasets: shareSets },
        options: { plugins: { tooltip: { callbacks: { label: (c) => c.dataset.label + ': ' + fmtPct(c.parsed.y) } } },
          scales: { x: categoryAxis('provider'), y: axis('share of firm capacity', 'pct', { min: 0, max: 1 }) } } });

    const powerSeries = names(d.power_mw_by_site);
    if (powerSeries.length > 0) {
      const caps = new Map((d.sites || []).map((s) => [s.name, s.power_cap_mw]));
      const peaks = powerSeries.map((s) => Math.max(...d.power_mw_by_site[s]));
      const sets = [bars('peak draw (MW)', peaks, powerSeries.map((s) => withAlpha(colour(s), 0.85)))];
      if (caps.size > 0) sets.push(bars('site cap (MW)', powerSeries.map((s) => caps.get(s) || null), 'rgba(0,0,0,0.18)'));
      addChart(el, 'plan-power', 'Power against each site\'s cap', 'Largest draw over the periods (GPUs held × board power × PUE) beside the cap; sites without a cap show no cap bar',
        { type: 'bar', data: { labels: powerSeries, datasets: sets },
          options: { indexAxis: 'y', plugins: { tooltip: { callbacks: { label: (c) => c.dataset.label + ': ' + fmtNumber(c.parsed.x, 1) + ' MW' } } },
            scales: { y: labelAxis('site'), x: axis('MW', 'count', { beginAtZero: true }) } } },
        { height: 80 + 34 * powerSeries.length });
    } else {
      addChart(el, 'plan-power', 'Power drawn over all sites', 'Per-site figures are not in this plan.json',
        { data: { labels, datasets: [line('power (MW)', d.power_mw, 'power')] },
          options: { scales: { x: periodAxis, y: axis('MW', 'count', { beginAtZero: true }) } } });
    }

    heading(el, 'Resilience');
    const res = d.resilience;
    const resLabels = res.map((r) => r.kind + ': ' + r.name);
    const share = (v, r) => (r.critical_ref_gpus > 0 ? v / r.critical_ref_gpus : null);
    addChart(el, 'plan-resilience', 'Capacity left when one provider or site is lost, against critical demand',
      'Firm capacity outside the lost domain at its tightest period, as a share of the critical demand then; green: meets the requirement, red: short' +
      (d.policy ? ' (required: ' + fmtPct(d.policy.n1_share) + ' of critical demand' + (d.policy.n1_providers || d.policy.n1_sites ? ')' : ', not enforced)') : ''),
      { type: 'bar', data: { labels: resLabels, datasets: [
        bars('capacity left ÷ critical demand', res.map((r) => share(r.remaining_ref_gpus, r)), res.map((r) => r.ok === false ? 'rgba(214,39,40,0.85)' : 'rgba(44,160,44,0.8)')),
        bars('required ÷ critical demand', res.map((r) => share(r.required_ref_gpus, r)), 'rgba(0,0,0,0.35)')] },
        options: { indexAxis: 'y', plugins: { tooltip: horizontalTooltip('pct') },
          scales: { y: labelAxis('lost domain'), x: axis('share of critical demand (reference GPUs)', 'pct', { beginAtZero: true }) } } },
      { wide: true, height: 80 + 30 * res.length });
    addTable(el, 'plan-resilience-table', 'Resilience check', [
      { key: 'kind', label: 'Lost' }, { key: 'name', label: 'Name' }, { key: 'period', label: 'Tightest period' },
      { key: 'remaining_ref_gpus', label: 'Left (ref GPUs)', format: 'count', numeric: true },
      { key: 'required_ref_gpus', label: 'Required', format: 'count', numeric: true },
      { key: 'critical_ref_gpus', label: 'Critical demand', format: 'count', numeric: true },
      { key: 'ok', label: 'Check', format: (v) => (v === false ? 'SHORT' : 'ok'), flag: (r) => (r.ok === false ? 'bad' : 'good') },
    ], res);

    heading(el, 'Marginal values');
    const unit = { power_mw: 'one more MW at the site', supply_gpu: 'one more GPU available', ramp_gpu: 'one more GPU deliverable',
      share_point: 'one more point of share cap', budget_usd: 'one more dollar of budget', demand_ref_gpu: 'one more ref GPU of demand (a cost)' };
    const marginals = d.marginals.map((m, i) => Object.assign({ rank: i + 1, unit: unit[m.kind] || m.kind }, m));
    addTable(el, 'plan-marginals', 'Marginal values, ranked', [
      { key: 'rank', label: '#', numeric: true }, { key: 'kind', label: 'Limit' }, { key: 'what', label: 'Where' },
      { key: 'unit', label: 'One more unit is' }, { key: 'usd', label: 'Worth (present value)', format: 'usd', numeric: true },
      { key: 'usd_less', label: 'One unit less', format: (v) => (v === null ? 'no plan' : v === undefined ? '' : fmtUsd(v)), numeric: true },
      { key: 'basis', label: 'From' },
    ], marginals, 'One unit more (and one unit less) of each limit in every period: for a limit, what it saves (costs); for demand, what it costs (saves). Re-solved values are measured, dual values estimated. Click a column to sort.');
  }

  // ---- Risk ------------------------------------------------------------------------------------
  // A fan: the P5-P95 band of a distribution per period, shaded, and its P50 as a line. The
  // band's edges are labelled "<name> P95" and "<name> P5" (the legend shows only the P50).
  function fan(name, band, c, extra) {
    const o = extra || {};
    return [
      Object.assign({ type: 'line', label: name + ' P95', data: band.p95, borderColor: withAlpha(c, 0.45), backgroundColor: withAlpha(c, 0.16),
        borderWidth: 1, fill: '+1', band: name }, o),
      Object.assign({ type: 'line', label: name + ' P5', data: band.p5, borderColor: withAlpha(c, 0.45), backgroundColor: withAlpha(c, 0.45),
        borderWidth: 1, fill: false, band: name }, o),
      Object.assign({ type: 'line', label: name + ' (P50; band P5-P95)', data: band.p50, borderColor: c, backgroundColor: c, borderWidth: 2.5, fill: false }, o),
    ];
  }
  const fanLegend = { labels: { filter: (item, data) => !data.datasets[item.datasetIndex].band } };
  function fanTooltip(format) {
    const f = tickFormats[format];
    return { mode: 'index', intersect: false, callbacks: { label: (c) => c.dataset.label.replace(' (P50; band P5-P95)', ' P50') + ': ' + f(c.parsed.y) } };
  }
  // A vertical line at x = value from y = 0 to y = top, marking a statistic of a distribution
  // (`marker` names it for the browser test: 'p95', 'cvar95', 'mean').
  function marker(label, value, top, c, marker, dash) {
    return { type: 'line', label, data: [{ x: value, y: 0 }, { x: value, y: top }], borderColor: c, backgroundColor: c,
      borderWidth: 2, borderDash: dash || [], fill: false, marker, value, pointRadius: 0, order: 0 };
  }

  function drawRisk(d, el) {
    const labels = d.labels;
    const periodAxis = categoryAxis('period');
    heading(el, 'Demand against committed capacity');
    addChart(el, 'risk-capacity-fan', 'Demand against the capacity contracts deliver',
      'Per period over ' + fmtCount(d.futures) + ' futures: the median (line) and the P5-P95 band (shaded) of demand (every stream, reference GPUs) and of the contract capacity delivered (after delivery slips and site power, before disruptions)',
      { data: { labels, datasets: fan('demand', d.demand_ref_gpus, '#222222').concat(fan('delivered by contracts', d.delivered_ref_gpus, colour('delivered'))) },
        options: { interaction: { mode: 'index', intersect: false }, plugins: { legend: fanLegend, tooltip: fanTooltip('count') },
          scales: { x: periodAxis, y: axis('reference GPUs (H100-SXM = 1)', 'count', { beginAtZero: true }) } } },
      { wide: true, height: 380 });

    const providers = names(d.spend_by_provider_usd);
    for (const p of providers) registerProvider(p);
    addChart(el, 'risk-spend-fan', 'Spend per provider',
      'Undiscounted spend in each period (contracts, on-demand, spot, energy): median per provider and its P5-P95 band over the futures',
      { data: { labels, datasets: [].concat(...providers.map((p) => fan(p, d.spend_by_provider_usd[p], colour(p)))) },
        options: { interaction: { mode: 'index', intersect: false }, plugins: { legend: fanLegend, tooltip: fanTooltip('usd') },
          scales: { x: periodAxis, y: axis('USD per period (undiscounted)', 'usd', { beginAtZero: true }) } } },
      { wide: true, height: 380 });

    addChart(el, 'risk-shortfall-fan', 'Shortfall',
      'Reference GPU-hours of demand left unmet in each period: median and P5-P95 band; dotted (right axis): the share of futures with any shortfall',
      { data: { labels, datasets: fan('GPU-hours short', d.shortfall_gpu_hours, '#c62828').concat([
        line('chance of any shortfall (right axis)', d.shortfall_probability, 'chance', { borderColor: '#555', borderDash: [2, 3], yAxisID: 'chance' })]) },
        options: { interaction: { mode: 'index', intersect: false }, plugins: { legend: fanLegend },
          scales: { x: periodAxis, y: axis('reference GPU-hours short', 'count', { beginAtZero: true }),
            chance: axis('share of futures', 'pct', { position: 'right', min: 0, max: 1, grid: { drawOnChartArea: false } }) } } },
      { wide: true, height: 340 });

    heading(el, 'Cost distribution');
    const c = d.cost_usd;
    const bins = d.cost_histogram;
    const top = Math.max(1, ...bins.map((b) => b.count));
    const marks = (height) => [
      marker('mean ' + fmtUsd(c.mean), c.mean, height, '#555', 'mean', [2, 3]),
      marker('P95 ' + fmtUsd(c.p95), c.p95, height, '#e65100', 'p95', [6, 3]),
      marker('CVaR95 ' + fmtUsd(c.cvar95), c.cvar95, height, '#b71c1c', 'cvar95'),
    ];
    const costAxis = axis('total discounted cost (present value, USD)', 'usd', { type: 'linear' });
    addChart(el, 'risk-cost-histogram', 'Cost over the futures (histogram)',
      'Futures by total discounted cost, ' + bins.length + ' equal bins; lines: the mean, P95 and CVaR95 (the mean of the worst 5% of futures)',
      { type: 'bar', data: { datasets: [Object.assign(bars('futures', bins.map((b) => ({ x: (b.from + b.to) / 2, y: b.count })), withAlpha(colour('cost'), 0.75)),
        { barPercentage: 1, categoryPercentage: 1, order: 1 })].concat(marks(top)) },
        options: { plugins: { tooltip: { callbacks: { label: (k) => k.dataset.marker ? k.dataset.label : fmtCount(k.parsed.y) + ' futures near ' + fmtUsd(k.parsed.x) } } },
          scales: { x: costAxis, y: axis('futures', 'count', { beginAtZero: true }) } } });
    addChart(el, 'risk-cost-cdf', 'Cost over the futures (CDF)',
      'Share of futures whose total discounted cost is at most the value on the x axis; lines: the mean, P95 and CVaR95',
      { type: 'line', data: { datasets: [line('futures', d.cost_cdf.map((p) => ({ x: p.x, y: p.p })), 'cost', { stepped: true, order: 1 })].concat(marks(1)) },
        options: { plugins: { tooltip: { callbacks: { label: (k) => k.dataset.marker ? k.dataset.label : fmtPct(k.parsed.y) + ' of futures ≤ ' + fmtUsd(k.parsed.x) } } },
          scales: { x: costAxis, y: axis('share of futures', 'pct', { type: 'linear', min: 0, max: 1 }) } } });

    if (d.sweep && d.sweep.fields.length > 0) {
      heading(el, 'Sensitivity');
      const rows = d.sweep.fields;
      const base = d.sweep.baseline_cost_mean_usd;
      addChart(el, 'risk-tornado', 'What moves the cost most (tornado)',
        'Per field, the lowest and the highest mean total discounted cost over its swept values (the other fields as in the scenario, the same futures), from the scenario as written (' + fmtUsd(base) + '); largest swing first',
        { type: 'bar', data: { labels: rows.map((r) => r.field), datasets: [
          bars('lowest cost mean', rows.map((r) => [base, r.low_cost_mean_usd]), withAlpha('#1565c0', 0.8)),
          bars('highest cost mean', rows.map((r) => [base, r.high_cost_mean_usd]), withAlpha('#c62828', 0.8))].map((s) => Object.assign(s, { grouped: false })) },
          options: { indexAxis: 'y', plugins: { tooltip: { callbacks: { label: (k) => {
            const r = rows[k.dataIndex], low = k.datasetIndex === 0;
            return r.field + ' = ' + fmtNumber(low ? r.low_value : r.high_value, 4) + ': ' + fmtUsd(low ? r.low_cost_mean_usd : r.high_cost_mean_usd); } } } },
            scales: { y: labelAxis('scenario field'), x: axis('mean total discounted cost (USD)', 'usd', { beginAtZero: false }) } } },
        { wide: true, height: 100 + 36 * rows.length });
      addTable(el, 'risk-sweep-table', 'Sweep', [
        { key: 'field', label: 'Field', name: true },
        { key: 'low_value', label: 'Value at the lowest cost', format: (v) => fmtNumber(v, 4), numeric: true },
        { key: 'low_cost_mean_usd', label: 'Lowest cost mean', format: 'usd', numeric: true },
        { key: 'high_value', label: 'Value at the highest cost', format: (v) => fmtNumber(v, 4), numeric: true },
        { key: 'high_cost_mean_usd', label: 'Highest cost mean', format: 'usd', numeric: true },
        { key: 'swing_usd', label: 'Swing', format: 'usd', numeric: true },
      ], rows, 'Every value swept is in sweep.json.');
    }
  }

  // ---- Compare ---------------------------------------------------------------------------------
  function drawCompare(d, el) {
    heading(el, 'Cost');
    const sets = d.cdfs.map((s) => line(s.label, s.points.map((p) => ({ x: p.x, y: p.p })), 'folder ' + s.label, { stepped: true, folder: s.label }));
    addChart(el, 'compare-cost-cdf', 'Cost distributions side by side (CDF)',
      'Share of futures whose cost is at most the value on the x axis, one line per folder; a plan or a simulation has one cost: a vertical step',
      { type: 'line', data: { datasets: sets },
        options: { plugins: { tooltip: { callbacks: { label: (k) => k.dataset.label + ': ' + fmtPct(k.parsed.y) + ' ≤ ' + fmtUsd(k.parsed.x) } } },
          scales: { x: axis('cost (USD)', 'usd', { type: 'linear' }), y: axis('share of futures', 'pct', { type: 'linear', min: 0, max: 1 }) } } },
      { wide: true, height: 360 });
    const usd = { format: 'usd', numeric: true };
    addTable(el, 'compare-summary', 'Folders compared', [
      { key: 'label', label: 'Folder', name: true }, { key: 'kind', label: 'Kind' }, { key: 'basis', label: 'Cost basis' },
      Object.assign({ key: 'mean', label: 'Cost (mean)' }, usd), Object.assign({ key: 'p5', label: 'P5' }, usd),
      Object.assign({ key: 'p50', label: 'P50' }, usd), Object.assign({ key: 'p95', label: 'P95' }, usd),
      Object.assign({ key: 'cvar95', label: 'CVaR95' }, usd),
      { key: 'shortfall', label: 'Shortfall', format: 'text' },
    ], d.folders, 'Risk folders: the distribution over their futures; plan and simulation folders: their one cost.');
    if (d.regret.rows.length > 0) {
      addTable(el, 'compare-regret', 'Regret', [
        { key: 'label', label: 'Folder', name: true },
        Object.assign({ key: 'mean_usd', label: 'Mean regret' }, usd), Object.assign({ key: 'p95_usd', label: 'P95 regret' }, usd),
        Object.assign({ key: 'max_usd', label: 'Max regret' }, usd),
        { key: 'best_share', label: 'Best in', format: 'pct', numeric: true },
      ], d.regret.rows, 'Each folder\'s cost in each future minus the best of the folders in that future (' + d.regret.note + ').');
    } else {
      const p = document.createElement('p');
      p.className = 'note';
      p.id = 'compare-regret-note';
      p.textContent = 'No regret: ' + d.regret.note + '.';
      el.appendChild(p);
    }
    if (d.shares.length > 0)
      addTable(el, 'compare-shares', 'Provider shares of cost', [
        { key: 'provider', label: 'Provider', name: true }].concat(d.labels.map((l) => ({ key: l, label: l, format: 'pct', numeric: true }))),
      d.shares, 'Each provider\'s share of the folder\'s cost (risk: of the mean cost per provider).');
    if (d.commitments.length > 0)
      addTable(el, 'compare-commitments', 'Contracts per provider, kind and start year', [
        { key: 'provider', label: 'Provider', name: true }, { key: 'kind', label: 'Kind' }, { key: 'year', label: 'Start year' }]
        .concat(d.commitment_labels.map((l) => ({ key: l, label: l + ' (GPUs)', format: 'count', numeric: true }))),
      d.commitments, 'GPUs of the contracts each folder holds: the scenario\'s existing contracts (at their peak) and the new commitments of its plan, by provider and the year they start (risk folders: those the futures were evaluated on).');
  }

  // ---- Status for the browser test ----------------------------------------------------------
  function blankCanvases() {
    let blank = 0;
    for (const canvas of document.querySelectorAll('figure.chart canvas')) {
      const ctx = canvas.getContext('2d');
      const w = canvas.width, h = canvas.height;
      if (w === 0 || h === 0) { blank += 1; continue; }
      const pixels = ctx.getImageData(0, 0, w, h).data;
      let inked = 0;
      for (let i = 3; i < pixels.length; i += 4 * 7) if (pixels[i] !== 0) inked += 1;
      if (inked < 50) blank += 1;
    }
    return blank;
  }

  function report() {
    const out = document.getElementById('render-status');
    const resources = performance.getEntriesByType('resource').length;
    const blank = blankCanvases();
    const ok = status.errors.length === 0 && status.rendered === status.expected && blank === 0 && resources === 0;
    out.textContent = (ok ? 'ok' : 'fail') + ' charts=' + status.rendered + '/' + status.expected + ' blank=' + blank +
      ' errors=' + status.errors.length + ' resources=' + resources + (status.errors.length ? ' first-error=' + status.errors[0] : '');
    document.body.dataset.renderStatus = ok ? 'ok' : 'fail';
  }

  // The palette, for the browser test: a provider's colour, and a site's (registering either).
  window.gpufleetPalette = {
    provider: (name) => { registerProvider(name); return colour(name); },
    site: (site, provider) => { registerSite(site, provider); return colour(site); },
  };

  // Printing lays the page out at the paper's width: the charts are redrawn to fit it, and
  // again to fit the screen afterwards.
  const resizeAll = () => { for (const c of charts) c.resize(); };
  window.addEventListener('beforeprint', resizeAll);
  window.addEventListener('afterprint', resizeAll);
  if (window.matchMedia) window.matchMedia('print').addEventListener('change', resizeAll);

  try {
    const data = JSON.parse(document.getElementById('report-data').textContent);
    planData = data.plan || null;
    if (data.simulation) drawSimulation(data.simulation, document.getElementById('simulation-charts'));
    if (data.plan) drawPlan(data.plan, document.getElementById('plan-charts'));
    if (data.risk) drawRisk(data.risk, document.getElementById('risk-charts'));
    if (data.compare) drawCompare(data.compare, document.getElementById('compare-charts'));
  } catch (e) {
    status.errors.push(e.message);
  }
  // Charts draw synchronously (no animation); wait a frame for layout, then report.
  requestAnimationFrame(() => setTimeout(report, 50));
})();
