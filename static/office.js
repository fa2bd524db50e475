/* civicdesk back office: keys and a quiet refresh for the queue page.
   Only an extra: without it the links and forms do all the same things.
   Ids it relies on (kept stable for browser tests): #queue-rows (the part
   of the page that is refreshed), #queue-keys (the hint, shown only when
   the keys work), #f-q (the search box); the row the keys point at gets
   class "is-focused" and aria-current="true". */
(function () {
  "use strict";
  var box = document.getElementById("queue-rows");
  if (!box) return;
  var FOCUS = "is-focused";
  var EVERY_MS = 30000;
  var hint = document.getElementById("queue-keys");

  // Single-letter keys and the self-refresh can each be turned off (WCAG
  // 2.1.4 and 2.2.2); the choice is kept in this browser.
  function allowed(name) {
    try { return window.localStorage.getItem("civicdesk." + name) !== "off"; } catch (e) { return true; }
  }
  function choose(name, on) {
    try { window.localStorage.setItem("civicdesk." + name, on ? "on" : "off"); } catch (e) { /* private mode */ }
  }
  if (hint) hint.hidden = !allowed("keys");
  var prefs = document.getElementById("queue-prefs");
  if (prefs) {
    prefs.hidden = false;
    ["keys", "refresh"].forEach(function (name) {
      var box = document.getElementById("pref-" + name);
      if (!box) return;
      box.checked = allowed(name);
      box.addEventListener("change", function () {
        choose(name, box.checked);
        if (name === "keys" && hint) hint.hidden = !box.checked;
      });
    });
  }

  // Kept by case, not by position, so a refresh that adds a row above
  // leaves the mark on the same case.
  var marked = null;

  function rows() {
    return Array.prototype.slice.call(box.querySelectorAll("tr[data-case]"));
  }

  function typing(el) {
    if (!el) return false;
    var tag = el.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || el.isContentEditable;
  }

  function markedRow() {
    if (!marked) return null;
    return rows().filter(function (r) { return r.getAttribute("data-case") === marked; })[0] || null;
  }

  // Marks a row; `move` also takes the keyboard focus there (its link, so
  // that Enter and screen readers follow) and brings it into view.
  function mark(row, move) {
    var old = box.querySelector("tr." + FOCUS);
    if (old) {
      old.classList.remove(FOCUS);
      old.removeAttribute("aria-current");
    }
    marked = row ? row.getAttribute("data-case") : null;
    if (!row) return;
    row.classList.add(FOCUS);
    row.setAttribute("aria-current", "true");
    var link = row.querySelector("a[href]");
    if (move && link) link.focus({ preventScroll: true });
    if (move) row.scrollIntoView({ block: "nearest" });
  }

  function step(by) {
    var all = rows();
    if (!all.length) return;
    var at = all.indexOf(markedRow());
    var to = at < 0 ? 0 : Math.min(all.length - 1, Math.max(0, at + by));
    mark(all[to], true);
  }

  function follow(rel) {
    var a = box.querySelector('a[rel~="' + rel + '"]');
    if (a) window.location.href = a.href;
  }

  document.addEventListener("keydown", function (e) {
    if (!allowed("keys")) return;
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || e.isComposing) return;
    var el = e.target;
    if (typing(el)) {
      // Escape leaves the search box so that the keys work again.
      if (e.key === "Escape" && el.id === "f-q") el.blur();
      return;
    }
    // With the Korean keyboard on, j arrives as "ㅓ": the key's place says which.
    var key = e.key || "";
    var place = { KeyJ: "j", KeyK: "k", KeyN: "n", KeyP: "p", KeyR: "r", Slash: "/" }[e.code];
    if (place && key.length === 1 && key.charCodeAt(0) > 127) key = place;
    switch (key) {
      case "j":
      case "ArrowDown":
        step(1);
        break;
      case "k":
      case "ArrowUp":
        step(-1);
        break;
      case "Enter": {
        // A focused link or button opens itself; this is for the marked row alone.
        if (el && el.closest && el.closest("a, button, summary")) return;
        var row = markedRow();
        var link = row && row.querySelector("a[href]");
        if (!link) return;
        window.location.href = link.href;
        break;
      }
      case "n":
        follow("next");
        break;
      case "p":
        follow("prev");
        break;
      case "r":
        // The same quiet refresh, now: the list stays where it is on the screen.
        refresh();
        break;
      case "/": {
        var search = document.getElementById("f-q");
        if (!search) return;
        search.focus();
        search.select();
        break;
      }
      default:
        return;
    }
    e.preventDefault();
  });

  // The refresh: the same URL fetched again, only #queue-rows swapped, the
  // scroll position and the marked row kept. Not while the tab is hidden
  // (nobody sees it) nor while someone types (the page would move under them).
  var busy = false;
  var missed = false;

  function refresh() {
    if (busy) return;
    if (document.hidden || typing(document.activeElement)) {
      missed = true;
      return;
    }
    busy = true;
    missed = false;
    // An ended session answers with a redirect to the sign-in page: leave the
    // page as it is; the next click there shows the sign-in form.
    fetch(window.location.href, { credentials: "same-origin", redirect: "error", cache: "no-store" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (!html || typing(document.activeElement)) return;
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("queue-rows");
        if (!fresh) return;
        var hadFocus = box.contains(document.activeElement);
        var x = window.scrollX;
        var y = window.scrollY;
        box.replaceChildren.apply(box, Array.prototype.slice.call(document.adoptNode(fresh).childNodes));
        var row = markedRow();
        mark(row, false);
        if (hadFocus && row) {
          var link = row.querySelector("a[href]");
          if (link) link.focus({ preventScroll: true });
        }
        window.scrollTo(x, y);
      })
      .catch(function () { /* offline for a moment: the next turn tries again */ })
      .then(function () { busy = false; });
  }

  window.setInterval(function () {
    if (allowed("refresh")) refresh();
  }, EVERY_MS);
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && missed && allowed("refresh")) refresh();
  });
})();
