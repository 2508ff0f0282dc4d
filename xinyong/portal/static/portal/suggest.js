// Name suggestions for a search box or a subject field: a tiny accessible combobox (no library, no CDN).
(function () {
  "use strict";
  var form = document.querySelector("form[data-suggest]");
  if (!form || !window.fetch) return;
  var input = form.querySelector("input[role=combobox]");
  var list = document.getElementById(input.getAttribute("aria-controls"));
  var endpoint = form.getAttribute("data-suggest");
  var timer = null, active = -1, items = [], seq = 0;

  function close() {
    list.hidden = true; list.innerHTML = ""; items = []; active = -1;
    input.setAttribute("aria-expanded", "false"); input.removeAttribute("aria-activedescendant");
  }
  function select(i) {
    var nodes = list.children;
    for (var k = 0; k < nodes.length; k++) nodes[k].setAttribute("aria-selected", k === i ? "true" : "false");
    active = i;
    if (i >= 0) input.setAttribute("aria-activedescendant", nodes[i].id); else input.removeAttribute("aria-activedescendant");
  }
  // A search box opens the subject's page; a form field (data-suggest-fill) takes the code instead.
  var fill = form.hasAttribute("data-suggest-fill");
  function go(item) {
    if (fill) { input.value = item.code; close(); return; }
    window.location.href = "/subjects/" + encodeURIComponent(item.code);
  }
  function render(data) {
    list.innerHTML = ""; items = data; active = -1;
    if (!data.length) { close(); return; }
    data.forEach(function (item, i) {
      var li = document.createElement("li");
      li.id = input.id + "-option-" + i; li.setAttribute("role", "option"); li.setAttribute("aria-selected", "false");
      li.textContent = item.name;
      var code = document.createElement("small"); code.textContent = item.code; li.appendChild(code);
      li.addEventListener("mousedown", function (e) { e.preventDefault(); go(item); });
      list.appendChild(li);
    });
    list.hidden = false; input.setAttribute("aria-expanded", "true");
  }
  function lookup() {
    var q = input.value.trim();
    if (q.length < 2) { close(); return; }
    var mine = ++seq;
    fetch(endpoint + "?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : { items: [] }; })
      .then(function (d) { if (mine === seq) render(d.items || []); })
      .catch(close);
  }
  input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(lookup, 200); });
  input.addEventListener("keydown", function (e) {
    if (list.hidden) return;
    if (e.key === "ArrowDown") { e.preventDefault(); select((active + 1) % items.length); }
    else if (e.key === "ArrowUp") { e.preventDefault(); select(active <= 0 ? items.length - 1 : active - 1); }
    else if (e.key === "Enter" && active >= 0) { e.preventDefault(); go(items[active]); }
    else if (e.key === "Escape") { e.preventDefault(); close(); }  // first Escape closes, the next clears
  });
  input.addEventListener("blur", function () { setTimeout(close, 150); });
})();
