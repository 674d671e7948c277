// The live dashboard's script, inlined by renderDashboardPage (src/html.ts) after uPlot and the report's script.
// It follows the run through the server's event stream (/events: the only connection the page may open), draws
// what each message says with textContent (never as markup), and at the end draws the final report with
// VolleyReport.render and offers that report's HTML file for download. Plain browser JavaScript, no network
// beyond its own server.
(() => {
  const config = JSON.parse(document.getElementById('volley-dashboard').textContent);
  const token = new URLSearchParams(location.search).get('token');
  const query = token ? `?token=${encodeURIComponent(token)}` : '';
  const root = document.getElementById('report');
  root.textContent = '';

  function el(tag, className, ...children) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    for (const child of children) node.append(typeof child === 'string' ? document.createTextNode(child) : child);
    return node;
  }

  document.title = config.title;
  const status = el('span', 'status', 'connecting…');
  status.dataset.status = 'connecting';
  const stop = el('button', 'stop', 'Stop the run');
  stop.type = 'button';
  stop.dataset.action = 'stop';
  const heading = el('h1', '', config.title);
  root.append(el('header', 'head live', heading, el('div', 'controls', status, stop)));
  const figures = el('section', 'figures');
  root.append(figures);
  const charts = el('section', 'charts');
  root.append(charts);
  const tables = {};
  for (const [id, title] of [
    ['agents', 'Agents'],
    ['endpoints', 'Requests by name'],
    ['thresholds', 'Thresholds so far'],
  ]) {
    const body = el('tbody', '');
    const head = el('tr', '');
    const section = el(
      'section',
      'table',
      el('h2', '', title),
      el('div', 'scroll', el('table', '', el('thead', '', head), body)),
    );
    section.dataset.table = id;
    section.hidden = true;
    root.append(section);
    tables[id] = { section, head, body };
  }

  stop.addEventListener('click', () => {
    stop.disabled = true;
    stop.textContent = 'Stopping…';
    fetch(`/stop${query}`, { method: 'POST', headers: { 'x-volley-stop': config.stopKey } }).catch(() => {
      stop.textContent = 'Stop failed';
    });
  });

  const COLORS = ['#2563eb', '#dc2626', '#6b7280', '#d97706', '#059669', '#7c3aed'];
  const CLASSES = ['2xx', '3xx', '4xx', '5xx', 'none'];
  const specs = [
    {
      id: 'live-throughput',
      title: 'Throughput (per second)',
      series: ['achieved', 'asked', 'errors', 'sent late', 'never sent'],
      point: (p, asked) => [p.rps, asked, p.errorsPerSecond, p.late, p.dropped ?? 0],
      log: false,
    },
    {
      id: 'live-latency',
      title: 'Latency (ms, log scale)',
      series: ['p50', 'p90', 'p99', 'max'],
      // A log scale has no 0: an interval without responses leaves a gap.
      point: (p) => [p.p50, p.p90, p.p99, p.max].map((v) => (v > 0 ? v : null)),
      log: true,
    },
    {
      id: 'live-statuses',
      title: 'Statuses and errors (per second)',
      series: CLASSES.map((c) => (c === 'none' ? 'no response' : c)),
      point: (p) => CLASSES.map((c) => p.byClass[c] ?? 0),
      log: false,
    },
  ];
  const plots = specs.map((spec) => {
    const box = el('div', 'chart');
    const figure = el('figure', '', el('figcaption', '', spec.title), box);
    figure.dataset.chart = spec.id;
    charts.append(figure);
    return { spec, box, data: [[], ...spec.series.map(() => [])], plot: undefined };
  });

  function options(spec, width) {
    return {
      width,
      height: 240,
      scales: { x: { time: false }, ...(spec.log ? { y: { distr: 3, log: 10 } } : {}) },
      axes: [{ label: 'seconds since start' }, { size: 60 }],
      series: [
        { label: 'time (s)' },
        ...spec.series.map((label, i) => ({ label, stroke: COLORS[i % COLORS.length], width: 2, spanGaps: false })),
      ],
    };
  }

  function draw() {
    for (const p of plots) {
      if (p.data[0].length === 0) continue;
      const width = Math.max(300, p.box.clientWidth);
      if (p.plot) p.plot.setData(p.data);
      else p.plot = new uPlot(options(p.spec, width), p.data, p.box);
    }
  }
  window.addEventListener('resize', () => {
    for (const p of plots) if (p.plot) p.plot.setSize({ width: Math.max(300, p.box.clientWidth), height: 240 });
  });

  function fill(name, head, rows) {
    const t = tables[name];
    t.section.hidden = rows.length === 0;
    t.head.textContent = '';
    for (const h of head) t.head.append(el('th', '', h));
    t.body.textContent = '';
    for (const row of rows) {
      const tr = el('tr', '');
      // The class (pass or fail) marks the verdict, the last cell.
      row.cells.forEach((cell, i) => {
        tr.append(el('td', i === row.cells.length - 1 ? (row.className ?? '') : '', cell));
      });
      if (row.key) tr.dataset.row = row.key;
      t.body.append(tr);
    }
  }

  const STATUS = {
    waiting: 'waiting for agents',
    running: 'running',
    finishing: 'finishing',
  };

  function state(msg) {
    const joined = msg.agents.length;
    status.textContent =
      msg.status === 'waiting' ? `${STATUS.waiting}: ${joined} of ${msg.expectedAgents} joined` : STATUS[msg.status];
    status.dataset.status = msg.status;
    figures.textContent = '';
    for (const f of msg.figures) {
      const card = el('div', 'figure', el('div', 'label', f.label), el('div', 'value', f.value));
      card.dataset.figure = f.id;
      figures.append(card);
    }
    const waiting = Math.max(0, msg.expectedAgents - joined);
    const agentRows = msg.agents.map((a) => ({ key: a.name, cells: [a.name, a.host, a.state, ...a.values] }));
    const blank = msg.heads.agents.slice(3).map(() => '');
    for (let i = 0; i < waiting; i++) agentRows.push({ cells: ['(waiting)', '', 'waiting', ...blank] });
    fill('agents', msg.heads.agents, agentRows);
    fill(
      'endpoints',
      msg.heads.endpoints,
      msg.endpoints.map((cells) => ({ key: cells[0], cells })),
    );
    fill(
      'thresholds',
      ['threshold', 'so far', ''],
      msg.thresholds.map((t) => ({
        key: t.expr,
        cells: [t.expr, t.actual, t.pass ? 'pass' : 'FAIL'],
        className: t.pass ? 'pass' : 'fail',
      })),
    );
    if (msg.reset) for (const p of plots) for (const column of p.data) column.length = 0;
    for (const point of msg.points) {
      for (const p of plots) {
        p.data[0].push(point.t);
        p.spec.point(point, msg.asked).forEach((v, i) => {
          p.data[i + 1].push(v);
        });
      }
    }
    draw();
  }

  function final(msg) {
    source.close();
    window.VolleyReport.render(msg.view, root);
    const file = URL.createObjectURL(new Blob([msg.html], { type: 'text/html' }));
    const link = el('a', 'download', 'Download this report (one HTML file)');
    link.href = file;
    link.download = 'volley-report.html';
    link.dataset.action = 'download';
    const bar = el('p', 'final', 'The run is over: this is its final report. ', link);
    bar.dataset.status = 'done';
    root.prepend(bar);
  }

  const source = new EventSource(`/events${query}`);
  source.onmessage = (event) => {
    const msg = JSON.parse(event.data);
    if (msg.type === 'state') state(msg);
    else if (msg.type === 'final') final(msg);
  };
  source.onerror = () => {
    if (source.readyState === EventSource.CLOSED || status.dataset.status !== 'done') {
      status.textContent = 'connection lost; retrying…';
    }
  };
})();
