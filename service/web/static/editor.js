// The SPARQL query editor: highlighting, the dataset's prefixes, the views as examples, results as a
// table with CSV download. No libraries and no network beyond this server, so it works offline.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("editor-data").textContent);
  const form = document.getElementById("editor-form");
  const query = document.getElementById("query");
  const highlight = document.getElementById("highlight");
  const results = document.getElementById("results");
  const status = document.getElementById("status");
  const csv = document.getElementById("csv");
  const idBase = data.prefixes.id || "";

  const KEYWORDS = new Set(("SELECT CONSTRUCT DESCRIBE ASK WHERE FROM NAMED PREFIX BASE OPTIONAL FILTER " +
    "UNION MINUS GRAPH SERVICE BIND VALUES AS DISTINCT REDUCED ORDER BY ASC DESC LIMIT OFFSET GROUP " +
    "HAVING NOT EXISTS IN A COUNT SUM MIN MAX AVG SAMPLE GROUP_CONCAT SEPARATOR STR LANG LANGMATCHES " +
    "DATATYPE BOUND IRI URI BNODE REGEX CONCAT STRSTARTS STRENDS CONTAINS LCASE UCASE IF COALESCE " +
    "ISIRI ISURI ISBLANK ISLITERAL YEAR MONTH DAY NOW TRUE FALSE UNDEF").split(" "));
  const TOKEN = new RegExp([
    "(#[^\\n]*)",                                   // 1 comment
    "(\"\"\"[\\s\\S]*?\"\"\"|'''[\\s\\S]*?'''|\"(?:[^\"\\\\\\n]|\\\\.)*\"|'(?:[^'\\\\\\n]|\\\\.)*')", // 2 string
    "(<[^<>\"{}|^`\\\\\\s]*>)",                     // 3 IRI
    "([?$][A-Za-z0-9_\\u00C0-\\uFFFF]+)",           // 4 variable
    "([A-Za-z][\\w.-]*)?:([\\w.%-]*)",              // 5, 6 prefixed name
    "(\\b\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?\\b)",   // 7 number
    "([A-Za-z_]+)",                                 // 8 word
  ].join("|"), "g");

  function escape(s) {
    return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  // SPARQL text -> HTML with <span class="tok-…"> around each token.
  function highlighted(text) {
    let out = "", last = 0, m;
    TOKEN.lastIndex = 0;
    while ((m = TOKEN.exec(text)) !== null) {
      out += escape(text.slice(last, m.index));
      let cls = null;
      if (m[1]) cls = "comment";
      else if (m[2]) cls = "string";
      else if (m[3]) cls = "iri";
      else if (m[4]) cls = "var";
      else if (m[6] !== undefined) cls = "pname";
      else if (m[7]) cls = "number";
      else if (m[8] && KEYWORDS.has(m[8].toUpperCase())) cls = "keyword";
      out += cls ? '<span class="tok-' + cls + '">' + escape(m[0]) + "</span>" : escape(m[0]);
      last = TOKEN.lastIndex;
      if (m[0].length === 0) TOKEN.lastIndex++;
    }
    return out + escape(text.slice(last)) + "\n";
  }

  function refresh() {
    highlight.innerHTML = highlighted(query.value);
    highlight.scrollTop = query.scrollTop;
    highlight.scrollLeft = query.scrollLeft;
  }

  function declared(text) {
    const found = new Set();
    const re = /PREFIX\s+([A-Za-z][\w.-]*)?:/gi;
    let m;
    while ((m = re.exec(text)) !== null) found.add(m[1] || "");
    return found;
  }

  // Prefixes the query uses but does not declare, and that the dataset knows, are added on top.
  function withPrefixes(text) {
    const have = declared(text);
    const body = text.replace(/<[^>]*>|"[^"]*"|'[^']*'|#[^\n]*/g, " ");
    const used = new Set();
    const re = /(^|[\s(){},;./^|!])([A-Za-z][\w-]*):/g;
    let m;
    while ((m = re.exec(body)) !== null) used.add(m[2]);
    const missing = [...used].filter((p) => !have.has(p) && data.prefixes[p]);
    const lines = missing.map((p) => "PREFIX " + p + ": <" + data.prefixes[p] + ">");
    return lines.length ? lines.join("\n") + "\n" + text : text;
  }

  function addPrefix(p) {
    if (!declared(query.value).has(p)) {
      query.value = "PREFIX " + p + ": <" + data.prefixes[p] + ">\n" + query.value;
      refresh();
    }
    query.focus();
  }

  function cell(term) {
    const td = document.createElement("td");
    if (!term) return td;
    if (term.type === "uri") {
      const a = document.createElement("a");
      a.href = idBase && term.value.startsWith(idBase) ? "/id/" + term.value.slice(idBase.length) : term.value;
      a.textContent = term.value;
      td.appendChild(a);
    } else {
      td.textContent = term.value;
      if (term["xml:lang"]) td.title = "@" + term["xml:lang"];
    }
    return td;
  }

  function table(json) {
    const t = document.createElement("table");
    t.className = "results";
    const head = t.createTHead().insertRow();
    json.head.vars.forEach((v) => { const th = document.createElement("th"); th.textContent = v; head.appendChild(th); });
    const body = t.createTBody();
    json.results.bindings.forEach((b) => {
      const tr = body.insertRow();
      json.head.vars.forEach((v) => tr.appendChild(cell(b[v])));
    });
    return t;
  }

  async function post(text, accept) {
    return fetch(form.action, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: accept },
      body: new URLSearchParams({ query: text }),
    });
  }

  // History: the last HISTORY queries run, newest first, kept in this browser only.
  const HISTORY = 30;
  const historyKey = "ratsgraph.sparql.history";
  const historySelect = document.getElementById("history");
  const permalink = document.getElementById("permalink");

  function loadHistory() {
    try {
      const list = JSON.parse(localStorage.getItem(historyKey) || "[]");
      return Array.isArray(list) ? list.filter((q) => typeof q === "string") : [];
    } catch (e) {
      return [];
    }
  }

  function showHistory() {
    historySelect.querySelectorAll("option[data-query]").forEach((o) => o.remove());
    loadHistory().forEach((q, i) => {
      const option = document.createElement("option");
      option.value = String(i);
      option.dataset.query = q;
      option.textContent = q.replace(/^(PREFIX[^\n]*\n|#[^\n]*\n)*/i, "").replace(/\s+/g, " ").slice(0, 80);
      historySelect.appendChild(option);
    });
  }

  function remember(text) {
    const list = [text, ...loadHistory().filter((q) => q !== text)].slice(0, HISTORY);
    try { localStorage.setItem(historyKey, JSON.stringify(list)); } catch (e) { /* full or off */ }
    showHistory();
  }

  function linkTo(text) {
    // the permalink: this page with the query in the URL; opened in a browser it runs again
    const url = form.action + "?query=" + encodeURIComponent(text);
    permalink.href = url;
    permalink.hidden = false;
    history.replaceState(null, "", url);
  }

  async function run(event) {
    if (event) event.preventDefault();
    const text = withPrefixes(query.value);
    if (text !== query.value) { query.value = text; refresh(); }
    remember(text);
    linkTo(text);
    status.textContent = "läuft …";
    results.replaceChildren();
    csv.hidden = true;
    const started = performance.now();
    const resp = await post(text, "application/sparql-results+json, text/turtle;q=0.9");
    const ms = Math.round(performance.now() - started);
    const type = (resp.headers.get("Content-Type") || "").split(";")[0];
    if (!resp.ok) {
      status.textContent = "Fehler " + resp.status;
      const pre = document.createElement("pre");
      pre.className = "error";
      pre.textContent = await resp.text();
      results.appendChild(pre);
      return;
    }
    if (type === "application/sparql-results+json") {
      const json = await resp.json();
      if ("boolean" in json) {
        status.textContent = "ASK: " + json.boolean + " (" + ms + " ms)";
        return;
      }
      results.appendChild(table(json));
      status.textContent = json.results.bindings.length + " Zeilen (" + ms + " ms)";
      const csvResp = await post(text, "text/csv");
      if (csvResp.ok) {
        if (csv.href.startsWith("blob:")) URL.revokeObjectURL(csv.href);
        csv.href = URL.createObjectURL(await csvResp.blob());
        csv.hidden = false;
      }
    } else {
      const pre = document.createElement("pre");
      pre.textContent = await resp.text();
      results.appendChild(pre);
      status.textContent = type + " (" + ms + " ms)";
    }
  }

  document.getElementById("examples").addEventListener("change", (e) => {
    const ex = data.examples.find((x) => x.name === e.target.value);
    if (ex) { query.value = ex.query; refresh(); }
  });
  document.querySelectorAll("button.prefix").forEach((b) =>
    b.addEventListener("click", () => addPrefix(b.dataset.prefix)));
  query.addEventListener("input", refresh);
  query.addEventListener("scroll", refresh);
  query.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) run(e);
    if (e.key === "Tab") {
      e.preventDefault();
      const s = query.selectionStart;
      query.setRangeText("  ", s, query.selectionEnd, "end");
      refresh();
    }
  });
  historySelect.addEventListener("change", (e) => {
    const option = e.target.selectedOptions[0];
    if (option && option.dataset.query) { query.value = option.dataset.query; refresh(); }
  });
  form.addEventListener("submit", run);
  refresh();
  showHistory();
  if (data.autorun) run(null);
})();
