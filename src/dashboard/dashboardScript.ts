/**
 * The dashboard's script, served as `/api/dashboard/app.js`: plain browser JavaScript, no build
 * step and no framework. It reads the function key from the page's `?code=` and sends it as
 * `x-functions-key` on every API call; it never writes what the API says as markup. Kept as a
 * string so the app needs no copy step to ship it (the app runs from `dist/`). It must hold no
 * backquote and no dollar-brace, which would end or interpolate this template.
 */
export const DASHBOARD_SCRIPT = String.raw`(function () {
  'use strict';

  /** Poll fast while the service is working on a batch, slowly otherwise. */
  var FAST_MS = 2000;
  var SLOW_MS = 10000;
  var BUSY_STATUSES = ['Validating', 'Syncing', 'Completing', 'Removing'];
  var IN_PROGRESS = ['Queued', 'Provisioning', 'Syncing', 'Completing'];
  var ACTION_NAMES = { start: 'Start', stop: 'Stop', resume: 'Resume', complete: 'Complete', retry: 'Retry failed' };
  var SVG = 'http://www.w3.org/2000/svg';
  var MIN_CHART_SLOTS = 30;

  var key = new URLSearchParams(location.search).get('code');
  var apiRoot = location.pathname.replace(/\/dashboard\/?$/i, '');
  var view = { name: 'list', id: '' };
  var ticket = 0;
  var timer = 0;
  var fastUntil = 0;
  var lastFast = false;
  var knownStatus = {};

  function byId(id) { return document.getElementById(id); }

  /** An element with text (never markup) and attributes. */
  function el(tag, text, attrs) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    return node;
  }

  function svgEl(tag, attrs, text) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, String(attrs[name])); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function request(url, init) {
    init = init || {};
    var headers = new Headers(init.headers || {});
    if (key) headers.set('x-functions-key', key);
    return fetch(url, Object.assign({}, init, { headers: headers, cache: 'no-store', credentials: 'omit' }));
  }

  function api(path, init) { return request(apiRoot + path, init); }

  /** The RFC 9457 problem of an error answer, or a stand-in when the body is not one. */
  function readProblem(response) {
    return response.json().catch(function () { return {}; }).then(function (body) {
      var fallback = response.status === 401 ? 'The function key was not accepted (HTTP 401). Open the page with ?code=<function key>.' : 'The service answered HTTP ' + response.status + '.';
      return {
        status: response.status,
        title: body.title || fallback,
        detail: body.detail || body.title || fallback,
        errors: Array.isArray(body.errors) ? body.errors : [],
      };
    });
  }

  function getJson(path) {
    return request(path.indexOf(apiRoot + '/') === 0 ? path : apiRoot + path).then(function (response) {
      if (response.ok) return response.json();
      return readProblem(response).then(function (problem) { throw new Error(problem.detail); });
    });
  }

  function say(text) {
    var region = byId('status');
    region.textContent = '';
    window.setTimeout(function () { region.textContent = text; }, 50);
  }

  /** fromPolling marks a failed refresh, which the next good refresh takes away again. */
  function showAlert(text, fromPolling) {
    var alert = byId('alert');
    alert.textContent = text;
    alert.hidden = false;
    alert.setAttribute('data-from-polling', fromPolling ? 'true' : 'false');
  }

  function clearAlert() {
    byId('alert').hidden = true;
    byId('alert').textContent = '';
  }

  var numberFormat = new Intl.NumberFormat();
  function formatNumber(n) { return numberFormat.format(n || 0); }

  function formatBytes(n) {
    n = n || 0;
    var units = ['B', 'KB', 'MB', 'GB', 'TB'];
    var i = 0;
    while (n >= 1024 && i < units.length - 1) { n /= 1024; i += 1; }
    return (i === 0 ? String(n) : n.toFixed(n < 10 ? 1 : 0)) + ' ' + units[i];
  }

  function formatTime(iso) {
    if (!iso) return '';
    var date = new Date(iso);
    var today = new Date().toDateString() === date.toDateString();
    return today ? date.toLocaleTimeString() : date.toLocaleString();
  }

  function badge(status) {
    var tone = /WithErrors|Failed/.test(status) ? 'bad' : /^(Synced|Completed)$/.test(status) ? 'good' : /^(Validating|Syncing|Provisioning|Completing|Removing)$/.test(status) ? 'busy' : 'idle';
    return el('span', status, { class: 'badge ' + tone });
  }

  function isBusy(batch) { return BUSY_STATUSES.indexOf(batch.status) >= 0; }

  /** Tells screen readers (and sighted users, in the status line) when a batch changes status. */
  function announce(batches) {
    batches.forEach(function (batch) {
      var before = knownStatus[batch.id];
      knownStatus[batch.id] = batch.status;
      if (before && before !== batch.status) say('Batch "' + batch.name + '" is now ' + batch.status + '.');
    });
  }

  // ---- Routing and polling -------------------------------------------------------------

  function route(moveFocus) {
    var match = /^#\/batches\/([^/]+)$/.exec(location.hash);
    var id = '';
    try { id = match ? decodeURIComponent(match[1]) : ''; } catch (error) { id = ''; }
    clearAlert();
    view = id ? { name: 'batch', id: id } : { name: 'list', id: '' };
    byId('list-view').hidden = view.name !== 'list';
    byId('batch-view').hidden = view.name !== 'batch';
    if (view.name === 'batch') {
      resetBatchView();
      if (moveFocus) byId('batch-title').focus();
    } else {
      document.title = 'Batches - Mailbox migration';
      loadEndpoints();
      if (moveFocus) byId('batches-heading').focus();
    }
    refresh();
  }

  function refresh() {
    window.clearTimeout(timer);
    var mine = ++ticket;
    var work = view.name === 'batch' ? refreshBatch(view.id, mine) : refreshList(mine);
    work.catch(function (error) {
      if (mine === ticket) showAlert('Could not load: ' + error.message, true);
      return null;
    }).then(function (busy) {
      if (mine !== ticket) return;
      if (busy !== null && byId('alert').getAttribute('data-from-polling') === 'true') clearAlert();
      lastFast = Boolean(busy) || Date.now() < fastUntil;
      var delay = lastFast && !document.hidden ? FAST_MS : SLOW_MS;
      byId('updated').textContent = (busy === null ? 'Could not refresh at ' : 'Updated ') + new Date().toLocaleTimeString() + ' · next in ' + delay / 1000 + ' s';
      timer = window.setTimeout(refresh, delay);
    });
  }

  /** After an upload or an action the status is about to move: look often for a while. */
  function watchClosely() {
    fastUntil = Date.now() + 20000;
  }

  // ---- Batch list ------------------------------------------------------------------------

  function refreshList(mine) {
    return getJson('/batches').then(function (body) {
      if (mine !== ticket) return false;
      var batches = (body.value || []).slice().sort(function (a, b) { return String(b.createdAt).localeCompare(String(a.createdAt)); });
      renderBatchList(batches);
      announce(batches);
      return batches.some(isBusy);
    });
  }

  function sumCounts(counts, names) {
    return names.reduce(function (n, name) { return n + ((counts || {})[name] || 0); }, 0);
  }

  function renderBatchList(batches) {
    var rows = batches.map(function (batch) {
      var tr = el('tr');
      var nameCell = el('td');
      nameCell.appendChild(el('a', batch.name, { href: '#/batches/' + encodeURIComponent(batch.id) }));
      var statusCell = el('td');
      statusCell.appendChild(badge(batch.status));
      tr.append(nameCell, statusCell, el('td', batch.endpoint),
        el('td', formatNumber(batch.mailboxCount), { class: 'num' }),
        el('td', formatNumber(sumCounts(batch.counts, IN_PROGRESS)), { class: 'num' }),
        el('td', formatNumber(sumCounts(batch.counts, ['Synced'])), { class: 'num' }),
        el('td', formatNumber(sumCounts(batch.counts, ['Completed'])), { class: 'num' }),
        el('td', formatNumber(sumCounts(batch.counts, ['Failed'])), { class: 'num' }),
        el('td', formatTime(batch.createdAt)));
      return tr;
    });
    byId('batches').tBodies[0].replaceChildren.apply(byId('batches').tBodies[0], rows);
    byId('batches').hidden = batches.length === 0;
    byId('no-batches').hidden = batches.length > 0;
  }

  function loadEndpoints() {
    var select = byId('batch-endpoint');
    getJson('/endpoints').then(function (body) {
      var chosen = select.value;
      var endpoints = body.value || [];
      var options = endpoints.map(function (endpoint) {
        return el('option', endpoint.name + ' (' + endpoint.host + ')', { value: endpoint.name });
      });
      if (options.length === 0) options = [el('option', 'No endpoints yet: create one with POST /api/endpoints', { value: '' })];
      select.replaceChildren.apply(select, options);
      if (chosen && endpoints.some(function (e) { return e.name === chosen; })) select.value = chosen;
    }).catch(function (error) { showAlert('Could not load the endpoints: ' + error.message); });
  }

  // ---- Upload --------------------------------------------------------------------------

  function showChosenFile() {
    var file = byId('csv-file').files[0];
    byId('chosen-file').textContent = file ? 'Chosen: ' + file.name + ' (' + formatBytes(file.size) + ')' : 'No file chosen.';
    var name = byId('batch-name');
    if (file && !name.value.trim()) name.value = file.name.replace(/\.[^.]*$/, '');
  }

  function clearUploadErrors() {
    byId('upload-errors').hidden = true;
    byId('csv-errors').tBodies[0].replaceChildren();
  }

  function showUploadProblem(problem) {
    var errors = problem.errors || [];
    var caption = byId('csv-errors-caption');
    caption.textContent = problem.title + (errors.length > 1 ? ' (' + errors.length + ' errors)' : '');
    var rows = errors.map(function (error) {
      var tr = el('tr');
      tr.append(el('td', error.line === undefined ? '' : error.line, { class: 'num' }), el('td', error.column || error.field || ''), el('td', error.code || ''), el('td', error.message || ''));
      return tr;
    });
    if (rows.length === 0) {
      var tr = el('tr');
      tr.append(el('td', ''), el('td', ''), el('td', ''), el('td', problem.detail));
      rows = [tr];
    }
    byId('csv-errors').tBodies[0].replaceChildren.apply(byId('csv-errors').tBodies[0], rows);
    byId('upload-errors').hidden = false;
    byId('upload-errors').focus();
    say(problem.title + ' ' + problem.detail);
  }

  function upload(event) {
    event.preventDefault();
    clearUploadErrors();
    clearAlert();
    var button = byId('upload-button');
    if (button.getAttribute('aria-disabled') === 'true') return;
    var name = byId('batch-name').value.trim();
    var endpoint = byId('batch-endpoint').value;
    var file = byId('csv-file').files[0];
    var missing = [!name && 'a batch name', !endpoint && 'an endpoint', !file && 'a CSV file'].filter(Boolean);
    if (missing.length > 0) {
      showUploadProblem({ title: 'The batch cannot be created yet.', detail: 'Give ' + missing.join(', ') + '.', errors: [] });
      return;
    }
    var query = new URLSearchParams({ name: name, endpoint: endpoint });
    var notify = byId('batch-notify').value.trim();
    if (notify) query.set('notify', notify);
    if (!byId('batch-autostart').checked) query.set('autoStart', 'false');
    button.setAttribute('aria-disabled', 'true');
    say('Uploading ' + file.name + '…');
    file.arrayBuffer().then(function (bytes) {
      return api('/batches?' + query.toString(), { method: 'POST', headers: { 'content-type': 'text/csv' }, body: bytes });
    }).then(function (response) {
      if (response.status === 201) {
        return response.json().then(function (batch) {
          byId('upload-form').reset();
          showChosenFile();
          say('Batch "' + batch.name + '" created with ' + batch.mailboxCount + ' mailboxes.');
          watchClosely();
          location.hash = '#/batches/' + encodeURIComponent(batch.id);
        });
      }
      return readProblem(response).then(showUploadProblem);
    }).catch(function (error) {
      showUploadProblem({ title: 'The upload failed.', detail: error.message, errors: [] });
    }).then(function () { button.removeAttribute('aria-disabled'); });
  }

  function setUpUpload() {
    var zone = byId('drop-zone');
    byId('upload-form').addEventListener('submit', upload);
    byId('csv-file').addEventListener('change', showChosenFile);
    ['dragenter', 'dragover'].forEach(function (type) {
      zone.addEventListener(type, function (event) { event.preventDefault(); zone.classList.add('over'); });
    });
    ['dragleave', 'drop'].forEach(function (type) {
      zone.addEventListener(type, function () { zone.classList.remove('over'); });
    });
    zone.addEventListener('drop', function (event) {
      event.preventDefault();
      var files = event.dataTransfer && event.dataTransfer.files;
      if (!files || files.length === 0) return;
      byId('csv-file').files = files;
      showChosenFile();
    });
    // A file dropped beside the box must not make the browser leave the page to show it.
    ['dragover', 'drop'].forEach(function (type) {
      window.addEventListener(type, function (event) { if (!zone.contains(event.target)) event.preventDefault(); });
    });
  }

  // ---- One batch -----------------------------------------------------------------------

  function resetBatchView() {
    byId('batch-title').textContent = 'Loading ' + view.id + '…';
    byId('batch-status').replaceChildren();
    byId('batch-detail').textContent = '';
    byId('batch-summary').replaceChildren();
    byId('chart').replaceChildren();
    byId('chart-summary').textContent = '';
    byId('mailboxes').tBodies[0].replaceChildren();
    shownMailboxes = '';
  }

  function batchPath(id) { return '/batches/' + encodeURIComponent(id); }

  function allMailboxes(id) {
    var rows = [];
    function page(path) {
      return getJson(path).then(function (body) {
        rows = rows.concat(body.value || []);
        return body.nextLink ? page(body.nextLink) : rows;
      });
    }
    return page(batchPath(id) + '/mailboxes?pageSize=1000');
  }

  function refreshBatch(id, mine) {
    return Promise.all([getJson(batchPath(id)), allMailboxes(id), getJson(batchPath(id) + '/throughput')]).then(function (answers) {
      if (mine !== ticket) return false;
      renderBatch(answers[0]);
      renderMailboxes(answers[1]);
      renderChart(answers[2]);
      announce([answers[0]]);
      return isBusy(answers[0]);
    });
  }

  function renderBatch(batch) {
    document.title = batch.name + ' - Mailbox migration';
    byId('batch-title').textContent = batch.name;
    byId('batch-status').replaceChildren(badge(batch.status));
    byId('batch-detail').textContent = batch.statusDetail || '';
    var counts = Object.keys(batch.counts || {}).filter(function (name) { return batch.counts[name] > 0; })
      .map(function (name) { return name + ' ' + batch.counts[name]; }).join(' · ');
    var items = [
      ['Endpoint', batch.endpoint], ['Mailboxes', formatNumber(batch.mailboxCount)], ['By status', counts || 'none'],
      ['Created', formatTime(batch.createdAt)], ['Started', formatTime(batch.startedAt)],
      ['Initial sync done', formatTime(batch.syncedAt)], ['Completed', formatTime(batch.completedAt)],
      ['Incremental sync', 'every ' + batch.incrementalSyncIntervalHours + ' h'],
    ].filter(function (item) { return item[1]; });
    var nodes = [];
    items.forEach(function (item) {
      var group = el('div');
      group.append(el('dt', item[0]), el('dd', item[1]));
      nodes.push(group);
    });
    byId('batch-summary').replaceChildren.apply(byId('batch-summary'), nodes);
  }

  var shownMailboxes = '';

  function renderMailboxes(mailboxes) {
    // A 2,000-mailbox batch polled every 2 s: rebuild the table only when a row changed.
    var snapshot = JSON.stringify(mailboxes);
    if (snapshot === shownMailboxes) return;
    shownMailboxes = snapshot;
    var rows = mailboxes.slice().sort(function (a, b) { return (a.csvLine || 0) - (b.csvLine || 0); }).map(function (mailbox) {
      var percent = Math.max(0, Math.min(100, Math.round(mailbox.percentageComplete || 0)));
      var tr = el('tr', null, { 'data-mailbox': mailbox.emailAddress });
      var statusCell = el('td');
      statusCell.appendChild(badge(mailbox.status));
      var progressCell = el('td', null, { class: 'progress' });
      progressCell.append(el('progress', null, { max: '100', value: String(percent), 'aria-label': 'Progress of ' + mailbox.emailAddress }), el('span', percent + ' %'));
      var bytes = el('td', formatBytes(mailbox.bytesTransferred), { class: 'num', title: formatNumber(mailbox.bytesTransferred) + ' bytes' });
      tr.append(el('th', mailbox.emailAddress, { scope: 'row' }), statusCell, el('td', mailbox.statusDetail || ''), progressCell,
        el('td', formatNumber(mailbox.syncedItemCount), { class: 'num' }), el('td', formatNumber(mailbox.skippedItemCount), { class: 'num' }),
        el('td', formatNumber(mailbox.totalItemsInSourceMailbox), { class: 'num' }), bytes,
        el('td', formatTime(mailbox.lastSuccessfulSyncTimestamp)), el('td', mailbox.error || '', { class: 'error' }));
      return tr;
    });
    byId('mailboxes').tBodies[0].replaceChildren.apply(byId('mailboxes').tBodies[0], rows);
  }

  // ---- Throughput chart (inline SVG) ---------------------------------------------------------

  /** Samples on an even time line (empty intervals as zeros), merged so at most 120 bars show. */
  function toBars(throughput) {
    var step = (throughput.intervalSeconds || 10) * 1000;
    var samples = throughput.value || [];
    if (samples.length === 0) return { bars: [], step: step };
    var first = Date.parse(samples[0].at);
    var last = Date.parse(samples[samples.length - 1].at);
    var factor = Math.max(1, Math.ceil((last - first) / step / 120));
    var width = step * factor;
    var bars = [];
    for (var t = first; t <= last; t += width) bars.push({ at: t, items: 0, bytes: 0 });
    samples.forEach(function (sample) {
      var bar = bars[Math.floor((Date.parse(sample.at) - first) / width)];
      if (bar) { bar.items += sample.items; bar.bytes += sample.bytes; }
    });
    return { bars: bars, step: width };
  }

  /** 1, 2 or 5 times a power of ten, at least n. */
  function niceCeiling(n) {
    if (n <= 0) return 1;
    var power = Math.pow(10, Math.floor(Math.log10(n)));
    var steps = [1, 2, 5, 10];
    for (var i = 0; i < steps.length; i++) if (steps[i] * power >= n) return steps[i] * power;
    return 10 * power;
  }

  /** A nice ceiling in the unit the axis shows (KB, MB...), so its labels read as round numbers. */
  function niceBytesCeiling(n) {
    var unit = 1;
    while (n >= unit * 1024) unit *= 1024;
    return niceCeiling(n / unit) * unit;
  }

  function clockTime(ms) { return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' }); }

  function renderChart(throughput) {
    var chart = toBars(throughput);
    var bars = chart.bars;
    var seconds = chart.step / 1000;
    var box = byId('chart');
    if (bars.length === 0) {
      box.replaceChildren(el('p', 'Nothing copied yet.', { class: 'muted' }));
      byId('chart-summary').textContent = '';
      return;
    }
    var totalItems = bars.reduce(function (n, b) { return n + b.items; }, 0);
    var totalBytes = bars.reduce(function (n, b) { return n + b.bytes; }, 0);
    var maxItems = niceCeiling(Math.max.apply(null, bars.map(function (b) { return b.items; })));
    var maxBytes = niceBytesCeiling(Math.max.apply(null, bars.map(function (b) { return b.bytes; })));
    var W = 1300, H = 170, left = 56, right = 80, top = 12, bottom = 28;
    var plotW = W - left - right, plotH = H - top - bottom;
    // A short batch has few intervals: keep bars narrow, so they read as intervals of time.
    var slot = plotW / Math.max(bars.length, MIN_CHART_SLOTS);
    var summary = 'Items copied per ' + seconds + ' s from ' + clockTime(bars[0].at) + ' to ' + clockTime(bars[bars.length - 1].at + chart.step) +
      ': ' + formatNumber(totalItems) + ' items and ' + formatBytes(totalBytes) + ' in all, at most ' + formatNumber(Math.max.apply(null, bars.map(function (b) { return b.items; }))) + ' items in one interval.';
    var svg = svgEl('svg', { viewBox: '0 0 ' + W + ' ' + H, role: 'img', 'aria-labelledby': 'chart-title', class: 'chart-svg' });
    svg.appendChild(svgEl('title', { id: 'chart-title' }, summary));
    [0, 0.5, 1].forEach(function (f) {
      var y = top + plotH * (1 - f);
      svg.appendChild(svgEl('line', { x1: left, x2: W - right, y1: y, y2: y, class: 'grid-line' }));
      svg.appendChild(svgEl('text', { x: left - 6, y: y + 4, 'text-anchor': 'end', class: 'axis' }, formatNumber(maxItems * f)));
      svg.appendChild(svgEl('text', { x: W - right + 6, y: y + 4, 'text-anchor': 'start', class: 'axis bytes-axis' }, formatBytes(maxBytes * f)));
    });
    var points = [];
    bars.forEach(function (bar, i) {
      var h = plotH * bar.items / maxItems;
      var x = left + i * slot;
      var rect = svgEl('rect', { x: x + slot * 0.1, y: top + plotH - h, width: Math.max(1, slot * 0.8), height: h, class: 'bar' });
      rect.appendChild(svgEl('title', {}, clockTime(bar.at) + ': ' + formatNumber(bar.items) + ' items, ' + formatBytes(bar.bytes)));
      svg.appendChild(rect);
      points.push({ x: x + slot / 2, y: top + plotH - plotH * bar.bytes / maxBytes });
    });
    svg.appendChild(svgEl('polyline', { points: points.map(function (p) { return p.x.toFixed(1) + ',' + p.y.toFixed(1); }).join(' '), class: 'bytes-line' }));
    points.forEach(function (p) { svg.appendChild(svgEl('circle', { cx: p.x.toFixed(1), cy: p.y.toFixed(1), r: 3.5, class: 'bytes-dot' })); });
    var labels = bars.length > 2 ? [0, Math.floor(bars.length / 2), bars.length - 1] : bars.map(function (_, i) { return i; });
    labels.forEach(function (i) {
      svg.appendChild(svgEl('text', { x: left + (i + 0.5) * slot, y: H - 8, 'text-anchor': 'middle', class: 'axis' }, clockTime(bars[i].at)));
    });
    var legend = el('p', null, { class: 'legend' });
    legend.append(el('span', 'Items per ' + seconds + ' s (left axis)', { class: 'key-items' }), el('span', 'Bytes per ' + seconds + ' s (right axis)', { class: 'key-bytes' }));
    box.replaceChildren(svg, legend);
    byId('chart-summary').textContent = summary;
  }

  // ---- Actions and reports ---------------------------------------------------------------

  function act(action, button) {
    if (button.getAttribute('aria-disabled') === 'true') return;
    clearAlert();
    button.setAttribute('aria-disabled', 'true');
    api(batchPath(view.id) + '/' + action, { method: 'POST' }).then(function (response) {
      if (response.status === 202) {
        return response.json().then(function (batch) {
          say(ACTION_NAMES[action] + ' accepted: the batch is ' + batch.status + '.');
          knownStatus[batch.id] = batch.status;
          watchClosely();
          refresh();
        });
      }
      return readProblem(response).then(function (problem) { showAlert(ACTION_NAMES[action] + ': ' + problem.detail); });
    }).catch(function (error) {
      showAlert(ACTION_NAMES[action] + ' failed: ' + error.message);
    }).then(function () { button.removeAttribute('aria-disabled'); });
  }

  /** Reports need the key, which a plain link cannot send as a header: fetch, then save a blob. */
  function download(kind, button) {
    if (button.getAttribute('aria-disabled') === 'true') return;
    clearAlert();
    button.setAttribute('aria-disabled', 'true');
    var id = view.id;
    api(batchPath(id) + '/reports/' + kind).then(function (response) {
      if (!response.ok) return readProblem(response).then(function (problem) { showAlert(problem.detail); });
      var disposition = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') || '');
      var fileName = id + '-' + (disposition ? disposition[1] : kind + '.csv');
      return response.blob().then(function (blob) {
        var url = URL.createObjectURL(blob);
        var link = el('a', null, { href: url, download: fileName, hidden: '' });
        document.body.appendChild(link);
        link.click();
        link.remove();
        window.setTimeout(function () { URL.revokeObjectURL(url); }, 30000);
        say('Saved ' + fileName + '.');
      });
    }).catch(function (error) {
      showAlert('The report could not be downloaded: ' + error.message);
    }).then(function () { button.removeAttribute('aria-disabled'); });
  }

  function setUpBatchButtons() {
    Array.prototype.forEach.call(document.querySelectorAll('[data-action]'), function (button) {
      button.addEventListener('click', function () { act(button.getAttribute('data-action'), button); });
    });
    Array.prototype.forEach.call(document.querySelectorAll('[data-report]'), function (button) {
      button.addEventListener('click', function () { download(button.getAttribute('data-report'), button); });
    });
  }

  // ---- Start -------------------------------------------------------------------------------

  setUpUpload();
  setUpBatchButtons();
  // The address's #… part is the route, so the skip link moves focus itself instead of navigating.
  document.querySelector('.skip').addEventListener('click', function (event) {
    event.preventDefault();
    byId('main').focus();
  });
  if (!key) showAlert('This page needs the function key: open it as ' + location.pathname + '?code=<function key>.');
  window.addEventListener('hashchange', function () { route(true); });
  document.addEventListener('visibilitychange', function () { if (!document.hidden && lastFast) refresh(); });
  route(false);
})();
`;
