// The HTML report's script, inlined into every page by renderHtml (src/html.ts), and into the live dashboard,
// which draws the final report with it. It lays out a view (the volley-view JSON block, or the one given to
// VolleyReport.render), setting every string with textContent (never as markup), and draws the charts with
// uPlot, inlined before it. Plain browser JavaScript: no build step, no imports, no network.
(() => {
  const block = document.getElementById('volley-view');
  window.VolleyReport = { render };
  if (block) render(JSON.parse(block.textContent), document.getElementById('report'));

  function render(view, root) {
    root.textContent = '';

    /** An element with a class and children; strings become text nodes, so they can never be markup. */
    function el(tag, className, ...children) {
      const node = document.createElement(tag);
      if (className) node.className = className;
      for (const child of children) node.append(typeof child === 'string' ? document.createTextNode(child) : child);
      return node;
    }

    document.title = view.title;
    const header = el('header', 'head', el('h1', '', view.title));
    if (view.aborted)
      header.append(el('p', 'banner', 'Run stopped early: figures cover what was measured until then.'));
    for (const warning of view.warnings ?? []) header.append(el('p', 'banner warning', warning));
    if (view.verdict) {
      const verdict = el('p', `banner verdict ${view.verdict.pass ? 'pass' : 'fail'}`, view.verdict.text);
      verdict.dataset.verdict = view.verdict.pass ? 'pass' : 'fail';
      header.append(verdict);
    }
    const meta = el('dl', 'meta');
    for (const [k, v] of view.meta) meta.append(el('div', '', el('dt', '', k), el('dd', '', v)));
    header.append(meta);
    root.append(header);

    const figures = el('section', 'figures');
    for (const f of view.figures) {
      const card = el('div', 'figure', el('div', 'label', f.label), el('div', 'value', f.value));
      if (f.detail) card.append(el('div', 'detail', f.detail));
      card.dataset.figure = f.id;
      figures.append(card);
    }
    root.append(figures);

    const charts = el('section', 'charts');
    root.append(charts);
    const plots = [];
    /** A chart's figure, drawn later by draw() (uPlot needs the box laid out to know its width). */
    function chartFigure(chart) {
      const box = el('div', 'chart');
      const section = el('figure', '', el('figcaption', '', chart.title), box);
      if (chart.note) section.append(el('p', 'note', chart.note));
      section.dataset.chart = chart.id;
      if (chart.data[0].length > 0) plots.push({ chart, box });
      return section;
    }
    for (const chart of view.charts) charts.append(chartFigure(chart));

    function tableSection(table, heading = true) {
      const section = el('section', 'table');
      if (heading) section.append(el('h2', '', table.title));
      section.dataset.table = table.id;
      if (table.rows.length === 0) {
        section.append(el('p', 'note', 'None.'));
      } else {
        const head = el('tr', '');
        for (const h of table.head) head.append(el('th', '', h));
        const body = el('tbody', '');
        table.rows.forEach((row, i) => {
          const tr = el('tr', table.rowClasses?.[i] ?? '');
          for (const cell of row) tr.append(el('td', '', cell));
          body.append(tr);
        });
        section.append(el('div', 'scroll', el('table', '', el('thead', '', head), body)));
      }
      if (table.note) section.append(el('p', 'note', table.note));
      return section;
    }
    for (const table of view.tables) root.append(tableSection(table));

    for (const request of view.requests ?? []) {
      const section = el('section', 'request', el('h2', '', `Request ${request.name}`));
      section.dataset.request = request.name;
      section.append(tableSection(request.table, false), chartFigure(request.chart));
      root.append(section);
    }

    /** 10 → 90%, 100 → 99%, 1000 → 99.9% (x is 1/(1-p)), with `extra` more digits for values between those. */
    function percentile(x, extra) {
      const p = 100 - 100 / x;
      return `${p.toFixed(Math.max(0, Math.ceil(Math.log10(x) - 2 - 1e-9)) + extra)}%`;
    }

    function options(chart, width) {
      const log = chart.x === 'percentile';
      const yLog = chart.yLog === true;
      const ms = (v) => (v == null ? '–' : `${v.toFixed(v >= 100 ? 0 : v >= 10 ? 1 : 2)}`);
      return {
        width,
        height: 260,
        scales: {
          x: log ? { time: false, distr: 3, log: 10 } : { time: false },
          ...(yLog ? { y: { distr: 3, log: 10 } } : {}),
        },
        axes: [
          log
            ? {
                label: 'percentile',
                splits: (u) => {
                  const out = [];
                  for (let x = 1; x <= u.scales.x.max * 1.0001; x *= 10) out.push(x);
                  return out;
                },
                values: (_u, splits) => splits.map((x) => percentile(x, 0)),
              }
            : { label: 'seconds since start' },
          { label: chart.yLabel, size: 60 },
        ],
        series: [
          {
            label: log ? 'percentile' : 'time (s)',
            value: (_u, x) => (x == null ? '–' : log ? percentile(x, 2) : `${x}`),
          },
          ...chart.series.map((s) => ({
            label: s.label,
            stroke: s.color,
            width: 2,
            dash: s.dash,
            value: (_u, v) => (chart.yLabel === 'ms' ? ms(v) : v == null ? '–' : `${v}`),
            points: { show: chart.data[0].length < 30 },
          })),
        ],
      };
    }

    /** A log scale has no 0: a value of 0 (an interval without responses) becomes a gap. */
    function chartData(chart) {
      if (!chart.yLog) return chart.data;
      return chart.data.map((column, i) => (i === 0 ? column : column.map((v) => (v > 0 ? v : null))));
    }

    function draw() {
      for (const p of plots) {
        const width = Math.max(300, p.box.clientWidth);
        if (p.plot) p.plot.setSize({ width, height: 260 });
        else p.plot = new uPlot(options(p.chart, width), chartData(p.chart), p.box);
      }
    }
    draw();
    window.addEventListener('resize', draw);
  }
})();
