// Search the site's index (assets/search-<lang>.js sets QNKPI_SEARCH) for what the reader
// typed (?q=), matched without diacritics; the page lists everything without this script.
(function () {
  "use strict";
  function fold(text) {
    return text.replace(/đ/g, "d").replace(/Đ/g, "D").normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "").toLowerCase().split(/\s+/).filter(Boolean).join(" ");
  }
  var form = document.querySelector("form.search-page");
  var box = document.getElementById("q");
  var out = document.getElementById("results");
  var root = document.querySelector('link[rel="stylesheet"]').getAttribute("href")
    .replace(/assets\/site\.css$/, "");
  function show(query) {
    out.textContent = "";
    var folded = fold(query);
    var words = folded.split(" ").filter(Boolean);
    if (!words.length) { return; }
    // every word must start a word of the entry ("tu" finds "Hà Tu", not "Tuần Châu"
    // for "ha"); the entries whose name is the query, or starts with it, come first
    var found = (window.QNKPI_SEARCH || []).filter(function (e) {
      var key = " " + e.k;
      return words.every(function (w) { return key.indexOf(" " + w) >= 0; });
    }).map(function (e, i) {
      var title = fold(e.t);
      var rank = title === folded ? 0 : title.indexOf(folded) === 0 ? 1
        : (" " + title).indexOf(" " + folded) >= 0 ? 2 : 3;
      return {e: e, rank: rank, i: i};
    }).sort(function (a, b) { return a.rank - b.rank || a.i - b.i; })
      .map(function (r) { return r.e; });
    var head = document.createElement("p");
    head.textContent = (out.getAttribute("data-found") || "{count}")
      .replace("{count}", String(found.length)).replace("{query}", query);
    out.appendChild(head);
    var list = document.createElement("ol");
    found.slice(0, 200).forEach(function (e) {
      var item = document.createElement("li");
      var a = document.createElement("a");
      a.href = root + e.u;
      a.textContent = e.t;
      item.appendChild(a);
      item.appendChild(document.createTextNode(" · " + e.d));
      list.appendChild(item);
    });
    out.appendChild(list);
    var all = document.getElementById("everything");
    if (all) { all.hidden = true; }
  }
  var query = new URLSearchParams(window.location.search).get("q") || "";
  box.value = query;
  show(query);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    history.replaceState(null, "", "?q=" + encodeURIComponent(box.value));
    show(box.value);
  });
}());
