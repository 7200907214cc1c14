/** Makes text safe inside an HTML attribute or element. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The dashboard's one page. Both views (the batch list and one batch) are here; the script shows
 * one at a time from the address's `#/…` part. Everything the API says is put in with
 * `textContent`, never as markup. `pagePath` is where the page was served (`/api/dashboard`);
 * `scripts` are the script modules' addresses below it (`app.js` runs; the others are fetched at
 * once rather than one import at a time). The action buttons start disabled: the script enables
 * those that the batch's status allows.
 */
export function dashboardHtml(pagePath: string, scripts: readonly string[]): string {
  const base = escapeHtml(pagePath);
  const preloads = scripts
    .filter((script) => script !== 'app.js')
    .map((script) => `<link rel="modulepreload" href="${base}/${escapeHtml(script)}">`)
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Mailbox migration</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${base}/style.css">
<script type="module" src="${base}/app.js"></script>
${preloads}
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
  <h1><a href="#/">Mailbox migration</a></h1>
  <p id="updated" class="muted"></p>
</header>
<div id="status" class="status" role="status" aria-live="polite"></div>
<div id="alert" class="alert" role="alert" hidden></div>
<main id="main" tabindex="-1">

<div id="list-view" hidden>
  <section aria-labelledby="batches-heading">
    <h2 id="batches-heading" tabindex="-1">Batches</h2>
    <table class="grid" id="batches">
      <thead><tr>
        <th scope="col">Name</th><th scope="col">Status</th><th scope="col">Endpoint</th>
        <th scope="col" class="num">Mailboxes</th><th scope="col" class="num">In progress</th>
        <th scope="col" class="num">Synced</th><th scope="col" class="num">Completed</th>
        <th scope="col" class="num">Failed</th><th scope="col">Created</th>
      </tr></thead>
      <tbody></tbody>
    </table>
    <p id="no-batches" class="muted" hidden>No batches yet. Upload a CSV below to create one.</p>
  </section>

  <section aria-labelledby="upload-heading">
    <h2 id="upload-heading">New batch from a CSV</h2>
    <form id="upload-form" class="upload" novalidate>
      <div class="fields">
        <label>Batch name <input id="batch-name" name="name" required maxlength="64" autocomplete="off"></label>
        <label>Endpoint <select id="batch-endpoint" name="endpoint" required></select></label>
        <label>Notify (emails, optional) <input id="batch-notify" name="notify" autocomplete="off" placeholder="admin@contoso.com"></label>
        <label class="check"><input id="batch-autostart" type="checkbox" checked> Start at once</label>
      </div>
      <div id="drop-zone" class="drop">
        <label for="csv-file">CSV file</label>
        <input id="csv-file" type="file" accept=".csv,text/csv,text/plain">
        <span class="muted">or drop it anywhere in this box.</span>
        <p id="chosen-file" class="chosen" aria-live="polite">No file chosen.</p>
      </div>
      <button type="submit" id="upload-button">Create batch</button>
    </form>
    <div id="upload-errors" tabindex="-1" hidden>
      <table class="grid errors" id="csv-errors">
        <caption id="csv-errors-caption"></caption>
        <thead><tr><th scope="col" class="num">Line</th><th scope="col">Column</th><th scope="col">Code</th><th scope="col">Message</th></tr></thead>
        <tbody></tbody>
      </table>
    </div>
  </section>
</div>

<div id="batch-view" hidden>
  <p><a href="#/">&larr; All batches</a></p>
  <div class="batch-head">
    <h2 id="batch-title" tabindex="-1"></h2>
    <span id="batch-status" class="badge"></span>
    <span id="batch-detail" class="muted"></span>
  </div>
  <dl id="batch-summary" class="summary"></dl>
  <div class="toolbar" role="group" aria-label="Batch actions">
    <button type="button" aria-disabled="true" data-action="start">Start</button>
    <button type="button" aria-disabled="true" data-action="stop">Stop</button>
    <button type="button" aria-disabled="true" data-action="resume">Resume</button>
    <button type="button" aria-disabled="true" data-action="complete">Complete</button>
    <button type="button" aria-disabled="true" data-action="retry">Retry failed</button>
    <span class="sep" aria-hidden="true"></span>
    <button type="button" class="secondary" data-report="statistics">Statistics report</button>
    <button type="button" class="secondary" data-report="errors">Errors report</button>
  </div>
  <section aria-labelledby="chart-heading" class="chart-section">
    <h3 id="chart-heading">Throughput</h3>
    <div id="chart" class="chart"></div>
    <p id="chart-summary" class="muted"></p>
  </section>
  <section aria-labelledby="mailboxes-heading">
    <h3 id="mailboxes-heading">Mailboxes</h3>
    <div class="scroll">
    <table class="grid" id="mailboxes">
      <thead><tr>
        <th scope="col">Mailbox</th><th scope="col">Status</th><th scope="col">Detail</th>
        <th scope="col">Progress</th><th scope="col" class="num">Synced</th><th scope="col" class="num">Skipped</th>
        <th scope="col" class="num">Total</th><th scope="col" class="num">Bytes</th>
        <th scope="col">Last successful sync</th><th scope="col">Error</th>
      </tr></thead>
      <tbody></tbody>
    </table>
    </div>
  </section>
</div>

</main>
</body>
</html>
`;
}
