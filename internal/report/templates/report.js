// The audit page's only script: the status (action, flag) filter, the name
// search, and the side-by-side diffs (a token audit has none), built from
// the page's JSON only when a card is opened so that a page of thousands of
// connections stays light. It writes text with textContent only, never as
// markup.
(function () {
  "use strict";
  var table = document.getElementById("rows");
  var keySelect = document.getElementById("f-key");
  var search = document.getElementById("f-q");
  var shown = document.getElementById("f-shown");
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var cards = Array.prototype.slice.call(document.querySelectorAll("#changes details"));
  var diffs = JSON.parse(document.getElementById("diffs").textContent || "null") || [];
  var haystack = null;
  // The columns the search looks in: name and connection id unless the
  // table says otherwise (a token audit adds the token id).
  var searchColumns = (table.getAttribute("data-search") || "0 1").split(" ").map(Number);

  // fold makes the search forgiving: case, accents and compatibility forms
  // are ignored, so "zurich" finds "Zürich".
  function fold(s) {
    return s.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  // The search text of each row (name and ids), computed once, on first use.
  function searchable() {
    if (!haystack) {
      haystack = rows.map(function (r) {
        return fold(searchColumns.map(function (c) { return r.cells[c].textContent; }).join("\n"));
      });
    }
    return haystack;
  }

  function setHidden(el, hide) {
    if (el.hidden !== hide) {
      el.hidden = hide; // touch the DOM only when something changes
    }
  }

  function applyFilter() {
    var key = keySelect.value;
    var q = fold(search.value.trim());
    var hay = q ? searchable() : null;
    var visible = new Array(rows.length);
    var n = 0;
    for (var i = 0; i < rows.length; i++) {
      visible[i] = (!key || rows[i].getAttribute("data-s") === key) && (!q || hay[i].indexOf(q) !== -1);
      setHidden(rows[i], !visible[i]);
      if (visible[i]) {
        n++;
      }
    }
    cards.forEach(function (c) { setHidden(c, !visible[+c.getAttribute("data-r")]); });
    shown.textContent = n === rows.length ? "all " + n + " shown" : n + " of " + rows.length + " shown";
    table.setAttribute("data-shown", String(n));
  }

  function cell(tag, text, cls) {
    var el = document.createElement(tag);
    el.textContent = text;
    if (cls) {
      el.className = cls;
    }
    return el;
  }

  function diffRow(body, cls, marker, name, before, after) {
    var tr = document.createElement("tr");
    tr.className = cls;
    tr.append(cell("th", marker), cell("td", name), cell("td", before), cell("td", after));
    body.appendChild(tr);
    return tr;
  }

  var kinds = { "+": "add", "-": "del", "~": "chg" };

  // buildDiff fills a card with its side-by-side table, once.
  function buildDiff(card) {
    if (card.getAttribute("data-built")) {
      return;
    }
    card.setAttribute("data-built", "1");
    var d = diffs[+card.id.slice(1)];
    var t = document.createElement("table");
    t.className = "sbs";
    var head = t.createTHead().insertRow();
    head.append(cell("th", ""), cell("th", "attribute"),
      cell("th", d.b ? "before" : "before (no SCIM configuration)"),
      cell("th", d.a ? "after" : "after (no SCIM configuration)"));
    var body = t.createTBody();
    var uidChanged = d.u[0] !== d.u[1];
    var uid = diffRow(body, uidChanged ? (!d.b ? "add" : !d.a ? "del" : "chg") : "", uidChanged ? (!d.b ? "+" : !d.a ? "-" : "~") : "",
      "user_id_attribute", d.u[0], d.u[1]);
    uid.cells[1].className = "uid";
    d.e.forEach(function (e) { diffRow(body, kinds[e[0]] || "", e[0], e[1], e[2], e[3]); });
    card.appendChild(t);
    if (d.n > 0) {
      card.appendChild(cell("p", d.n === 1 ? "1 mapping entry unchanged" : d.n + " mapping entries unchanged", "same"));
    }
  }

  document.addEventListener("toggle", function (ev) {
    if (ev.target.tagName === "DETAILS" && ev.target.open) {
      buildDiff(ev.target);
    }
  }, true);

  // A link from the table opens the connection's card.
  function openFromHash() {
    var el = location.hash.length > 1 ? document.getElementById(decodeURIComponent(location.hash.slice(1))) : null;
    if (el && el.tagName === "DETAILS") {
      el.open = true;
    }
  }
  window.addEventListener("hashchange", openFromHash);

  // Clicking a bar of the chart filters the table by its status.
  Array.prototype.forEach.call(document.querySelectorAll("[data-filter]"), function (g) {
    g.setAttribute("tabindex", "0");
    g.setAttribute("role", "button");
    function pick() {
      keySelect.value = keySelect.value === g.getAttribute("data-filter") ? "" : g.getAttribute("data-filter");
      applyFilter();
      table.scrollIntoView();
    }
    g.addEventListener("click", pick);
    g.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter" || ev.key === " ") {
        ev.preventDefault();
        pick();
      }
    });
  });

  // Printing shows the diffs of the connections shown, then puts the page
  // back as it was.
  var openedForPrint = [];
  window.addEventListener("beforeprint", function () {
    cards.forEach(function (c) {
      if (!c.hidden && !c.open) {
        c.open = true;
        buildDiff(c);
        openedForPrint.push(c);
      }
    });
  });
  window.addEventListener("afterprint", function () {
    openedForPrint.forEach(function (c) { c.open = false; });
    openedForPrint = [];
  });

  // The cards' section is laid out only when scrolled to; until then the
  // scroll bar goes by this estimate of its height.
  var changes = document.getElementById("changes");
  if (changes) {
    changes.style.containIntrinsicSize = "auto " + Math.max(320, 80 + cards.length * 38) + "px";
  }

  keySelect.addEventListener("change", applyFilter);
  search.addEventListener("input", applyFilter);
  document.getElementById("controls").hidden = false;
  applyFilter();
  openFromHash();
  // data-ready tells tests the page is usable, and when it became so (in
  // milliseconds since the navigation started).
  document.documentElement.setAttribute("data-ready", String(Math.round(performance.now())));
})();
