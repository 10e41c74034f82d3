// The matching page. Everything here has a way without JavaScript: the Search buttons post the
// form and the page comes back with the hits; the run's POST simply takes its time.
// - a people search asks /matching/search as one types, keeping the people already ticked;
// - ticking someone in the run form chooses "only the ones I choose";
// - while the run's POST is under way, the page says what it is matching and for how long.
(function () {
  "use strict";

  function csrfToken(form) {
    var input = form.querySelector("input[name='csrf_token']") ||
      document.querySelector("input[name='csrf_token']");
    return input ? input.value : "";
  }

  function option(picker, id, label) {
    var name = picker.dataset.name;
    var wrap = document.createElement("div");
    wrap.className = "form-check";
    var input = document.createElement("input");
    input.className = "form-check-input js-choice";
    input.type = picker.dataset.type;
    input.name = name;
    input.value = id;
    input.id = name + "-" + id;
    var text = document.createElement("label");
    text.className = "form-check-label";
    text.htmlFor = input.id;
    var bdi = document.createElement("bdi");
    bdi.textContent = label;   // text, never HTML: names are people's input
    text.appendChild(bdi);
    wrap.appendChild(input);
    wrap.appendChild(text);
    return wrap;
  }

  function enhancePicker(picker) {
    var form = picker.closest("form");
    var query = picker.querySelector(".js-picker-q");
    var results = picker.querySelector(".js-picker-results");
    var status = picker.querySelector(".js-picker-status");
    var timer = null;
    var asked = 0;

    function show(found) {
      // Keep the ticked ones; replace the rest by the new hits.
      results.querySelectorAll(".form-check").forEach(function (row) {
        if (!row.querySelector("input").checked) { row.remove(); }
      });
      var present = {};
      results.querySelectorAll("input").forEach(function (input) { present[input.value] = true; });
      found.forEach(function (hit) {
        if (!present[String(hit.id)]) { results.appendChild(option(picker, hit.id, hit.label)); }
      });
      status.textContent = found.length ? "" : picker.dataset.none;
    }

    function search() {
      var q = query.value.trim();
      if (!q) { show([]); status.textContent = ""; return; }
      var body = new FormData();
      body.append("kind", picker.dataset.kind);
      body.append("q", q);
      var mine = ++asked;
      fetch(picker.dataset.url, {
        method: "POST", body: body, credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(form), "Accept": "application/json" }
      }).then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      }).then(function (data) {
        if (mine === asked) { show(data.results); }   // an older answer arriving late is dropped
      }).catch(function () {
        picker.querySelector(".js-picker-find").hidden = false;  // the form's own search still works
      });
    }

    query.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(search, 250);
    });
    query.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); window.clearTimeout(timer); search(); }
    });
    picker.querySelector(".js-picker-find").addEventListener("click", function (event) {
      event.preventDefault();
      search();
    });
  }

  document.querySelectorAll(".js-picker").forEach(enhancePicker);

  var form = document.querySelector("form.js-matching-run");
  if (!form) { return; }

  function count(scopeName, idsName, all) {
    var scope = form.querySelector("input[name='" + scopeName + "']:checked");
    if (scope && scope.value === "chosen") {
      return form.querySelectorAll("input[name='" + idsName + "']:checked").length;
    }
    return all;
  }

  form.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.classList || !box.classList.contains("js-choice") || !box.checked) { return; }
    var holder = box.closest("[data-scope]");
    var chosen = holder && form.querySelector(
      "input[name='" + holder.dataset.scope + "'][value='chosen']");
    if (chosen) { chosen.checked = true; }
  });

  form.addEventListener("submit", function (event) {
    if (event.submitter && event.submitter.name === "find") { return; }
    var button = form.querySelector(".js-run-button");
    var status = form.querySelector(".js-run-status");
    var refugees = count("refugee_scope", "refugee_ids", form.dataset.allRefugees);
    var guides = count("guide_scope", "guide_ids", form.dataset.allGuides);
    var said = form.dataset.progress.replace("{refugees}", refugees).replace("{guides}", guides);
    var started = Date.now();
    status.textContent = said;
    // The run is one request: show how long it has taken so far, every second (not read out
    // each second: the status above is said once).
    var elapsed = form.querySelector(".js-run-elapsed");
    window.setInterval(function () {
      var seconds = Math.round((Date.now() - started) / 1000);
      elapsed.textContent = form.dataset.elapsed.replace("{seconds}", seconds);
    }, 1000);
    form.querySelector(".js-spinner").classList.remove("d-none");
    form.setAttribute("aria-busy", "true");
    // Disabled after this tick, so that the browser still sends the form.
    window.setTimeout(function () { button.disabled = true; }, 0);
  });
})();
