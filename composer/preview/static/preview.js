// composer preview: view switching, width/dark toggles, copy buttons and live reload.
// Served as a static file so the page's CSP can forbid inline script; it never uses innerHTML,
// so nothing from an article can become markup through this script.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var body = document.body;
  if (!body || !body.dataset.item) { return; }

  var state = { view: "newsletter", width: "desktop", dark: "0" };
  var VIEWS = ["newsletter", "text", "headers", "posts", "embed", "meta", "lint"];

  function readHash() {
    var h = location.hash.replace(/^#/, "");
    h.split("&").forEach(function (pair) {
      var kv = pair.split("=");
      if (kv.length === 2 && Object.prototype.hasOwnProperty.call(state, kv[0])) { state[kv[0]] = kv[1]; }
    });
    if (VIEWS.indexOf(state.view) < 0) { state.view = "newsletter"; }
    if (state.width !== "mobile") { state.width = "desktop"; }
    if (state.dark !== "1") { state.dark = "0"; }
  }

  function writeHash() {
    var h = "#view=" + state.view + "&width=" + state.width + "&dark=" + state.dark;
    if (location.hash !== h) { history.replaceState(null, "", h); }
  }

  function apply() {
    document.querySelectorAll("[data-panel]").forEach(function (p) {
      p.classList.toggle("active", p.dataset.panel === state.view);
    });
    document.querySelectorAll("[data-view]").forEach(function (a) {
      var on = a.dataset.view === state.view;
      a.classList.toggle("active", on);
      if (on) { a.setAttribute("aria-current", "page"); } else { a.removeAttribute("aria-current"); }
    });
    var wrap = document.getElementById("frame-wrap");
    var frame = document.getElementById("newsletter-frame");
    if (wrap && frame) {
      wrap.classList.toggle("frame-mobile", state.width === "mobile");
      wrap.classList.toggle("frame-desktop", state.width !== "mobile");
      wrap.classList.toggle("frame-dark", state.dark === "1");
      var src = frame.dataset.src + (state.dark === "1" ? "?dark=1" : "");
      if (frame.getAttribute("src") !== src) { frame.setAttribute("src", src); }
    }
    document.querySelectorAll("[data-width]").forEach(function (b) {
      b.setAttribute("aria-pressed", String(b.dataset.width === state.width));
    });
    var dark = document.getElementById("btn-dark");
    if (dark) { dark.setAttribute("aria-pressed", String(state.dark === "1")); }
    writeHash();
  }

  readHash();
  apply();

  document.querySelectorAll("[data-view]").forEach(function (a) {
    a.addEventListener("click", function (ev) { ev.preventDefault(); state.view = a.dataset.view; apply(); });
  });
  document.querySelectorAll("[data-width]").forEach(function (b) {
    b.addEventListener("click", function () { state.width = b.dataset.width; apply(); });
  });
  var darkButton = document.getElementById("btn-dark");
  if (darkButton) {
    darkButton.addEventListener("click", function () { state.dark = state.dark === "1" ? "0" : "1"; apply(); });
  }
  window.addEventListener("hashchange", function () { readHash(); apply(); });

  document.querySelectorAll("button.copy").forEach(function (b) {
    b.addEventListener("click", function () {
      var source = document.getElementById(b.dataset.copy);
      if (!source) { return; }
      var done = function () { b.textContent = "Copied"; setTimeout(function () { b.textContent = "Copy"; }, 1500); };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(source.textContent).then(done, function () { selectText(source); });
      } else { selectText(source); }
    });
  });

  function selectText(node) {
    var range = document.createRange();
    range.selectNodeContents(node);
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
  }

  var status = document.getElementById("live-status");
  function say(text, cls) {
    if (!status) { return; }
    status.textContent = text;
    status.className = "live" + (cls ? " " + cls : "");
  }

  if (window.EventSource && body.dataset.events) {
    var events = new EventSource(body.dataset.events);
    events.addEventListener("status", function (ev) { say(ev.data, "busy"); });
    events.addEventListener("failed", function (ev) { say(ev.data, "error"); });
    events.addEventListener("reload", function () { say("Recomposed; reloading…", "busy"); location.reload(); });
    window.addEventListener("pagehide", function () { events.close(); });
  }
})();
